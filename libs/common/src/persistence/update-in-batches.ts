import type { AnyBulkWriteOperation, Model, mongo, ProjectionType, QueryFilter } from 'mongoose';

/**
 * Reads the documents `filter` matches (only the `projection`) through one cursor and writes the update `updateOf`
 * makes for each, in unordered bulk writes of at most `batchSize`: what a one-time backfill needs, with bounded
 * memory whatever the collection's size. Returns how many documents the updates modified.
 */
export async function updateInBatches<T extends mongo.Document, D>(
  model: Model<T>,
  query: { filter: QueryFilter<T>; projection: ProjectionType<T> },
  batchSize: number,
  updateOf: (doc: D) => AnyBulkWriteOperation<T>,
): Promise<number> {
  let modified = 0;
  let batch: AnyBulkWriteOperation<T>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    // The same operations: Mongoose's signature wraps T in a conditional type that a generic T does not resolve.
    const result = await model.bulkWrite(batch as Parameters<Model<T>['bulkWrite']>[0], { ordered: false });
    modified += result.modifiedCount;
    batch = [];
  };
  const cursor = model.find(query.filter, query.projection).lean<D>().cursor({ batchSize });
  try {
    for (let doc = await cursor.next(); doc !== null; doc = await cursor.next()) {
      batch.push(updateOf(doc as D));
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    // Not to hide the error that stopped the loop, if one did.
    await cursor.close().catch(() => undefined);
  }
  return modified;
}
