import { Injectable } from '@nestjs/common';
import { ReconcileLease } from '../ports/reconcile-lease.repository';
import { ReconcileLeaseKeeper } from './reconcile-lease-keeper';
import { ReconciliationDrain } from './reconciliation-drain';
import { WorkerRunExclusion } from './worker-run-exclusion';

/** What became of a request to reconcile a worker exclusively. */
export type GateOutcome<T> = { kind: 'ran'; value: T } | { kind: 'busy'; reason: string };

/**
 * The way into a worker's reconciliation: this process's exclusion, then (for work that writes)
 * the worker's lease, with the work tracked for shutdown draining.
 */
@Injectable()
export class WorkerReconcileGate {
  constructor(
    private readonly exclusion: WorkerRunExclusion,
    private readonly leases: ReconcileLeaseKeeper,
    private readonly drain: ReconciliationDrain,
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
    const leave = this.exclusion.tryEnter(workerId);
    if (!leave) return { kind: 'busy', reason: 'this worker is being reconciled already' };
    try {
      const lease = withLease ? await this.leases.acquire(workerId) : null;
      if (withLease && !lease) return { kind: 'busy', reason: 'another instance is reconciling this worker' };
      try {
        return { kind: 'ran', value: await this.drain.track(() => work(lease)) };
      } finally {
        if (lease) await this.leases.release(lease);
      }
    } finally {
      leave();
    }
  }

  /** Extends the lease before the writes; null when it was lost. */
  renew(lease: ReconcileLease): Promise<ReconcileLease | null> {
    return this.leases.renew(lease);
  }
}
