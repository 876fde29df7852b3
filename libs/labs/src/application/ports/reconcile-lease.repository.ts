/** One replica's claim on reconciling one worker, as last written by that replica. */
export interface ReconcileLease {
  readonly workerId: string;
  readonly holder: string;
  /** Fencing token: grows with every acquire of this worker, so a stale holder's writes can be told apart. */
  readonly epoch: number;
  readonly expiresAt: Date;
}

/**
 * Per-worker reconciliation lease shared by all replicas of the service: only the holder of a worker's
 * unexpired lease reconciles that worker. Expiry is judged against the `now` the caller passes (no TTL
 * index), so replicas need roughly synchronised clocks and a TTL well above their skew.
 */
export abstract class ReconcileLeaseRepository {
  /** Takes the lease of a worker when nobody holds it, it expired, or `holder` holds it already. Every successful acquire increments the epoch (fencing token). Returns null when another holder has an unexpired lease. Concurrent callers: at most one wins. */
  abstract acquire(
    workerId: string,
    holder: string,
    ttlMs: number,
    now: Date,
  ): Promise<ReconcileLease | null>;
  /** Extends the lease if it is still this holder's at this epoch (and not expired); returns the renewed lease or null if lost. */
  abstract renew(lease: ReconcileLease, ttlMs: number, now: Date): Promise<ReconcileLease | null>;
  /** Gives the lease up (only if still held at this epoch) so another replica can take it at once. The epoch is kept (never decreases). */
  abstract release(lease: ReconcileLease): Promise<void>;
  /** Graceful shutdown: releases every lease `holder` has. Returns how many. */
  abstract releaseAllHeldBy(holder: string): Promise<number>;
  /** For metrics: how many acquires took over an expired lease of another holder, since start (in-process counter). */
  abstract takeovers(): number;
}
