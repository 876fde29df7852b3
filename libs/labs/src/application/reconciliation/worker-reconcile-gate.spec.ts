import { AppConfig, Clock } from '@app/common';
import { InMemoryReconcileLeaseRepository } from '../../testing/in-memory-reconcile-lease.repository';
import { ReconcileLeaseKeeper } from './reconcile-lease-keeper';
import { ReconciliationDrain } from './reconciliation-drain';
import { WorkerReconcileGate } from './worker-reconcile-gate';
import { WorkerRunExclusion } from './worker-run-exclusion';

describe('WorkerReconcileGate', () => {
  const clock: Clock = { now: () => new Date('2026-03-01T00:00:00Z') };
  const config = { cmlTimeoutMs: 1000 } as AppConfig;
  let leases: InMemoryReconcileLeaseRepository;
  let gate: WorkerReconcileGate;
  let drain: ReconciliationDrain;

  beforeEach(() => {
    leases = new InMemoryReconcileLeaseRepository();
    const keeper = new ReconcileLeaseKeeper(leases, config, clock);
    drain = new ReconciliationDrain(keeper);
    gate = new WorkerReconcileGate(new WorkerRunExclusion(), keeper, drain);
  });

  it('runs the work with a fresh lease and releases it afterwards', async () => {
    const outcome = await gate.exclusively('w', async (lease) => lease?.epoch);
    expect(outcome).toEqual({ kind: 'ran', value: 1 });
    // Released: another replica may take it at once.
    expect(await leases.acquire('w', 'another-replica', 60_000, clock.now())).not.toBeNull();
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
    expect(await leases.acquire('w', 'another-replica', 60_000, clock.now())).not.toBeNull();
  });
});
