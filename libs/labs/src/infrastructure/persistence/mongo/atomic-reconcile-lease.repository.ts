import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '@app/common';
import { ReconcileLease } from '../../../application/ports/reconcile-lease.repository';
import { MongoReconcileLeaseRepository } from './mongo-reconcile-lease.repository';
import { ReconcileLeaseDocument } from './reconcile-lease.schema';

/**
 * Leases on a database whose conditional writes are atomic (MongoDB; DatabaseWriteSemantics `atomic`): acquire
 * is one conditional findOneAndUpdate, no claims collection.
 */
@Injectable()
export class AtomicReconcileLeaseRepository extends MongoReconcileLeaseRepository {
  constructor(@InjectModel(ReconcileLeaseDocument.name) model: Model<ReconcileLeaseDocument>) {
    super(model);
  }

  /**
   * One round trip: take the worker's lease document if it is this holder's or has expired, raise its epoch and
   * return it as it was before. This relies on MongoDB's documented semantics, which FerretDB v1 does not have:
   * - A write to one document is atomic (manual, "Atomicity and Transactions"): the filter is evaluated and the
   *   update applied as one step, and a concurrent writer that changed the document first makes the server
   *   evaluate the filter again on the new version. So of racing takeovers of an expired lease one matches; for
   *   the others the lease is live and another's, and nothing matches.
   * - When nothing matches, `upsert` inserts `{_id: workerId, ...}`. `_id` has a unique index, so when the
   *   document exists (live, another holder's) or another racer inserted it first, the insert fails with a
   *   duplicate key (manual, db.collection.findAndModify, "Upsert and Unique Index": with a unique index exactly
   *   one upsert inserts, the others update the inserted document if they match it or fail with a duplicate key
   *   error). The server retries such an upsert itself only when the filter is equality on the index's fields
   *   alone; with the `$or` it is not, and a retry would not match either. The loser gets null.
   * The epoch comes from the document as it was (`returnDocument: 'before'`), which is exactly what this update
   * replaced: no other acquire can have come in between.
   */
  async acquire(workerId: string, holder: string, ttlMs: number, now: Date): Promise<ReconcileLease | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    let before: ReconcileLeaseDocument | null;
    try {
      before = await this.model
        .findOneAndUpdate(
          { _id: workerId, $or: [{ holder }, { expiresAt: { $lte: now } }] },
          { $set: { holder, expiresAt, acquiredAt: now }, $inc: { epoch: 1 } },
          { upsert: true, returnDocument: 'before' },
        )
        .lean<ReconcileLeaseDocument>()
        .exec();
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
    this.countTakeover(before, holder);
    return { workerId, holder, epoch: (before?.epoch ?? 0) + 1, expiresAt };
  }
}
