import { spawn } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { ApiHarness, startApiHarness } from './api-harness';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'cml-labs.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/cml-labs.js <args>` as its own process, as an operator would (from the sources: a stale
 * dist/ must not answer for them), with only the environment given (no CML_LABS_* of the machine), stdin
 * not a terminal, and resolves with its exit code and output.
 */
export function runCliProcess(args: string[], env: Record<string, string>, input?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        CML_LABS_CLI_FROM_SOURCE: '1',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export const CLI_JWT_SECRET = 'cli-e2e-secret-that-is-long-enough-for-hs256';
const ISSUER = 'https://idp.test';
const AUDIENCE = 'cml-labs';

/** A token the API of {@link startListeningApi} accepts, with these roles. */
export function cliToken(subject: string, roles: string[], options: jwt.SignOptions = {}): string {
  return jwt.sign({ sub: subject, preferred_username: subject, roles }, CLI_JWT_SECRET, {
    algorithm: 'HS256',
    expiresIn: 600,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...options,
  });
}

/** One token per role: ada the admin, otto the operator, vera the viewer. */
export const ROLE_TOKENS = {
  admin: cliToken('ada', ['admin']),
  operator: cliToken('otto', ['operator']),
  viewer: cliToken('vera', ['viewer']),
};

export interface ListeningApi {
  h: ApiHarness;
  /** The API's URL on loopback, as CML_LABS_URL. */
  url: string;
  /** Runs the CLI against this API with a token (progress polled every 100 ms). */
  cli(token: string, ...args: string[]): Promise<CliRun>;
  /** Registers the simulator as the worker `sim` (with an admin token) and returns its id. */
  registerSimulator(): Promise<string>;
  /** The ids of a worker's live labs, as the API lists them. */
  liveLabIds(workerId: string): Promise<string[]>;
}

/** The API harness with HS256 auth, listening on a free loopback port so that a CLI process can reach it. */
export async function startListeningApi(
  label: string,
  env: Record<string, string> = {},
): Promise<ListeningApi> {
  const h = await startApiHarness(label, {
    AUTH_DISABLED: 'false',
    AUTH_JWT_SECRET: CLI_JWT_SECRET,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_ROLES_CLAIM: 'roles',
    ...env,
  });
  await h.app.listen(0, '127.0.0.1');
  const { port } = h.app.getHttpServer().address() as AddressInfo;
  const admin = { Authorization: `Bearer ${ROLE_TOKENS.admin}` };
  return {
    h,
    url: `http://127.0.0.1:${port}`,
    cli: (token, ...args) =>
      runCliProcess(args, {
        CML_LABS_URL: `http://127.0.0.1:${port}`,
        CML_LABS_TOKEN: token,
        CML_LABS_POLL_INTERVAL_MS: '100',
      }),
    async registerSimulator() {
      const { url: endpoint, caCertPem } = h.simulator;
      const res = await h
        .http()
        .post('/api/workers')
        .set(admin)
        .send({ name: 'sim', endpoint, username: 'admin', password: 'admin-password', caCertPem })
        .expect(201);
      return res.body.id as string;
    },
    async liveLabIds(workerId) {
      const res = await h.http().get(`/api/workers/${workerId}/labs?limit=500`).set(admin).expect(200);
      return (res.body.items as { labId: string }[]).map((l) => l.labId);
    },
  };
}
