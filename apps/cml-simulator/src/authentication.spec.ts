import { Agent } from 'node:https';
import axios from 'axios';
import jwt from 'jsonwebtoken';
import { AUTHENTICATION_FAILED } from './public-api-router';
import { DEFAULT_CML_VERSION } from './simulator-settings';
import { BUILT_IN_ADMIN_ID } from './simulator-user';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';
import { CML_TOKEN_ISSUER, UNAUTHORIZED_DESCRIPTIONS } from './token-issuer';

const UUID4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

describe('cml-simulator authentication and TLS', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;

  beforeAll(async () => {
    sim = await startCmlSimulator({
      users: [
        { username: 'admin', password: 'admin-password', admin: true, fullname: 'Administrator' },
        { username: 'student', password: 'student-password', admin: false, fullname: 'A Student' },
      ],
    });
    client = createSimulatorTestClient(sim);
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  afterEach(() => sim.state.reset());

  it('serves HTTPS that verifies against caCertPem for 127.0.0.1', async () => {
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`);
    const res = await client.http.get('/api/v0/system_information');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      version: DEFAULT_CML_VERSION,
      ready: true,
      allow_ssh_pubkey_auth: false,
      oui: '52:54:00:00:00:00',
    });
    expect(DEFAULT_CML_VERSION).toBe('2.9.0');
  });

  it('reports the configured version, and another one after /_sim/settings', async () => {
    const other = await startCmlSimulator({ version: '2.10.0' });
    const otherClient = createSimulatorTestClient(other);
    try {
      expect((await otherClient.http.get('/api/v0/system_information')).data.version).toBe('2.10.0');
    } finally {
      otherClient.close();
      await other.close();
    }
    expect((await client.http.patch('/_sim/settings', { version: '2.10.1' })).data.version).toBe('2.10.1');
    expect((await client.http.get('/api/v0/system_information')).data.version).toBe('2.10.1');
    expect((await client.http.patch('/_sim/settings', { version: 'two' })).status).toBe(400);
    await expect(startCmlSimulator({ version: 'latest' })).rejects.toMatchObject({ status: 400 });
  });

  it('is rejected by a client that does not trust its certificate', async () => {
    const agent = new Agent({ keepAlive: false });
    try {
      await expect(
        axios.get(`${sim.url}/api/v0/system_information`, { httpsAgent: agent, proxy: false }),
      ).rejects.toMatchObject({
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
    } finally {
      agent.destroy();
    }
  });

  it("issues an HS256 JWT as a JSON string with CML's claims and a 24 h lifetime", async () => {
    const res = await client.http.post('/api/v0/authenticate', {
      username: 'admin',
      password: 'admin-password',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(typeof res.data).toBe('string');
    const decoded = jwt.decode(res.data as string, { complete: true });
    expect(decoded?.header.alg).toBe('HS256');
    const payload = decoded?.payload as jwt.JwtPayload;
    expect(Object.keys(payload).sort()).toEqual(['exp', 'iat', 'iss', 'jti', 'sub']);
    expect(payload).toMatchObject({ iss: CML_TOKEN_ISSUER, sub: BUILT_IN_ADMIN_ID });
    expect(CML_TOKEN_ISSUER).toBe('com.cisco.virl');
    expect(payload.jti).toMatch(UUID4);
    expect(payload.exp! - payload.iat!).toBe(86_400);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    // Every login gets its own token id.
    const again = jwt.decode(await client.login()) as jwt.JwtPayload;
    expect(again.jti).not.toBe(payload.jti);
  });

  it('gives a non-admin a stable uuid4 subject', async () => {
    const payload = jwt.decode(await client.login('student', 'student-password')) as jwt.JwtPayload;
    expect(payload.sub).toMatch(UUID4);
    expect(payload.sub).not.toBe(BUILT_IN_ADMIN_ID);
  });

  it('answers 403 "Authentication failed!" for a wrong password or an unknown user', async () => {
    for (const path of ['/api/v0/authenticate', '/api/v0/auth_extended']) {
      for (const body of [
        { username: 'admin', password: 'nope' },
        { username: 'ghost', password: 'admin-password' },
      ]) {
        const res = await client.http.post(path, body);
        expect(res.status).toBe(403);
        expect(res.data).toEqual({ code: 403, description: AUTHENTICATION_FAILED });
      }
    }
  });

  it('answers 400 for a malformed authentication body', async () => {
    const notJson = await client.http.post('/api/v0/authenticate', 'username=admin', {
      headers: { 'Content-Type': 'application/json' },
      transformRequest: [(data: unknown) => data],
    });
    expect(notJson.status).toBe(400);
    expect(notJson.data.code).toBe(400);
    const missingPassword = await client.http.post('/api/v0/authenticate', { username: 'admin' });
    expect(missingPassword.status).toBe(400);
  });

  it('answers auth_extended with the user, its admin flag and a working token', async () => {
    const admin = await client.http.post('/api/v0/auth_extended', {
      username: 'admin',
      password: 'admin-password',
    });
    expect(admin.status).toBe(200);
    expect(admin.data).toEqual({
      username: 'admin',
      id: BUILT_IN_ADMIN_ID,
      token: expect.any(String),
      admin: true,
      error: null,
    });
    expect((await client.http.get('/api/v0/authok', client.bearer(admin.data.token))).status).toBe(200);

    const student = await client.http.post('/api/v0/auth_extended', {
      username: 'student',
      password: 'student-password',
    });
    expect(student.data).toMatchObject({ username: 'student', admin: false, error: null });
    expect((jwt.decode(student.data.token) as jwt.JwtPayload).sub).toBe(student.data.id);
  });

  it('answers auth_extended with a CML-shaped 404 when authExtended is off, like an older controller', async () => {
    const old = await startCmlSimulator({ authExtended: false });
    const oldClient = createSimulatorTestClient(old);
    try {
      const res = await oldClient.http.post('/api/v0/auth_extended', {
        username: 'admin',
        password: 'admin-password',
      });
      expect(res.status).toBe(404);
      expect(res.data).toEqual({ code: 404, description: 'Not found: POST /api/v0/auth_extended' });
      // /authenticate still works, and the attempt is counted so tests can see the fallback.
      expect(typeof (await oldClient.login())).toBe('string');
      expect(old.state.stats().requests).toMatchObject({ auth_extended: 1, authenticate: 1 });
    } finally {
      oldClient.close();
      await old.close();
    }
    // The setting can be switched at run time too.
    sim.state.updateSettings({ authExtended: false });
    expect(
      (await client.http.post('/api/v0/auth_extended', { username: 'admin', password: 'x' })).status,
    ).toBe(404);
  });

  it('answers GET /authok with "OK" for a valid token and 401 otherwise', async () => {
    const token = await client.login();
    const ok = await client.http.get('/api/v0/authok', client.bearer(token));
    expect(ok).toMatchObject({ status: 200, data: 'OK' });
    expect((await client.http.get('/api/v0/authok')).status).toBe(401);
    expect((await client.http.get('/api/v0/authok', client.bearer('x.y.z'))).status).toBe(401);
  });

  it('has GET /authentication (the caller as a user object) only from version 2.10 on', async () => {
    const token = await client.login('student', 'student-password');
    const old = await client.http.get('/api/v0/authentication', client.bearer(token));
    expect(old.status).toBe(404);
    expect(old.data).toEqual({ code: 404, description: 'Not found: GET /api/v0/authentication' });

    sim.state.updateSettings({ version: '2.10.0' });
    const res = await client.http.get('/api/v0/authentication', client.bearer(token));
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ username: 'student', admin: false, fullname: 'A Student' });
    expect(res.data.id).toMatch(UUID4);
    expect(res.data).not.toHaveProperty('password');
    expect((await client.http.get('/api/v0/authentication')).status).toBe(401);
  });

  it('logout answers true and invalidates that token only; clear_all_sessions=true all of the user’s', async () => {
    const first = await client.login();
    const second = await client.login();
    const student = await client.login('student', 'student-password');

    const out = await client.http.delete('/api/v0/logout', client.bearer(first));
    expect(out).toMatchObject({ status: 200, data: true });
    const after = await client.http.get('/api/v0/labs', client.bearer(first));
    expect(after.status).toBe(401);
    expect(after.data).toEqual({ code: 401, description: UNAUTHORIZED_DESCRIPTIONS.invalid });
    expect((await client.http.get('/api/v0/labs', client.bearer(second))).status).toBe(200);

    const third = await client.login();
    expect(
      (await client.http.delete('/api/v0/logout?clear_all_sessions=true', client.bearer(second))).data,
    ).toBe(true);
    expect((await client.http.get('/api/v0/labs', client.bearer(second))).status).toBe(401);
    expect((await client.http.get('/api/v0/labs', client.bearer(third))).status).toBe(401);
    // Other users' sessions survive, and logging in again works.
    expect((await client.http.get('/api/v0/labs', client.bearer(student))).status).toBe(200);
    expect((await client.http.get('/api/v0/labs', client.bearer(await client.login()))).status).toBe(200);
    expect((await client.http.delete('/api/v0/logout')).status).toBe(401);
  });

  it('answers 401 without, or with an invalid, bearer token', async () => {
    const missing = await client.http.get('/api/v0/labs');
    expect(missing.status).toBe(401);
    expect(missing.data).toEqual({ code: 401, description: UNAUTHORIZED_DESCRIPTIONS.missing });

    const forged = jwt.sign({ sub: BUILT_IN_ADMIN_ID, jti: 'x' }, 'not-the-secret', {
      issuer: CML_TOKEN_ISSUER,
    });
    const invalid = await client.http.get('/api/v0/labs', client.bearer(forged));
    expect(invalid.status).toBe(401);
    expect(invalid.data).toEqual({ code: 401, description: UNAUTHORIZED_DESCRIPTIONS.invalid });
  });

  it('does not need a token for system_information', async () => {
    const res = await client.http.get('/api/v0/system_information', client.bearer('garbage'));
    expect(res.status).toBe(200);
  });

  it('rejects every issued token after /_sim/tokens/expire, and a new login works', async () => {
    const token = await client.login();
    expect((await client.http.get('/api/v0/labs', client.bearer(token))).status).toBe(200);

    expect((await client.http.post('/_sim/tokens/expire')).status).toBe(204);
    const expired = await client.http.get('/api/v0/labs', client.bearer(token));
    expect(expired.status).toBe(401);
    expect(expired.data).toEqual({ code: 401, description: UNAUTHORIZED_DESCRIPTIONS.expired });

    const fresh = await client.login();
    expect((await client.http.get('/api/v0/labs', client.bearer(fresh))).status).toBe(200);
  });

  it('rejects a token from another simulator instance (random secret per instance)', async () => {
    const other = await startCmlSimulator();
    const otherClient = createSimulatorTestClient(other);
    try {
      const foreign = await otherClient.login();
      const res = await client.http.get('/api/v0/labs', client.bearer(foreign));
      expect(res.status).toBe(401);
    } finally {
      otherClient.close();
      await other.close();
    }
  });
});

describe('cml-simulator token lifetime', () => {
  it('expires tokens after tokenTtlSeconds', async () => {
    const sim = await startCmlSimulator({ tokenTtlSeconds: 1 });
    const client = createSimulatorTestClient(sim);
    try {
      const token = await client.login();
      const payload = jwt.decode(token) as jwt.JwtPayload;
      expect(payload.exp! - payload.iat!).toBe(1);
      expect((await client.http.get('/api/v0/labs', client.bearer(token))).status).toBe(200);
      // exp has one-second resolution, so a 1 s token is dead at the latest 2 s after issue.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const res = await client.http.get('/api/v0/labs', client.bearer(token));
      expect(res.status).toBe(401);
      expect(res.data).toEqual({ code: 401, description: UNAUTHORIZED_DESCRIPTIONS.expired });
    } finally {
      client.close();
      await sim.close();
    }
  });
});
