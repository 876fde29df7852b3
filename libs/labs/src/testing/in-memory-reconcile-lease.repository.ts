import { ReconcileLease, ReconcileLeaseRepository } from '../application/ports/reconcile-lease.repository';

/** What a released lease expires at, as in the Mongo repository: in the past for every `now`. */
export const RELEASED_AT = new Date(0);

interface StoredLease {
  holder: string;
  epoch: number;
  expiresAt: Date;
  acquiredAt: Date;
}

/**
 * ReconcileLeaseRepository without a database, as MongoReconcileLeaseRepository keeps it: one lease
 * per worker, kept after release so that its epoch only grows; acquire succeeds when nobody holds
 * it, it expired (at `expiresAt` exactly) or the holder holds it already, and raises the epoch
 * every time; renew and release act only for the same holder at the same epoch;
 * releaseAllHeldBy releases what is not released yet; a takeover is an acquire over another
 * holder's lease that ran out (not one that was released). Each call runs without yielding, so
 * concurrent acquires have one winner.
 */
export class InMemoryReconcileLeaseRepository extends ReconcileLeaseRepository {
  private readonly leases = new Map<string, StoredLease>();
  private takeoverCount = 0;

  async acquire(workerId: string, holder: string, ttlMs: number, now: Date): Promise<ReconcileLease | null> {
    const before = this.leases.get(workerId);
    if (before && before.holder !== holder && before.expiresAt.getTime() > now.getTime()) return null;
    const epoch = (before?.epoch ?? 0) + 1;
    const expiresAt = new Date(now.getTime() + ttlMs);
    this.leases.set(workerId, { holder, epoch, expiresAt, acquiredAt: new Date(now) });
    if (before && before.holder !== holder && before.expiresAt.getTime() !== RELEASED_AT.getTime()) {
      this.takeoverCount++;
    }
    return { workerId, holder, epoch, expiresAt: new Date(expiresAt) };
  }

  async renew(lease: ReconcileLease, ttlMs: number, now: Date): Promise<ReconcileLease | null> {
    const stored = this.heldBy(lease);
    if (!stored || stored.expiresAt.getTime() <= now.getTime()) return null;
    stored.expiresAt = new Date(now.getTime() + ttlMs);
    return { ...lease, expiresAt: new Date(stored.expiresAt) };
  }

  async release(lease: ReconcileLease): Promise<void> {
    const stored = this.heldBy(lease);
    if (stored) stored.expiresAt = RELEASED_AT;
  }

  async releaseAllHeldBy(holder: string): Promise<number> {
    let released = 0;
    for (const stored of this.leases.values()) {
      if (stored.holder === holder && stored.expiresAt.getTime() > RELEASED_AT.getTime()) {
        stored.expiresAt = RELEASED_AT;
        released++;
      }
    }
    return released;
  }

  takeovers(): number {
    return this.takeoverCount;
  }

  /** The stored lease of a worker as the last acquire, renew or release left it; null if never taken. */
  stored(workerId: string): ReconcileLease | null {
    const s = this.leases.get(workerId);
    return s ? { workerId, holder: s.holder, epoch: s.epoch, expiresAt: new Date(s.expiresAt) } : null;
  }

  private heldBy(lease: ReconcileLease): StoredLease | undefined {
    const stored = this.leases.get(lease.workerId);
    return stored && stored.holder === lease.holder && stored.epoch === lease.epoch ? stored : undefined;
  }
}
