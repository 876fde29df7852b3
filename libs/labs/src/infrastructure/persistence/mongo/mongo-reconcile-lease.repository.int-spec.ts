import mongoose, { Connection, Model } from 'mongoose';
import { testDatabaseUri, withDatabaseName } from '../../../../../../test/support/test-database';
import { ReconcileLease } from '../../../application/ports/reconcile-lease.repository';
import { MongoReconcileLeaseRepository } from './mongo-reconcile-lease.repository';
import { ReconcileLeaseDocument, ReconcileLeaseSchema } from './reconcile-lease.schema';

const TTL = 30_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

describe('MongoReconcileLeaseRepository (real FerretDB)', () => {
  let connection: Connection;
  let model: Model<ReconcileLeaseDocument>;
  let repo: MongoReconcileLeaseRepository;
  let worker = 0;
  // A worker id of its own per test, so that the tests do not depend on each other's leases.
  const nextWorker = (): string => `worker-${++worker}`;
  /**
   * Whether the lease is still its holder's at its epoch and unexpired at `now`: a renew that
   * succeeds exactly then, asked to keep the expiry where it is (so it changes nothing).
   */
  const stillHeld = async (lease: ReconcileLease, now: Date): Promise<boolean> =>
    (await repo.renew(lease, lease.expiresAt.getTime() - now.getTime(), now)) !== null;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('lease')).asPromise();
    model = connection.model<ReconcileLeaseDocument>(ReconcileLeaseDocument.name, ReconcileLeaseSchema);
    await model.init();
    repo = new MongoReconcileLeaseRepository(model);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('gives the first acquire epoch 1, blocks another holder while unexpired, and lets the holder re-acquire', async () => {
    const w = nextWorker();
    const first = await repo.acquire(w, 'a', TTL, t0);
    expect(first).toEqual({ workerId: w, holder: 'a', epoch: 1, expiresAt: at(TTL) });
    expect(await repo.acquire(w, 'b', TTL, at(TTL - 1))).toBeNull();

    const again = await repo.acquire(w, 'a', TTL, at(1000));
    expect(again).toEqual({ workerId: w, holder: 'a', epoch: 2, expiresAt: at(1000 + TTL) });
    expect(await stillHeld(first!, at(1000))).toBe(false);
    expect(await stillHeld(again!, at(1000))).toBe(true);
    expect(await model.findById(w).lean()).toEqual({
      _id: w,
      holder: 'a',
      epoch: 2,
      expiresAt: at(1000 + TTL),
      acquiredAt: at(1000),
    });
  });

  it('lets another holder take over an expired lease with a higher epoch, counted as a takeover', async () => {
    const w = nextWorker();
    const old = (await repo.acquire(w, 'a', TTL, t0))!;
    const renewed = await repo.renew(old, TTL, at(10_000));
    expect(renewed).toEqual({ ...old, expiresAt: at(10_000 + TTL) });
    // Expired exactly at expiresAt, for renew and acquire alike.
    expect(await stillHeld(renewed!, at(10_000 + TTL))).toBe(false);

    const takeoversBefore = repo.takeovers();
    const taken = await repo.acquire(w, 'b', TTL, at(10_000 + TTL));
    expect(taken).toMatchObject({ holder: 'b', epoch: 2 });
    expect(repo.takeovers()).toBe(takeoversBefore + 1);

    expect(await repo.renew(renewed!, TTL, at(10_000 + TTL + 1))).toBeNull();
    expect(await stillHeld(renewed!, at(10_000 + TTL + 1))).toBe(false);
    // The old holder's release must not free the new holder's lease.
    await repo.release(renewed!);
    expect(await stillHeld(taken!, at(10_000 + TTL + 1))).toBe(true);
    expect(await repo.acquire(w, 'a', TTL, at(10_000 + TTL + 1))).toBeNull();
  });

  it('hands a released lease over at once, keeps the epoch growing, and does not count it as a takeover', async () => {
    const w = nextWorker();
    const a = (await repo.acquire(w, 'a', TTL, t0))!;
    await repo.release(a);
    expect(await stillHeld(a, t0)).toBe(false);

    const takeoversBefore = repo.takeovers();
    const b = (await repo.acquire(w, 'b', TTL, at(1)))!;
    expect(b.epoch).toBe(2);
    expect(repo.takeovers()).toBe(takeoversBefore);
    await repo.release(b);
    const a2 = (await repo.acquire(w, 'a', TTL, at(2)))!;
    expect(a2.epoch).toBe(3);
    expect(await model.findById(w).lean()).toMatchObject({ holder: 'a', epoch: 3 });
  });

  it('releases every lease of one holder on shutdown, and only its own', async () => {
    const [w1, w2, w3, w4] = [nextWorker(), nextWorker(), nextWorker(), nextWorker()];
    const held = await Promise.all([
      repo.acquire(w1, 'shutting-down', TTL, t0),
      repo.acquire(w2, 'shutting-down', TTL, t0),
      repo.acquire(w3, 'other', TTL, t0),
      repo.acquire(w4, 'shutting-down', TTL, t0),
    ]);
    await repo.release(held[3]!);

    expect(await repo.releaseAllHeldBy('shutting-down')).toBe(2);
    expect(await stillHeld(held[0]!, at(1))).toBe(false);
    expect(await stillHeld(held[1]!, at(1))).toBe(false);
    expect(await stillHeld(held[2]!, at(1))).toBe(true);
    expect(await repo.acquire(w1, 'other', TTL, at(1))).toMatchObject({ epoch: 2 });
    expect(await repo.releaseAllHeldBy('shutting-down')).toBe(0);
  });

  describe('a claim whose lease write never happened (crash or failed write after the claim insert)', () => {
    const claims = () => connection.collection('reconcile_lease_claims');

    it('is stepped over once older than the TTL: the worker is not wedged', async () => {
      const w = nextWorker();
      // What a replica leaves when it dies right after claiming epoch 1, before writing the lease.
      await claims().insertOne({
        _id: `${w}#1` as never,
        workerId: w,
        epoch: 1,
        holder: 'dead',
        claimedAt: t0,
      });

      expect(await repo.acquire(w, 'b', TTL, at(TTL - 1))).toBeNull();
      const taken = await repo.acquire(w, 'b', TTL, at(TTL));
      expect(taken).toMatchObject({ holder: 'b', epoch: 2 });
      expect(await model.findById(w).lean()).toMatchObject({ holder: 'b', epoch: 2 });
      // And the worker goes on normally afterwards.
      await repo.release(taken!);
      expect(await repo.acquire(w, 'c', TTL, at(TTL + 1))).toMatchObject({ holder: 'c', epoch: 3 });
    });

    it('is stepped over after a lease write that failed, behind an existing lease', async () => {
      const w = nextWorker();
      const first = (await repo.acquire(w, 'a', TTL, t0))!;
      await repo.release(first);
      // Holder "x" claimed epoch 2, then its lease write failed.
      await claims().insertOne({
        _id: `${w}#2` as never,
        workerId: w,
        epoch: 2,
        holder: 'x',
        claimedAt: at(1),
      });

      expect(await repo.acquire(w, 'b', TTL, at(2))).toBeNull();
      expect(await repo.acquire(w, 'b', TTL, at(TTL + 1))).toMatchObject({ holder: 'b', epoch: 3 });
    });

    it('never lets a late lease write of a stepped-over claim move the epoch back', async () => {
      const w = nextWorker();
      await claims().insertOne({
        _id: `${w}#1` as never,
        workerId: w,
        epoch: 1,
        holder: 'slow',
        claimedAt: t0,
      });
      const taken = (await repo.acquire(w, 'b', TTL, at(TTL)))!;
      expect(taken.epoch).toBe(2);
      // The slow claimer of epoch 1 finally writes its lease the way acquire does.
      await expect(
        model
          .updateOne(
            { _id: w, epoch: { $lt: 1 } },
            { $set: { holder: 'slow', epoch: 1, expiresAt: at(2 * TTL), acquiredAt: at(TTL) } },
            { upsert: true },
          )
          .exec(),
      ).rejects.toMatchObject({ code: 11000 });
      expect(await model.findById(w).lean()).toMatchObject({ holder: 'b', epoch: 2 });
    });
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

  describe('concurrent acquires of one worker by 20 holders', () => {
    let second: Connection;
    let secondModel: Model<ReconcileLeaseDocument>;

    beforeAll(async () => {
      // A second connection pool, as a second replica of the service would have.
      second = await mongoose
        .createConnection(withDatabaseName(process.env.MONGODB_URI!, connection.name))
        .asPromise();
      secondModel = second.model<ReconcileLeaseDocument>(ReconcileLeaseDocument.name, ReconcileLeaseSchema);
    });
    afterAll(async () => {
      await second.close();
    });

    async function race(
      w: string,
      models: Model<ReconcileLeaseDocument>[],
      now: Date,
    ): Promise<ReconcileLease[]> {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          new MongoReconcileLeaseRepository(models[i % models.length]).acquire(w, `holder-${i}`, TTL, now),
        ),
      );
      return results.filter((r): r is ReconcileLease => r !== null);
    }

    it('lets exactly one create the lease (repositories sharing one model)', async () => {
      const w = nextWorker();
      const winners = await race(w, [model], t0);
      expect(winners).toHaveLength(1);
      expect(winners[0].epoch).toBe(1);
      expect(await model.findById(w).lean()).toMatchObject({ holder: winners[0].holder, epoch: 1 });
    });

    it('lets exactly one create the lease (two connections)', async () => {
      const w = nextWorker();
      const winners = await race(w, [model, secondModel], t0);
      expect(winners).toHaveLength(1);
      expect(await model.findById(w).lean()).toMatchObject({ holder: winners[0].holder, epoch: 1 });
    });

    it('lets exactly one take over an expired lease (two connections), FerretDB included', async () => {
      const w = nextWorker();
      await repo.acquire(w, 'dead', TTL, t0);
      const winners = await race(w, [model, secondModel], at(TTL));
      expect(winners.map((l) => l.epoch)).toEqual([2]);
      expect(await model.findById(w).lean()).toMatchObject({ holder: winners[0].holder, epoch: 2 });
    });
  });
});
