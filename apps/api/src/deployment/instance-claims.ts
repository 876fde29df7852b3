import type { Connection, Model } from 'mongoose';
import { UniqueClaims } from '@app/common';
import { InstanceClaimDocument, InstanceClaimSchema } from './instance-claim.schema';

export { INSTANCE_CLAIMS_COLLECTION } from './instance-claim.schema';

/** One claim of the database by one API instance (see InstanceClaimDocument). */
export type InstanceClaim = InstanceClaimDocument;

export interface InstanceIdentity {
  holder: string;
  host: string;
  pid: number;
}

export type ClaimOutcome = { claimed: InstanceClaim } | { heldBy: InstanceClaim };

/** How often claiming is tried again when a competing insert won the same epoch. */
const MAX_CLAIM_ATTEMPTS = 5;

/**
 * The claims of one database. Times are the wall clock of the process (not the application Clock, which tests
 * move): heartbeats compare real time across processes, and the stale time (tens of seconds) is far above the
 * clock skew of hosts that run NTP.
 */
export class InstanceClaims {
  private readonly model: Model<InstanceClaim>;
  private readonly claims: UniqueClaims<InstanceClaim>;

  constructor(
    connection: Connection,
    private readonly staleAfterMs: number,
  ) {
    this.model = connection.model<InstanceClaim>(InstanceClaimDocument.name, InstanceClaimSchema);
    this.claims = new UniqueClaims(this.model);
  }

  isLive(claim: InstanceClaim, now: Date = new Date()): boolean {
    return claim.releasedAt === null && now.getTime() - claim.heartbeatAt.getTime() < this.staleAfterMs;
  }

  /** Claims the database unless the latest claim is live; that claim is returned instead. */
  async claim(identity: InstanceIdentity): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt++) {
      const now = new Date();
      const latest = await this.latest();
      if (latest && this.isLive(latest, now)) return { heldBy: latest };
      const epoch = (latest?.epoch ?? 0) + 1;
      const claim: InstanceClaim = {
        _id: `api#${epoch}`,
        epoch,
        ...identity,
        startedAt: now,
        heartbeatAt: now,
        releasedAt: null,
      };
      if (!(await this.claims.claim(claim))) {
        // Another instance took this epoch first: look again (its claim is live now).
        if (attempt < MAX_CLAIM_ATTEMPTS) continue;
        throw new Error(
          `Could not claim the database: other instances took ${MAX_CLAIM_ATTEMPTS} epochs in a row first`,
        );
      }
      // Older claims are history; only the latest counts. Best effort: a leftover one is never the latest.
      await this.model
        .deleteMany({ epoch: { $lt: epoch } })
        .exec()
        .catch(() => undefined);
      return { claimed: claim };
    }
  }

  /**
   * Writes the holder's heartbeat. False when the claim is no longer this instance's: it went stale (no
   * heartbeat could be written for longer than the stale time) and another instance took the database over.
   */
  async refresh(claim: InstanceClaim): Promise<boolean> {
    const { matchedCount } = await this.model
      .updateOne({ _id: claim._id, releasedAt: null }, { $set: { heartbeatAt: new Date() } })
      .exec();
    if (matchedCount === 0) return false;
    return (await this.model.countDocuments({ epoch: { $gt: claim.epoch } }).exec()) === 0;
  }

  /** Frees the database at once (graceful shutdown). */
  async release(claim: InstanceClaim): Promise<void> {
    await this.model.updateOne({ _id: claim._id }, { $set: { releasedAt: new Date() } }).exec();
  }

  private latest(): Promise<InstanceClaim | null> {
    return this.model.findOne({}).sort({ epoch: -1 }).lean<InstanceClaim>().exec();
  }
}
