import { decodeCursor, encodeCursor, InvalidInputError } from '@app/common';
import { AuditEventPosition } from '../../../domain/audit-event-position';

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The opaque cursor of a page's last event: its position, `<ISO time>|<source|id>` inside the common envelope. */
export function encodeAuditEventCursor(position: AuditEventPosition): string {
  return encodeCursor(`${position.time.toISOString()}|${position.key}`);
}

/**
 * The position a cursor of `encodeAuditEventCursor` names; undefined for none. Anything else (not base64url,
 * not our envelope, a cursor of another list, a time that is no instant) is a 400, never a 500.
 */
export function decodeAuditEventCursor(cursor: string | undefined): AuditEventPosition | undefined {
  const value = decodeCursor(cursor);
  if (value === undefined) return undefined;
  // The time has no `|`, so the first one ends it; the key (source|id) keeps every later one.
  const bar = value.indexOf('|');
  const iso = bar < 0 ? '' : value.slice(0, bar);
  const key = bar < 0 ? '' : value.slice(bar + 1);
  const time = new Date(iso);
  if (!ISO_UTC_MS.test(iso) || Number.isNaN(time.getTime()) || time.toISOString() !== iso || key === '') {
    throw new InvalidInputError('cursor is not a cursor this service returned', [
      { field: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return { time, key };
}
