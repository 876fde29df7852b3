import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import {
  ReconcileLease,
  ReconcileLeaseRepository,
} from '../../../application/ports/reconcile-lease.repository';
import { ReconcileLeaseDocument } from './reconcile-lease.schema';

/** What a released lease expires at: in the past for every `now`, and told apart from a lease that ran out. */
const RELEASED = new Date(0);

@Injectable()
export class MongoReconcileLeaseRepository extends ReconcileLeaseRepository {
  private takeoverCount = 0;

  constructor(
    @InjectModel(ReconcileLeaseDocument.name) private readonly model: Model<ReconcileLeaseDocument>,
  ) {
    super();
  }

  async acquire(workerId: string, holder: string, ttlMs: number, now: Date): Promise<ReconcileLease | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    let before: ReconcileLeaseDocument | null;
    try {
      // The document as it was before the update tells, in the same round trip, the epoch we now hold and
      // whose lease we took; null means the upsert created it, so `$inc` started the epoch at 1.
      before = await this.model
        .findOneAndUpdate(
          { _id: workerId, $or: [{ expiresAt: { $lte: now } }, { holder }] },
          { $set: { holder, expiresAt, acquiredAt: now }, $inc: { epoch: 1 } },
          { upsert: true, returnDocument: 'before' },
        )
        .lean<ReconcileLeaseDocument>()
        .exec();
    } catch (error) {
      // The filter did not match an existing lease, so the upsert tried to insert a second document with this
      // `_id`: another holder's lease is unexpired (or a concurrent caller created it first).
      if (isDuplicateKey(error)) return null;
      throw error;
    }
    // A released lease was handed over on purpose; only leases that ran out mean a replica died or stalled.
    if (before && before.holder !== holder && before.expiresAt.getTime() !== RELEASED.getTime()) {
      this.takeoverCount++;
    }
    return { workerId, holder, epoch: (before?.epoch ?? 0) + 1, expiresAt };
  }

  async renew(lease: ReconcileLease, ttlMs: number, now: Date): Promise<ReconcileLease | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const result = await this.model
      .updateOne({ ...heldBy(lease), expiresAt: { $gt: now } }, { $set: { expiresAt } })
      .exec();
    return result.matchedCount === 1 ? { ...lease, expiresAt } : null;
  }

  async isCurrent(lease: ReconcileLease, now: Date): Promise<boolean> {
    const found = await this.model.exists({ ...heldBy(lease), expiresAt: { $gt: now } }).exec();
    return found !== null;
  }

  async release(lease: ReconcileLease): Promise<void> {
    // Kept rather than deleted: a fresh document would restart the epoch at 1 and break fencing.
    await this.model.updateOne(heldBy(lease), { $set: { expiresAt: RELEASED } }).exec();
  }

  async releaseAllHeldBy(holder: string): Promise<number> {
    // Counts leases not released yet, expired or not: the caller has no `now` here and either kind is ours to drop.
    const result = await this.model
      .updateMany({ holder, expiresAt: { $gt: RELEASED } }, { $set: { expiresAt: RELEASED } })
      .exec();
    return result.modifiedCount;
  }

  takeovers(): number {
    return this.takeoverCount;
  }
}

function heldBy(lease: ReconcileLease): { _id: string; holder: string; epoch: number } {
  return { _id: lease.workerId, holder: lease.holder, epoch: lease.epoch };
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === 11000;
}
