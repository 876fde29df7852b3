import { Agent } from 'node:https';
import axios from 'axios';
import jwt from 'jsonwebtoken';
import { AUTHENTICATION_FAILED, SIMULATED_CML_VERSION } from './public-api-router';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';
import { UNAUTHORIZED_DESCRIPTIONS } from './token-issuer';

describe('cml-simulator authentication and TLS', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;

  beforeAll(async () => {
    sim = await startCmlSimulator();
    client = createSimulatorTestClient(sim);
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  it('serves HTTPS that verifies against caCertPem for 127.0.0.1', async () => {
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`);
    const res = await client.http.get('/api/v0/system_information');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ version: SIMULATED_CML_VERSION, ready: true });
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

  it('issues an HS256 JWT as a JSON string with the configured lifetime', async () => {
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
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('answers 403 "Authentication failed!" for a wrong password or an unknown user', async () => {
    for (const body of [
      { username: 'admin', password: 'nope' },
      { username: 'ghost', password: 'admin-password' },
    ]) {
      const res = await client.http.post('/api/v0/authenticate', body);
      expect(res.status).toBe(403);
      expect(res.data).toEqual({ code: 403, description: AUTHENTICATION_FAILED });
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

  it('answers 401 without, or with an invalid, bearer token', async () => {
    const missing = await client.http.get('/api/v0/labs');
    expect(missing.status).toBe(401);
    expect(missing.data).toEqual({ code: 401, description: UNAUTHORIZED_DESCRIPTIONS.missing });

    const forged = jwt.sign({ sub: 'x', gen: 0 }, 'not-the-secret');
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
