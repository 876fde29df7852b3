/**
 * A user's delete survives the API process dying between CML's DELETE and the tombstone write
 * (issue 12, item 3). The API runs as a real child process (apps/api/src/main.ts); the test holds
 * CML's delete with a simulator latency fault, SIGKILLs the process while CML is deleting, lets
 * CML finish, restarts the process and reconciles. The removal must come out as `lab.deleted` by
 * the user who asked, not as `lab.orphan_removed` ("deleted outside cml-labs").
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import mongoose, { Connection } from 'mongoose';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { testDatabaseUri } from './support/test-database';
import { waitFor } from './support/test-sink';
import { freePort } from './support/child-app';

const SECRET = 'attribution-test-secret-long-enough-for-hs256';
const ISSUER = 'https://idp.test';
const AUDIENCE = 'cml-labs';
const ROOT = path.resolve(__dirname, '..');
const CML_DELETE_HOLD_MS = 3000;

interface StoredRecord {
  _id: string;
  removal: { kind: string; event: { type: string; deletedBy?: string; alreadyAbsentInCml?: boolean } } | null;
}

class ApiProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, ...this.env, ...extraEnv, PORT: String(this.port) },
        stdio: 'pipe',
      },
    );
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    await waitFor(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`API exited early:\n${this.output.slice(-4000)}`);
        return fetch(`${this.url}/health/ready`)
          .then((r) => r.ok)
          .catch(() => false);
      },
      60_000,
      'the API process to be ready',
    );
  }

  /** What a crash does: no shutdown hooks, no flush, no goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

describe('attribution survives a crash between CML and the database (API as a child process, SIGKILL)', () => {
  let simulator: RunningCmlSimulator;
  let db: Connection;
  let api: ApiProcess;
  const alice = jwt.sign({ sub: 'alice', roles: ['admin'] }, SECRET, {
    algorithm: 'HS256',
    expiresIn: 600,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const call = (method: string, route: string, body?: unknown) =>
    fetch(`${api.url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    const uri = testDatabaseUri('attribution_crash');
    simulator = await startCmlSimulator({});
    db = await mongoose.createConnection(uri).asPromise();
    api = new ApiProcess(
      {
        MONGODB_URI: uri,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        AUTH_DISABLED: 'false',
        AUTH_JWT_SECRET: SECRET,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_ROLES_CLAIM: 'roles',
        LOG_LEVEL: 'warn',
        LABS_REFRESH_INTERVAL: '0',
        CML_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8,::1/128',
        CML_TIMEOUT_MS: String(CML_DELETE_HOLD_MS * 3),
      },
      await freePort(),
    );
    await api.start();
  }, 90_000);
  afterAll(async () => {
    await api?.kill();
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
    await simulator?.close();
  });

  it('Phase 2 completes the interrupted delete as lab.deleted by alice', async () => {
    const created = await call('POST', '/api/workers', {
      name: 'sim',
      endpoint: simulator.url,
      username: 'admin',
      password: 'admin-password',
      caCertPem: simulator.caCertPem,
    });
    expect(created.status).toBe(201);
    const workerId = ((await created.json()) as { id: string }).id;
    const [labId, other] = simulator.state.seedLabs({ count: 3, state: 'STARTED' });
    expect((await call('POST', `/api/workers/${workerId}/labs/refresh`)).status).toBe(200);

    // CML takes its time over the DELETE; the process dies meanwhile.
    simulator.state.addFault({ route: 'labs.delete', kind: 'latency', latencyMs: CML_DELETE_HOLD_MS, labId });
    const pending = call('DELETE', `/api/workers/${workerId}/labs/${labId}?force=true`).catch(() => null);
    await waitFor(
      () => simulator.state.listFaults().some((f) => f.labId === labId && f.applied > 0),
      20_000,
      'the CML delete to start',
    );
    const record = () => db.collection<StoredRecord>('lab_records').findOne({ _id: `${workerId}:${labId}` });
    // The delete intent is stored on the lab's record, before CML is touched, and leaves with its tombstone.
    const intent = async () =>
      (
        await db
          .collection<{ _id: string; deleteIntent: Record<string, unknown> | null }>('lab_records')
          .findOne({ _id: `${workerId}:${labId}` })
      )?.deleteIntent ?? null;
    expect(await intent()).toMatchObject({ by: 'alice', force: true });
    await api.kill();
    expect(await pending).toBeNull();
    // CML finishes the delete it had accepted; nobody wrote the tombstone.
    await waitFor(
      () => !simulator.state.listLabs().some((l) => l.id === labId),
      10_000,
      'CML to delete the lab',
    );
    expect((await record())?.removal).toBeNull();

    // On FerretDB the killed process's claim on the database stays live until 30 s after its last heartbeat,
    // and the restart would refuse to start until then; the test knows that process is dead.
    await api.start({ FERRETDB_ALLOW_MULTIPLE_INSTANCES: 'true' });
    const refreshed = await call('POST', `/api/workers/${workerId}/labs/refresh`);
    expect(refreshed.status).toBe(200);

    const removed = await record();
    expect(removed?.removal?.kind).toBe('lab.deleted');
    expect(removed?.removal?.event).toMatchObject({ type: 'lab.deleted', deletedBy: 'alice' });
    expect(await intent()).toBeNull();
    expect((await call('GET', `/api/workers/${workerId}/labs/${labId}`)).status).toBe(404);
    expect((await call('GET', `/api/workers/${workerId}/labs/${other}`)).status).toBe(200);
  }, 120_000);
});
