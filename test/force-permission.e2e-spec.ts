import jwt from 'jsonwebtoken';
import { ApiHarness, startApiHarness } from './support/api-harness';

const SECRET = 'force-permission-secret-long-enough-for-hs256';
const ISSUER = 'https://idp.test';
const AUDIENCE = 'cml-labs';

/** Keycloak-style token: client roles of this service, and the username CML knows. */
function token(sub: string, role: string, username?: string): string {
  return jwt.sign(
    {
      sub,
      resource_access: { [AUDIENCE]: { roles: [role] } },
      ...(username ? { preferred_username: username } : {}),
    },
    SECRET,
    { algorithm: 'HS256', expiresIn: 300, issuer: ISSUER, audience: AUDIENCE },
  );
}

/**
 * Who may force (issue 12, item 9): `force=true` stops and wipes a running lab, so it needs the
 * admin role or the caller must be the lab's CML owner. The simulator's labs belong to CML users;
 * the tokens' `preferred_username` says who the caller is.
 */
describe('who may force-delete a running lab (e2e, JWT + FerretDB + CML simulator over HTTPS)', () => {
  let h: ApiHarness;
  let workerId: string;
  const admin = token('ada', 'admin', 'ada');
  const alice = token('alice-sub', 'operator', 'alice');
  const bob = token('bob-sub', 'operator', 'bob');
  const nameless = token('nameless-sub', 'operator');
  const as = (t: string) => ({ Authorization: `Bearer ${t}` });
  const del = (labId: string, t: string) =>
    h.http().delete(`/api/workers/${workerId}/labs/${labId}`).query({ force: 'true' }).set(as(t));

  beforeAll(async () => {
    h = await startApiHarness(
      'force_permission_e2e',
      { AUTH_DISABLED: 'false', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE },
      {
        users: [
          { username: 'admin', password: 'admin-password', admin: true },
          { username: 'alice', password: 'alice-password', admin: false },
        ],
      },
    );
    const res = await h
      .http()
      .post('/api/workers')
      .set(as(admin))
      .send({
        name: 'sim',
        endpoint: h.simulator.url,
        username: 'admin',
        password: 'admin-password',
        caCertPem: h.simulator.caCertPem,
      })
      .expect(201);
    workerId = res.body.id;
  });
  afterAll(() => h.close());

  it('refuses another operator (403, nothing changed in CML or locally), and lets the owner force her own lab', async () => {
    const [lab] = h.simulator.state.seedLabs({ count: 1, owner: 'alice', state: 'STARTED' });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).set(as(admin)).expect(200);
    h.simulator.state.resetStats();

    for (const t of [bob, nameless]) {
      const refused = await del(lab, t);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ step: 'read', cmlChanges: [] });
    }
    expect(h.simulator.state.stats().requests['labs.stop'] ?? 0).toBe(0);
    expect(h.simulator.state.listLabs().find((l) => l.id === lab)?.state).toBe('STARTED');
    await h.http().get(`/api/workers/${workerId}/labs/${lab}`).set(as(bob)).expect(200);

    const done = await del(lab, alice);
    expect(done.status).toBe(200);
    expect(h.simulator.state.listLabs().some((l) => l.id === lab)).toBe(false);
  });

  it("lets an admin force anybody's running lab", async () => {
    const [lab] = h.simulator.state.seedLabs({ count: 1, owner: 'alice', state: 'STARTED' });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).set(as(admin)).expect(200);
    expect((await del(lab, admin)).status).toBe(200);
  });

  it("lets any operator delete another user's wiped lab: force changes nothing there", async () => {
    const [lab] = h.simulator.state.seedLabs({ count: 1, owner: 'alice' });
    await h.http().post(`/api/workers/${workerId}/labs/refresh`).set(as(admin)).expect(200);
    expect((await del(lab, bob)).status).toBe(200);
  });
});
