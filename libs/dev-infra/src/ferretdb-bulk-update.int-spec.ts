/**
 * Guards the FerretDB patches in scripts/ferretdb-patches (and works unchanged against a real MongoDB):
 * one `update` command with 200 updates matching existing documents hangs forever on unpatched v1.24.2.
 */
import mongoose, { type Connection, Schema } from 'mongoose';
import { dropTestDatabase, testDatabaseUri } from '../../../test/support/test-database';

interface Item {
  _id: string;
  n: number;
  tag: string;
}

const DOC_COUNT = 2_000;
const UPDATE_COUNT = 200;
/** Patched FerretDB takes ~0.2 s; unpatched v1.24.2 never answers. */
const BULK_TIMEOUT_MS = 15_000;

async function failAfter<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('FerretDB (integration)', () => {
  let connection: Connection;
  let items: mongoose.Model<Item>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('bulk')).asPromise();
    items = connection.model<Item>(
      'Item',
      new Schema<Item>({ _id: { type: String }, n: Number, tag: String }, { versionKey: false }),
      'items',
    );
  });

  afterAll(async () => {
    if (!connection) return;
    await dropTestDatabase(connection);
    await connection.close();
  });

  it(`applies one bulkWrite of ${UPDATE_COUNT} updateOne by _id over ${DOC_COUNT} documents`, async () => {
    const docs = Array.from({ length: DOC_COUNT }, (_, i) => ({ _id: `item-${i}`, n: i, tag: 'new' }));
    await items.insertMany(docs, { ordered: true });

    const bulk = items.bulkWrite(
      Array.from({ length: UPDATE_COUNT }, (_, k) => ({
        updateOne: { filter: { _id: `item-${k * 10}` }, update: { $set: { tag: 'updated' } } },
      })),
    );
    const result = await failAfter(
      bulk,
      BULK_TIMEOUT_MS,
      `bulkWrite of ${UPDATE_COUNT} updates did not finish within ${BULK_TIMEOUT_MS} ms: ` +
        'FerretDB without scripts/ferretdb-patches/0001-update-close-iterator-per-update.patch deadlocks here',
    );

    expect(result.matchedCount).toBe(UPDATE_COUNT);
    expect(result.modifiedCount).toBe(UPDATE_COUNT);

    const found = await items.findOne({ _id: 'item-1230' }).lean();
    expect(found).toEqual({ _id: 'item-1230', n: 1230, tag: 'updated' });
    const untouched = await items.findOne({ _id: 'item-1231' }).lean();
    expect(untouched).toEqual({ _id: 'item-1231', n: 1231, tag: 'new' });
    expect(await items.countDocuments({ tag: 'updated' })).toBe(UPDATE_COUNT);
  });

  it('rejects a duplicate _id with E11000', async () => {
    await items.create({ _id: 'dup', n: 1, tag: 'first' });
    await expect(items.create({ _id: 'dup', n: 2, tag: 'second' })).rejects.toMatchObject({ code: 11000 });
    expect(await items.findById('dup').lean()).toEqual({ _id: 'dup', n: 1, tag: 'first' });
  });
});
