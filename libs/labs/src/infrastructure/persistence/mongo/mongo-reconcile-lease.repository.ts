import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import {
  ReconcileLease,
  ReconcileLeaseRepository,
} from '../../../application/ports/reconcile-lease.repository';
import { ReconcileLeaseDocument } from './reconcile-lease.schema';
import { ReconcileLeaseClaimDocument, ReconcileLeaseClaimSchema } from './reconcile-lease-claim.schema';
import { isDuplicateKeyError, UniqueClaims } from '@app/common';

/** What a released lease expires at: in the past for every `now`, and told apart from a lease that ran out. */
const RELEASED = new Date(0);

@Injectable()
export class MongoReconcileLeaseRepository extends ReconcileLeaseRepository {
  private takeoverCount = 0;
  private readonly claimModel: Model<ReconcileLeaseClaimDocument>;
  private readonly claims: UniqueClaims<ReconcileLeaseClaimDocument>;

  constructor(
    @InjectModel(ReconcileLeaseDocument.name) private readonly model: Model<ReconcileLeaseDocument>,
  ) {
    super();
    // On the leases' connection: the claims belong to this repository alone, so no module registers them.
    this.claimModel = model.db.model<ReconcileLeaseClaimDocument>(
      ReconcileLeaseClaimDocument.name,
      ReconcileLeaseClaimSchema,
    );
    this.claims = new UniqueClaims(this.claimModel);
  }

  /**
   * Read, then claim the next epoch with an insert, then write the lease. The insert of
   * `${workerId}#${epoch}` into the claims collection is what decides: a unique `_id` insert is the
   * one conditional write that is atomic on FerretDB v1 as well as MongoDB (FerretDB's
   * findAndModify and conditional updates re-check nothing when they write back; 20 racing
   * takeovers of one expired lease gave 18 winners). So two callers can never hold one epoch.
   *
   * A claim whose lease write never came (the claimer crashed, or the write failed) would block
   * that epoch forever; once it is older than the lease TTL it is stepped over, and the next epoch
   * is claimed instead. The lease write only ever raises the epoch, so a claimer that comes back
   * after that cannot move it back.
   */
  async acquire(workerId: string, holder: string, ttlMs: number, now: Date): Promise<ReconcileLease | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const before = await this.model.findOne({ _id: workerId }).lean<ReconcileLeaseDocument>().exec();
    if (before && before.holder !== holder && before.expiresAt.getTime() > now.getTime()) return null;
    const epoch = await this.claimEpoch(workerId, holder, (before?.epoch ?? 0) + 1, ttlMs, now);
    if (epoch === null) return null;
    try {
      await this.model
        .updateOne(
          { _id: workerId, epoch: { $lt: epoch } },
          { $set: { holder, epoch, expiresAt, acquiredAt: now } },
          { upsert: true },
        )
        .exec();
    } catch (error) {
      // The upsert met a lease at our epoch or above: someone stepped over our claim meanwhile.
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
    if (epoch % 50 === 0) {
      // Claims only need to outlive the race for their epoch; keep the collection small.
      await this.claimModel
        .deleteMany({ workerId, epoch: { $lt: epoch - 10 } })
        .exec()
        .catch(() => undefined);
    }
    // A released lease was handed over on purpose; only leases that ran out mean a replica died or stalled.
    if (before && before.holder !== holder && before.expiresAt.getTime() !== RELEASED.getTime()) {
      this.takeoverCount++;
    }
    return { workerId, holder, epoch, expiresAt };
  }

  /** Claims `first`, or the epoch after stale claims; null when a live claim is in the way. */
  private async claimEpoch(
    workerId: string,
    holder: string,
    first: number,
    ttlMs: number,
    now: Date,
  ): Promise<number | null> {
    // Each stale claim is a crash that happened; more than a few in a row means something else is wrong.
    const MAX_STALE_CLAIMS_STEPPED_OVER = 5;
    for (let epoch = first; epoch <= first + MAX_STALE_CLAIMS_STEPPED_OVER; epoch++) {
      const _id = `${workerId}#${epoch}`;
      if (await this.claims.claim({ _id, workerId, epoch, holder, claimedAt: now })) return epoch;
      // Stepped over, not taken over: the epoch of a claimer that may still write stays its own.
      const claim = await this.claims.held(_id);
      const stale = claim !== null && claim.claimedAt.getTime() + ttlMs <= now.getTime();
      if (!stale) return null;
    }
    return null;
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
}

function heldBy(lease: ReconcileLease): { _id: string; holder: string; epoch: number } {
  return { _id: lease.workerId, holder: lease.holder, epoch: lease.epoch };
}
