import { InvalidInputError } from '../errors/invalid-input.error';

/**
 * Opaque keyset cursors: the client gets back the sort key of the last item it saw, encoded so
 * that nobody builds one by hand and so that the format can change without breaking clients.
 */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { k?: unknown }).k === 'string') {
      return (parsed as { k: string }).k;
    }
  } catch {
    // fall through to the one error clients see
  }
  throw new InvalidInputError('cursor is not a cursor this service returned', [
    { field: 'cursor', message: 'invalid cursor' },
  ]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
