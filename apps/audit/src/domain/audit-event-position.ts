import { auditEventKey } from './lab-audit-event';

/**
 * Where an event stands in the audit trail's total order (newest `time` first, then the stored key
 * `source|id` descending, compared as MongoDB compares strings: by their UTF-8 bytes). The key is unique,
 * so "after this position" neither repeats nor skips an event, whatever arrives meanwhile.
 */
export interface AuditEventPosition {
  time: Date;
  key: string;
}

export function positionOf(event: { source: string; id: string; time: string }): AuditEventPosition {
  return { time: new Date(event.time), key: auditEventKey(event) };
}

/** MongoDB compares strings by their UTF-8 bytes (no collation), which is not always JavaScript's `<`. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Negative when `a` comes first in the newest-first order, positive when `b` does, 0 for the same position. */
export function compareNewestFirst(a: AuditEventPosition, b: AuditEventPosition): number {
  return b.time.getTime() - a.time.getTime() || compareKeys(b.key, a.key);
}
