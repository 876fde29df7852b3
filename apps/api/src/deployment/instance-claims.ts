import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '@app/common';

/** Where API instances claim a FerretDB database. */
export const INSTANCE_CLAIMS_COLLECTION = 'api_instance_claims';

/**
 * One claim of the database by one API instance. Claims form a chain: taking the database over from claim `n`
 * (released, or stale) inserts claim `n + 1`, and `_id` = `api#<epoch>` is unique, so of two instances racing for
 * the same takeover exactly one insert succeeds. Inserts are the one conditional write FerretDB v1 performs
 * atomically (an update's filter is not checked again when the document is written back).
 */
export interface InstanceClaim {
  _id: string;
  epoch: number;
  /** `host:pid:random`, unique per process. */
  holder: string;
  host: string;
  pid: number;
  startedAt: Date;
  /** Written by the holder every few seconds; a claim whose heartbeat is older than the stale time is free. */
  heartbeatAt: Date;
  /** Set on graceful shutdown: the database is free at once. */
  releasedAt: Date | null;
}

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
  private readonly collection: Collection<InstanceClaim>;

  constructor(
    db: Db,
    private readonly staleAfterMs: number,
  ) {
    this.collection = db.collection<InstanceClaim>(INSTANCE_CLAIMS_COLLECTION);
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
      try {
        await this.collection.insertOne(claim);
      } catch (error) {
        // Another instance took this epoch first: look again (its claim is live now).
        if (isDuplicateKeyError(error) && attempt < MAX_CLAIM_ATTEMPTS) continue;
        throw error;
      }
      // Older claims are history; only the latest counts. Best effort: a leftover one is never the latest.
      await this.collection.deleteMany({ epoch: { $lt: epoch } }).catch(() => undefined);
      return { claimed: claim };
    }
  }

  /**
   * Writes the holder's heartbeat. False when the claim is no longer this instance's: it went stale (no
   * heartbeat could be written for longer than the stale time) and another instance took the database over.
   */
  async refresh(claim: InstanceClaim): Promise<boolean> {
    const { matchedCount } = await this.collection.updateOne(
      { _id: claim._id, releasedAt: null },
      { $set: { heartbeatAt: new Date() } },
    );
    if (matchedCount === 0) return false;
    return (await this.collection.countDocuments({ epoch: { $gt: claim.epoch } })) === 0;
  }

  /** Frees the database at once (graceful shutdown). */
  async release(claim: InstanceClaim): Promise<void> {
    await this.collection.updateOne({ _id: claim._id }, { $set: { releasedAt: new Date() } });
  }

  private latest(): Promise<InstanceClaim | null> {
    return this.collection.find({}).sort({ epoch: -1 }).limit(1).next();
  }
}

/**
 * The FerretDB version when the database is FerretDB, else null. FerretDB answers `buildInfo` like MongoDB 7.0
 * (`version: 7.0.x`) and adds `ferretdbVersion` (v1.24.2: `"v1.24.2"`, with `ferretdbFeatures`); `hello` carries
 * neither.
 */
export async function ferretDbVersionOf(db: Db): Promise<string | null> {
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : null;
}
