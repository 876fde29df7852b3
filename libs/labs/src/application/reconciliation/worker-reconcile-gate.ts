import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig, Clock } from '@app/common';
import { ReconcileLease, ReconcileLeaseRepository } from '../ports/reconcile-lease.repository';

/** What became of a request to reconcile a worker exclusively. */
export type GateOutcome<T> = { kind: 'ran'; value: T } | { kind: 'busy'; reason: string };

/**
 * Lets one reconciliation of a worker run at a time: within this process (the lease lets its own
 * holder in again, so runs of one process need their own exclusion) and across replicas (the
 * worker's lease, whose epoch fences every write). Drains running reconciliations on shutdown and
 * gives this instance's leases back, so another replica can take over at once.
 */
@Injectable()
export class WorkerReconcileGate implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerReconcileGate.name);
  /** Lease holder name of this process. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inProgress = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly leases: ReconcileLeaseRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `work` for this worker unless this or another instance is at it already.
   * @param withLease false for work that writes nothing (a dry run): no lease, no epoch, only the
   *   in-process exclusion; `work` then gets null.
   */
  async exclusively<T>(
    workerId: string,
    work: (lease: ReconcileLease | null) => Promise<T>,
    withLease = true,
  ): Promise<GateOutcome<T>> {
    if (this.inProgress.has(workerId))
      return { kind: 'busy', reason: 'this worker is being reconciled already' };
    this.inProgress.add(workerId);
    try {
      const lease = withLease
        ? await this.leases.acquire(workerId, this.instanceId, this.leaseTtlMs(), this.clock.now())
        : null;
      if (withLease && !lease) return { kind: 'busy', reason: 'another instance is reconciling this worker' };
      try {
        const job = work(lease);
        this.running.add(job);
        try {
          return { kind: 'ran', value: await job };
        } finally {
          this.running.delete(job);
        }
      } finally {
        if (lease) await this.leases.release(lease).catch(() => undefined);
      }
    } finally {
      this.inProgress.delete(workerId);
    }
  }

  /** Extends the lease before the writes; null when it was lost (another replica took it over). */
  renew(lease: ReconcileLease): Promise<ReconcileLease | null> {
    return this.leases.renew(lease, this.leaseTtlMs(), this.clock.now());
  }

  /**
   * Before the database connection closes (Mongoose closes it on application shutdown): let the
   * running reconciliations finish, then give this instance's leases back.
   */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    const released = await this.leases.releaseAllHeldBy(this.instanceId).catch(() => 0);
    if (released > 0) this.logger.log({ released }, 'reconciliation leases released');
  }

  /** Long enough for a slow worker's whole run; renewed before the writes. */
  private leaseTtlMs(): number {
    return Math.max(5 * 60_000, 20 * this.config.cmlTimeoutMs);
  }
}
