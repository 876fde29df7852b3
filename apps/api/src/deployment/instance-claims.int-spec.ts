/** The claim chain against real FerretDB (or MongoDB): a unique insert decides every race. */
import mongoose, { type Connection } from 'mongoose';
import { dropTestDatabase, testDatabaseUri } from '../../../../test/support/test-database';
import { INSTANCE_CLAIMS_COLLECTION, InstanceClaim, InstanceClaims } from './instance-claims';

const STALE_AFTER_MS = 30_000;
const identity = (n: number) => ({ holder: `host-${n}:${n}:abcd`, host: `host-${n}`, pid: n });

describe('InstanceClaims (integration)', () => {
  let connection: Connection;
  let claims: InstanceClaims;
  const collection = () => connection.db!.collection<InstanceClaim>(INSTANCE_CLAIMS_COLLECTION);
  /** Makes a claim look as if its holder stopped writing heartbeats `agoMs` ago (a crash). */
  const age = (claim: InstanceClaim, agoMs: number) =>
    collection().updateOne({ _id: claim._id }, { $set: { heartbeatAt: new Date(Date.now() - agoMs) } });

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('instance_claims')).asPromise();
    claims = new InstanceClaims(connection, STALE_AFTER_MS);
  });

  beforeEach(() => collection().deleteMany({}));

  afterAll(async () => {
    if (!connection) return;
    await dropTestDatabase(connection);
    await connection.close();
  });

  it('of 10 instances starting at once on a free database, exactly one gets the claim', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => claims.claim(identity(i))));
    const winners = outcomes.flatMap((o) => ('claimed' in o ? [o.claimed] : []));
    expect(winners).toHaveLength(1);
    for (const o of outcomes) {
      if ('heldBy' in o) expect(o.heldBy.holder).toBe(winners[0].holder);
    }
  });

  it('of 10 instances taking over one stale claim at once, exactly one wins; the old holder learns it lost', async () => {
    const first = await claims.claim(identity(100));
    if (!('claimed' in first)) throw new Error('expected the claim');
    await age(first.claimed, STALE_AFTER_MS + 1_000);

    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => claims.claim(identity(i))));
    const winners = outcomes.flatMap((o) => ('claimed' in o ? [o.claimed] : []));
    expect(winners).toHaveLength(1);
    expect(winners[0].epoch).toBe(first.claimed.epoch + 1);
    expect(await claims.refresh(first.claimed)).toBe(false);
    expect(await claims.refresh(winners[0])).toBe(true);
  });

  it('a refreshed claim stays live; a released one is free at once', async () => {
    const first = await claims.claim(identity(1));
    if (!('claimed' in first)) throw new Error('expected the claim');
    await age(first.claimed, STALE_AFTER_MS - 5_000);
    expect(await claims.refresh(first.claimed)).toBe(true);
    expect(await claims.claim(identity(2))).toEqual({
      heldBy: expect.objectContaining({ holder: 'host-1:1:abcd' }),
    });

    await claims.release(first.claimed);
    const next = await claims.claim(identity(2));
    expect(next).toEqual({ claimed: expect.objectContaining({ holder: 'host-2:2:abcd', epoch: 2 }) });
    // Only the latest claim is kept.
    expect(await collection().countDocuments({})).toBe(1);
  });
});
