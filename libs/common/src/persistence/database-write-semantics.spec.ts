import {
  describeWriteSemantics,
  UnsafeWriteSemanticsError,
  writeSemanticsOf,
} from './database-write-semantics';

/** What FerretDB v1.24.2 answers to `buildInfo` (the fields that matter, as checked against the real server). */
const ferretDb = {
  version: '7.0.77',
  gitVersion: '1274d8c5',
  ferretdbVersion: 'v1.24.2',
  ferretdbFeatures: {},
  ok: 1,
};
/** What MongoDB 7.0 answers (no ferretdbVersion). */
const mongoDb = { version: '7.0.14', gitVersion: 'ce59cfc6a3c5e5c067dca0d30697edd68d4f5188', ok: 1 };

describe('writeSemanticsOf', () => {
  it('takes the unique-insert-only path on FerretDB and the atomic path on MongoDB by default', () => {
    expect(writeSemanticsOf(ferretDb, 'auto')).toEqual({
      conditionalWrites: 'unique-insert-only',
      server: 'FerretDB v1.24.2',
      ferretDbVersion: 'v1.24.2',
    });
    expect(writeSemanticsOf(mongoDb, 'auto')).toEqual({
      conditionalWrites: 'atomic',
      server: 'MongoDB 7.0.14',
      ferretDbVersion: null,
    });
  });

  it('treats any FerretDB version as FerretDB, and a server without a version as MongoDB', () => {
    expect(writeSemanticsOf({ ...ferretDb, ferretdbVersion: 'v2.1.0' }, 'auto')).toMatchObject({
      conditionalWrites: 'unique-insert-only',
      server: 'FerretDB v2.1.0',
    });
    expect(writeSemanticsOf({ ok: 1 }, 'auto')).toEqual({
      conditionalWrites: 'atomic',
      server: 'MongoDB (version unknown)',
      ferretDbVersion: null,
    });
    // Only a string is a version: a field some other server sets to something else is not FerretDB's.
    expect(writeSemanticsOf({ ...mongoDb, ferretdbVersion: true }, 'auto').conditionalWrites).toBe('atomic');
  });

  it('puts a server the detection cannot see on the safe path when told (Cosmos DB, DocumentDB)', () => {
    expect(writeSemanticsOf(mongoDb, 'unique-insert-only')).toEqual({
      conditionalWrites: 'unique-insert-only',
      server: 'MongoDB 7.0.14',
      ferretDbVersion: null,
    });
    expect(writeSemanticsOf(ferretDb, 'unique-insert-only').conditionalWrites).toBe('unique-insert-only');
    expect(writeSemanticsOf(mongoDb, 'atomic').conditionalWrites).toBe('atomic');
  });

  it('refuses atomic on a detected FerretDB, saying why and what to do', () => {
    const attempt = () => writeSemanticsOf(ferretDb, 'atomic');
    expect(attempt).toThrow(UnsafeWriteSemanticsError);
    expect(attempt).toThrow(
      /^Refusing to start: MONGODB_CONDITIONAL_WRITES=atomic, but the database is FerretDB v1\.24\.2, which does not apply conditional updates atomically/,
    );
    expect(attempt).toThrow(/Unset MONGODB_CONDITIONAL_WRITES \(or set it to auto or unique-insert-only\)/);
  });
});

describe('describeWriteSemantics', () => {
  it('says in one line which server, which path and what that path does', () => {
    expect(describeWriteSemantics(writeSemanticsOf(ferretDb, 'auto'), 'auto')).toBe(
      'database FerretDB v1.24.2: conditional writes unique-insert-only (leases by epoch claims, per-worker write lock, one API instance)',
    );
    expect(describeWriteSemantics(writeSemanticsOf(mongoDb, 'auto'), 'auto')).toBe(
      'database MongoDB 7.0.14: conditional writes atomic (leases by conditional findOneAndUpdate, no write lock, replicas allowed)',
    );
    expect(
      describeWriteSemantics(writeSemanticsOf(mongoDb, 'unique-insert-only'), 'unique-insert-only'),
    ).toBe(
      'database MongoDB 7.0.14: conditional writes unique-insert-only (MONGODB_CONDITIONAL_WRITES=unique-insert-only) (leases by epoch claims, per-worker write lock, one API instance)',
    );
  });
});
