import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError, UniqueClaims } from '@app/common';
import { ReconcileLease } from '../../../application/ports/reconcile-lease.repository';
import { MongoReconcileLeaseRepository } from './mongo-reconcile-lease.repository';
import { ReconcileLeaseDocument } from './reconcile-lease.schema';
import { ReconcileLeaseClaimDocument, ReconcileLeaseClaimSchema } from './reconcile-lease-claim.schema';

/**
 * Leases on a database where only a unique `_id` insert is atomic (FerretDB v1; DatabaseWriteSemantics
 * `unique-insert-only`): every epoch is claimed by an insert into `reconcile_lease_claims` before the lease is
 * written (3 to 4 round trips per acquire).
 */
@Injectable()
export class EpochClaimReconcileLeaseRepository extends MongoReconcileLeaseRepository {
  private readonly claimModel: Model<ReconcileLeaseClaimDocument>;
  private readonly claims: UniqueClaims<ReconcileLeaseClaimDocument>;
  /** The claims' indexes, created once per process before their first cleanup (see acquire). */
  private claimIndexes: Promise<unknown> | undefined;

  constructor(@InjectModel(ReconcileLeaseDocument.name) model: Model<ReconcileLeaseDocument>) {
    super(model);
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
    if (epoch % 50 === 0) await this.removeOldClaims(workerId, epoch);
    this.countTakeover(before, holder);
    return { workerId, holder, epoch, expiresAt };
  }

  /**
   * Claims only need to outlive the race for their epoch; keep the collection small. Best effort: a claim left
   * behind is never in the way of a later epoch. The filter is answered from `claim_worker_epoch` (on FerretDB
   * too: scripts/ferretdb-patches/0003 pushes its leading equality down), which is created here, once per process,
   * rather than at start: the collection exists by now (this acquire claimed into it), and nothing is created
   * ahead for a worker that was never reconciled. createIndexes is a no-op when the index exists.
   */
  private async removeOldClaims(workerId: string, epoch: number): Promise<void> {
    try {
      this.claimIndexes ??= this.claimModel.createIndexes();
      await this.claimIndexes;
    } catch (error) {
      // Tried again at the next cleanup; until then the cleanup reads the whole (small) collection.
      this.claimIndexes = undefined;
      new Logger(EpochClaimReconcileLeaseRepository.name).warn(
        { workerId, err: (error as Error).message },
        'could not create the index of reconcile_lease_claims',
      );
    }
    await this.claimModel
      .deleteMany({ workerId, epoch: { $lt: epoch - 10 } })
      .exec()
      .catch(() => undefined);
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
}
