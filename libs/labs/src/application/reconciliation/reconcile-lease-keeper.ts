import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig, Clock } from '@app/common';
import { ReconcileLease, ReconcileLeaseRepository } from '../ports/reconcile-lease.repository';

/**
 * This process's side of the per-worker reconciliation leases: one replica reconciles a worker at
 * a time, and the lease's epoch fences every write of its run.
 */
@Injectable()
export class ReconcileLeaseKeeper {
  /** Lease holder name of this process. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly leases: ReconcileLeaseRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A fresh lease, or null while another instance holds an unexpired one. */
  acquire(workerId: string): Promise<ReconcileLease | null> {
    return this.leases.acquire(workerId, this.instanceId, this.ttlMs(), this.clock.now());
  }

  /** Extends the lease before the writes; null when it was lost (another replica took it over). */
  renew(lease: ReconcileLease): Promise<ReconcileLease | null> {
    return this.leases.renew(lease, this.ttlMs(), this.clock.now());
  }

  /** Gives the lease back; a failure only delays the next holder until the lease expires. */
  async release(lease: ReconcileLease): Promise<void> {
    await this.leases.release(lease).catch(() => undefined);
  }

  /** Gives back every lease this process holds (on shutdown); how many there were. */
  releaseAll(): Promise<number> {
    return this.leases.releaseAllHeldBy(this.instanceId).catch(() => 0);
  }

  /** Long enough for a slow worker's whole run; renewed before the writes. */
  private ttlMs(): number {
    return Math.max(5 * 60_000, 20 * this.config.cmlTimeoutMs);
  }
}
