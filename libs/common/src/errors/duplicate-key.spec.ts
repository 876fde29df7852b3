import { isDuplicateKeyError } from './duplicate-key';

describe('isDuplicateKeyError', () => {
  it('recognises E11000, from a driver error or a bulk write error', () => {
    expect(isDuplicateKeyError({ code: 11000, message: 'E11000 duplicate key error' })).toBe(true);
    expect(isDuplicateKeyError({ index: 3, code: 11000, errmsg: 'E11000' })).toBe(true);
  });

  it("recognises FerretDB v1's unique violation on an update (InternalError with SQLite's text)", () => {
    expect(isDuplicateKeyError({ code: 1, message: 'UNIQUE constraint failed: workers.nameKey' })).toBe(true);
    expect(isDuplicateKeyError({ code: 1, errmsg: 'UNIQUE constraint failed: x' })).toBe(true);
  });

  it('is false for anything else', () => {
    for (const e of [
      null,
      undefined,
      'E11000',
      42,
      { code: 2, message: 'invalid key' },
      new Error('timeout'),
    ])
      expect(isDuplicateKeyError(e)).toBe(false);
  });
});
