import { AppConfig, Clock } from '@app/common';
import { ReconcileLease, ReconcileLeaseRepository } from '../ports/reconcile-lease.repository';
import { ReconcileLeaseKeeper } from './reconcile-lease-keeper';
import { ReconciliationDrain } from './reconciliation-drain';
import { WorkerReconcileGate } from './worker-reconcile-gate';
import { WorkerRunExclusion } from './worker-run-exclusion';

/** One lease per worker, as the Mongo repository keeps it, without the database. */
class InMemoryLeases extends ReconcileLeaseRepository {
  leases = new Map<string, ReconcileLease>();
  async acquire(workerId: string, holder: string, ttlMs: number, now: Date) {
    const current = this.leases.get(workerId);
    if (current && current.holder !== holder && current.expiresAt > now) return null;
    const lease = {
      workerId,
      holder,
      epoch: (current?.epoch ?? 0) + 1,
      expiresAt: new Date(now.getTime() + ttlMs),
    };
    this.leases.set(workerId, lease);
    return lease;
  }
  async renew(lease: ReconcileLease, ttlMs: number, now: Date) {
    const current = this.leases.get(lease.workerId);
    if (current?.holder !== lease.holder || current.epoch !== lease.epoch) return null;
    const renewed = { ...lease, expiresAt: new Date(now.getTime() + ttlMs) };
    this.leases.set(lease.workerId, renewed);
    return renewed;
  }
  async release(lease: ReconcileLease) {
    const current = this.leases.get(lease.workerId);
    if (current?.epoch === lease.epoch)
      this.leases.set(lease.workerId, { ...current, expiresAt: new Date(0) });
  }
  async releaseAllHeldBy(holder: string) {
    let n = 0;
    for (const [id, l] of this.leases)
      if (l.holder === holder && l.expiresAt.getTime() > 0) {
        this.leases.set(id, { ...l, expiresAt: new Date(0) });
        n++;
      }
    return n;
  }
  takeovers() {
    return 0;
  }
}

describe('WorkerReconcileGate', () => {
  const clock: Clock = { now: () => new Date('2026-03-01T00:00:00Z') };
  const config = { cmlTimeoutMs: 1000 } as AppConfig;
  let leases: InMemoryLeases;
  let gate: WorkerReconcileGate;
  let drain: ReconciliationDrain;

  beforeEach(() => {
    leases = new InMemoryLeases();
    const keeper = new ReconcileLeaseKeeper(leases, config, clock);
    drain = new ReconciliationDrain(keeper);
    gate = new WorkerReconcileGate(new WorkerRunExclusion(), keeper, drain);
  });

  it('runs the work with a fresh lease and releases it afterwards', async () => {
    const outcome = await gate.exclusively('w', async (lease) => lease?.epoch);
    expect(outcome).toEqual({ kind: 'ran', value: 1 });
    expect(leases.leases.get('w')?.expiresAt.getTime()).toBe(0);
  });

  it('turns away a second run of the same worker in this process, not one of another worker', async () => {
    let release!: () => void;
    const first = gate.exclusively('w', () => new Promise<string>((r) => (release = () => r('first'))));
    await new Promise((r) => setImmediate(r));
    await expect(gate.exclusively('w', async () => 'second')).resolves.toEqual({
      kind: 'busy',
      reason: 'this worker is being reconciled already',
    });
    await expect(gate.exclusively('other', async () => 'other')).resolves.toEqual({
      kind: 'ran',
      value: 'other',
    });
    release();
    await expect(first).resolves.toEqual({ kind: 'ran', value: 'first' });
  });

  it('turns away a worker whose lease another instance holds', async () => {
    await leases.acquire('w', 'another-replica', 60_000, clock.now());
    await expect(gate.exclusively('w', async () => 'x')).resolves.toEqual({
      kind: 'busy',
      reason: 'another instance is reconciling this worker',
    });
  });

  it('runs work that writes nothing without a lease', async () => {
    await leases.acquire('w', 'another-replica', 60_000, clock.now());
    await expect(gate.exclusively('w', async (lease) => lease, false)).resolves.toEqual({
      kind: 'ran',
      value: null,
    });
  });

  it('drains running work on shutdown, then releases what this instance holds', async () => {
    let finished = false;
    const running = gate.exclusively('w', async () => {
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    await new Promise((r) => setImmediate(r));
    await drain.beforeApplicationShutdown();
    expect(finished).toBe(true);
    await running;
    expect([...leases.leases.values()].every((l) => l.expiresAt.getTime() === 0)).toBe(true);
  });
});
