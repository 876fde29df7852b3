import { ReconcileLease, ReconcileLeaseRepository } from '../application/ports/reconcile-lease.repository';

const TTL = 30_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

/**
 * The sequential contract of ReconcileLeaseRepository, run against every implementation: the in-memory port (a
 * unit spec) and both Mongo repositories on FerretDB (an int-spec), so that specs over the first tell the truth and
 * the two database paths behave alike. Concurrent acquires are the int-spec's (they depend on the database).
 * `repository` is called once per test; each test uses worker ids of its own, so a shared database is fine.
 */
export function reconcileLeaseRepositoryContract(repository: () => ReconcileLeaseRepository): void {
  let repo: ReconcileLeaseRepository;
  let worker = 0;
  const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const nextWorker = (): string => `worker-${run}-${++worker}`;
  /**
   * Whether the lease is still its holder's at its epoch and unexpired at `now`: a renew that succeeds exactly
   * then, asked to keep the expiry where it is (so it changes nothing).
   */
  const stillHeld = async (lease: ReconcileLease, now: Date): Promise<boolean> =>
    (await repo.renew(lease, lease.expiresAt.getTime() - now.getTime(), now)) !== null;

  beforeEach(() => (repo = repository()));

  it('gives the first acquire of a free worker epoch 1, refuses another holder while live, and lets the holder re-acquire with a higher epoch', async () => {
    const w = nextWorker();
    const first = await repo.acquire(w, 'a', TTL, t0);
    expect(first).toEqual({ workerId: w, holder: 'a', epoch: 1, expiresAt: at(TTL) });
    expect(await repo.acquire(w, 'b', TTL, at(TTL - 1))).toBeNull();

    const again = await repo.acquire(w, 'a', TTL, at(1000));
    expect(again).toEqual({ workerId: w, holder: 'a', epoch: 2, expiresAt: at(1000 + TTL) });
    // The re-acquire moved the epoch: the lease as first taken fences nothing any more.
    expect(await stillHeld(first!, at(1000))).toBe(false);
    expect(await stillHeld(again!, at(1000))).toBe(true);
    expect(repo.takeovers()).toBe(0);
  });

  it('lets another holder take over an expired lease (at expiresAt exactly) with a higher epoch, counted as a takeover', async () => {
    const w = nextWorker();
    const old = (await repo.acquire(w, 'a', TTL, t0))!;
    const renewed = await repo.renew(old, TTL, at(10_000));
    expect(renewed).toEqual({ ...old, expiresAt: at(10_000 + TTL) });
    expect(await repo.acquire(w, 'b', TTL, at(10_000 + TTL - 1))).toBeNull();
    expect(await stillHeld(renewed!, at(10_000 + TTL))).toBe(false);

    const taken = await repo.acquire(w, 'b', TTL, at(10_000 + TTL));
    expect(taken).toEqual({ workerId: w, holder: 'b', epoch: 2, expiresAt: at(10_000 + 2 * TTL) });
    expect(repo.takeovers()).toBe(1);

    expect(await repo.renew(renewed!, TTL, at(10_000 + TTL + 1))).toBeNull();
    // The old holder's release must not free the new holder's lease.
    await repo.release(renewed!);
    expect(await stillHeld(taken!, at(10_000 + TTL + 1))).toBe(true);
    expect(await repo.acquire(w, 'a', TTL, at(10_000 + TTL + 1))).toBeNull();
    expect(repo.takeovers()).toBe(1);
  });

  it('hands a released lease over at once, keeps the epoch growing, and does not count it as a takeover', async () => {
    const w = nextWorker();
    const a = (await repo.acquire(w, 'a', TTL, t0))!;
    await repo.release(a);
    expect(await stillHeld(a, t0)).toBe(false);

    const b = (await repo.acquire(w, 'b', TTL, at(1)))!;
    expect(b).toEqual({ workerId: w, holder: 'b', epoch: 2, expiresAt: at(1 + TTL) });
    await repo.release(b);
    const a2 = (await repo.acquire(w, 'a', TTL, at(2)))!;
    expect(a2.epoch).toBe(3);
    expect(repo.takeovers()).toBe(0);
  });

  it('renews only while the lease is held at its epoch and unexpired', async () => {
    const w = nextWorker();
    const lease = (await repo.acquire(w, 'a', TTL, t0))!;
    expect(await repo.renew({ ...lease, epoch: lease.epoch + 1 }, TTL, at(1))).toBeNull();
    expect(await repo.renew({ ...lease, holder: 'b' }, TTL, at(1))).toBeNull();
    const renewed = await repo.renew(lease, 2 * TTL, at(1));
    expect(renewed).toEqual({ ...lease, expiresAt: at(1 + 2 * TTL) });
    // Expired exactly at expiresAt.
    expect(await repo.renew(renewed!, TTL, at(1 + 2 * TTL))).toBeNull();
    expect(await repo.renew(renewed!, TTL, at(1 + 2 * TTL - 1))).toEqual({
      ...lease,
      expiresAt: at(2 * TTL + TTL),
    });
    await repo.release(lease);
    expect(await repo.renew(lease, TTL, at(2 * TTL))).toBeNull();
  });

  it('only ever raises the epoch, whoever acquires after whatever happened', async () => {
    const w = nextWorker();
    const epochs: number[] = [];
    let now = 0;
    for (const [holder, after] of [
      ['a', 'release'],
      ['b', 'expire'],
      ['c', 'keep'],
      ['c', 'release'],
      ['a', 'expire'],
      ['a', 'keep'],
    ] as const) {
      const lease = (await repo.acquire(w, holder, TTL, at(now)))!;
      expect(lease).not.toBeNull();
      epochs.push(lease.epoch);
      if (after === 'release') await repo.release(lease);
      now += after === 'expire' ? TTL : 1;
    }
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
    // b's lease ran out under c; a's under a itself (no takeover: the same holder).
    expect(repo.takeovers()).toBe(1);
  });

  it('releases every lease of one holder on shutdown, and only its own', async () => {
    const [w1, w2, w3, w4] = [nextWorker(), nextWorker(), nextWorker(), nextWorker()];
    const held = await Promise.all([
      repo.acquire(w1, `shutting-down-${run}`, TTL, t0),
      repo.acquire(w2, `shutting-down-${run}`, TTL, t0),
      repo.acquire(w3, `other-${run}`, TTL, t0),
      repo.acquire(w4, `shutting-down-${run}`, TTL, t0),
    ]);
    await repo.release(held[3]!);

    expect(await repo.releaseAllHeldBy(`shutting-down-${run}`)).toBe(2);
    expect(await stillHeld(held[0]!, at(1))).toBe(false);
    expect(await stillHeld(held[1]!, at(1))).toBe(false);
    expect(await stillHeld(held[2]!, at(1))).toBe(true);
    expect(await repo.acquire(w1, `other-${run}`, TTL, at(1))).toMatchObject({ epoch: 2 });
    expect(repo.takeovers()).toBe(0);
    expect(await repo.releaseAllHeldBy(`shutting-down-${run}`)).toBe(0);
  });

  it('keeps the leases of different workers independent', async () => {
    const [w1, w2] = [nextWorker(), nextWorker()];
    const a = (await repo.acquire(w1, 'a', TTL, t0))!;
    const b = (await repo.acquire(w2, 'b', TTL, t0))!;
    expect([a.epoch, b.epoch]).toEqual([1, 1]);
    expect(await repo.acquire(w1, 'b', TTL, at(1))).toBeNull();
    expect(await repo.acquire(w2, 'a', TTL, at(1))).toBeNull();
    await repo.release(a);
    expect(await stillHeld(b, at(1))).toBe(true);
    expect(await repo.acquire(w1, 'b', TTL, at(2))).toMatchObject({ epoch: 2 });
  });
}
