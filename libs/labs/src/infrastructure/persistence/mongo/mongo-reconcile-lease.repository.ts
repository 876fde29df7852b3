import { Model } from 'mongoose';
import {
  ReconcileLease,
  ReconcileLeaseRepository,
} from '../../../application/ports/reconcile-lease.repository';
import { ReconcileLeaseDocument } from './reconcile-lease.schema';

/** What a released lease expires at: in the past for every `now`, and told apart from a lease that ran out. */
export const RELEASED = new Date(0);

/**
 * What both ways of taking a lease share (EpochClaimReconcileLeaseRepository on FerretDB,
 * AtomicReconcileLeaseRepository on MongoDB): one document per worker in `reconcile_leases`, renew and release
 * by `{_id, holder, epoch}` (only the holder at that epoch, which one live process is), the takeover count.
 */
export abstract class MongoReconcileLeaseRepository extends ReconcileLeaseRepository {
  private takeoverCount = 0;

  protected constructor(protected readonly model: Model<ReconcileLeaseDocument>) {
    super();
  }

  async renew(lease: ReconcileLease, ttlMs: number, now: Date): Promise<ReconcileLease | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const result = await this.model
      .updateOne({ ...heldBy(lease), expiresAt: { $gt: now } }, { $set: { expiresAt } })
      .exec();
    return result.matchedCount === 1 ? { ...lease, expiresAt } : null;
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

  /**
   * Counts an acquire by `holder` over `before` (the lease as it was) as a takeover when it was another holder's
   * and ran out: a released lease was handed over on purpose; only leases that ran out mean a replica died or
   * stalled.
   */
  protected countTakeover(
    before: Pick<ReconcileLeaseDocument, 'holder' | 'expiresAt'> | null,
    holder: string,
  ): void {
    if (before && before.holder !== holder && before.expiresAt.getTime() !== RELEASED.getTime()) {
      this.takeoverCount++;
    }
  }
}

function heldBy(lease: ReconcileLease): { _id: string; holder: string; epoch: number } {
  return { _id: lease.workerId, holder: lease.holder, epoch: lease.epoch };
}
