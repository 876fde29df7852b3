import type { Db } from 'mongodb';

/**
 * What the database guarantees of a conditional write (an update or findAndModify whose filter says "only if"):
 * - `atomic`: the filter is checked and the change applied as one step per document (MongoDB), so of two
 *   concurrent conditional writes to one document at most one passes a filter the other one breaks.
 * - `unique-insert-only`: only an insert with a unique `_id` is atomic. FerretDB v1 reads the document, applies the
 *   change and writes it back by `_id` without checking the filter again (20 racing takeovers of one expired lease
 *   gave 18 winners), so everything that must have one winner goes through a unique insert, and writes to one
 *   worker's records are serialised.
 */
export type ConditionalWrites = 'atomic' | 'unique-insert-only';

/** MONGODB_CONDITIONAL_WRITES: `auto` lets the server's `buildInfo` decide. */
export const CONDITIONAL_WRITES_SETTINGS = ['auto', 'atomic', 'unique-insert-only'] as const;
export type ConditionalWritesSetting = (typeof CONDITIONAL_WRITES_SETTINGS)[number];

/**
 * The one seam between the MongoDB path and the FerretDB path: what the connected database does with a
 * conditional write, decided once at start (DatabaseWriteSemanticsModule). Every choice between the two paths
 * (leases, the per-worker write lock, one API instance per database) asks this token, nowhere else.
 */
export abstract class DatabaseWriteSemantics {
  abstract readonly conditionalWrites: ConditionalWrites;
  /** The server as `buildInfo` names it, e.g. `FerretDB v1.24.2` or `MongoDB 7.0.14`. */
  abstract readonly server: string;
  /** The FerretDB version (`v1.24.2`) when the server is FerretDB, else null. */
  abstract readonly ferretDbVersion: string | null;
}

/** The fields of a `buildInfo` answer that decide (the rest is ignored). */
export interface BuildInfo {
  version?: unknown;
  ferretdbVersion?: unknown;
  [field: string]: unknown;
}

/** The database refuses to run as configured: the message says why and what to do (no stack frames: it is start-up). */
export class UnsafeWriteSemanticsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWriteSemanticsError';
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * The FerretDB version when `buildInfo` is FerretDB's, else null. FerretDB answers `buildInfo` like MongoDB 7.0
 * (`version: 7.0.x`) and adds `ferretdbVersion` (v1.24.2: `"v1.24.2"`, with `ferretdbFeatures`); `hello` carries
 * neither.
 */
export function ferretDbVersionOf(info: BuildInfo): string | null {
  return typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : null;
}

/**
 * Decides the write semantics from the server's `buildInfo` and MONGODB_CONDITIONAL_WRITES. `auto`: FerretDB (any version: none is known to re-check a filter on write-back) gets
 * `unique-insert-only`, anything else `atomic`. `unique-insert-only` may be forced on any server (a
 * MongoDB-compatible one the detection cannot tell apart, such as Cosmos DB or DocumentDB); `atomic` on a detected
 * FerretDB is refused, since it would let two writers win one lease or erase each other's tombstones.
 */
export function writeSemanticsOf(info: BuildInfo, setting: ConditionalWritesSetting): DatabaseWriteSemantics {
  const ferretDbVersion = ferretDbVersionOf(info);
  const server = ferretDbVersion
    ? `FerretDB ${ferretDbVersion}`
    : `MongoDB ${typeof info.version === 'string' ? info.version : '(version unknown)'}`;
  if (ferretDbVersion && setting === 'atomic') {
    throw new UnsafeWriteSemanticsError(
      `Refusing to start: MONGODB_CONDITIONAL_WRITES=atomic, but the database is ${server}, which does not apply ` +
        "conditional updates atomically (it does not check an update's filter again when it writes the document " +
        'back). Unset MONGODB_CONDITIONAL_WRITES (or set it to auto or unique-insert-only), or use MongoDB.',
    );
  }
  const conditionalWrites: ConditionalWrites =
    setting === 'auto' ? (ferretDbVersion ? 'unique-insert-only' : 'atomic') : setting;
  return { conditionalWrites, server, ferretDbVersion };
}

/** The one line the service logs at start about the path it takes. */
export function describeWriteSemantics(
  semantics: DatabaseWriteSemantics,
  setting: ConditionalWritesSetting,
): string {
  const how =
    semantics.conditionalWrites === 'atomic'
      ? 'leases by conditional findOneAndUpdate, no write lock, replicas allowed'
      : 'leases by epoch claims, per-worker write lock, one API instance';
  const why = setting === 'auto' ? '' : ` (MONGODB_CONDITIONAL_WRITES=${setting})`;
  return `database ${semantics.server}: conditional writes ${semantics.conditionalWrites}${why} (${how})`;
}

/** Asks the server for its `buildInfo` (one round trip). */
export async function buildInfoOf(db: Db): Promise<BuildInfo> {
  return (await db.admin().command({ buildInfo: 1 })) as BuildInfo;
}
