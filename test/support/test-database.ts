import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';

const MAX_DB_NAME_LENGTH = 38;
const RANDOM_HEX_LENGTH = 8;

/**
 * MONGODB_URI (set by test/global-setup.ts, or by you for a real MongoDB) with a fresh database name per call:
 * `t_<label>_<random hex>`, at most 38 characters of [a-z0-9_]. Use one per test file and drop it afterwards.
 */
export function testDatabaseUri(label?: string): string {
  const base = process.env.MONGODB_URI;
  if (!base) {
    throw new Error(
      'MONGODB_URI is not set: run the tests through jest (test/global-setup.ts starts FerretDB)',
    );
  }
  return withDatabaseName(base, testDatabaseName(label));
}

export function testDatabaseName(label?: string): string {
  const hex = randomBytes(RANDOM_HEX_LENGTH / 2).toString('hex');
  const room = MAX_DB_NAME_LENGTH - 't_'.length - '_'.length - RANDOM_HEX_LENGTH;
  const clean = (label ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, room)
    .replace(/_$/, '');
  return clean ? `t_${clean}_${hex}` : `t_${hex}`;
}

/** Replaces the database of a `mongodb://` / `mongodb+srv://` URI (hosts, credentials and options kept). */
export function withDatabaseName(uri: string, dbName: string): string {
  const schemeEnd = uri.indexOf('://');
  if (schemeEnd < 0) throw new Error(`Not a MongoDB connection string: ${uri}`);
  const afterScheme = schemeEnd + 3;
  const queryStart = uri.indexOf('?', afterScheme);
  const hostsEnd = (() => {
    const slash = uri.indexOf('/', afterScheme);
    if (slash >= 0 && (queryStart < 0 || slash < queryStart)) return slash;
    return queryStart >= 0 ? queryStart : uri.length;
  })();
  const query = queryStart >= 0 ? uri.slice(queryStart) : '';
  return `${uri.slice(0, hostsEnd)}/${dbName}${query}`;
}

/** Drops the connection's database (for afterAll; close the connection yourself). No-op when not connected. */
export async function dropTestDatabase(connection: Connection): Promise<void> {
  if (connection.readyState !== 1) return;
  await connection.dropDatabase();
}
