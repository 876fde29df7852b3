import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';

/**
 * Cisco's own Python client (virl2-client, pinned in test/cml-conformance/requirements.txt) drives the simulator:
 * pytest runs test/cml-conformance against an in-process simulator with an admin, a non-admin and non-zero
 * transition times, over HTTPS with verification against the simulator's certificate.
 */

const REPO_ROOT = resolve(__dirname, '..');
const VENV = join(REPO_ROOT, '.tools', 'conformance-venv');
const PYTHON = join(VENV, 'bin', 'python');
const REQUIREMENTS = join(REPO_ROOT, 'test', 'cml-conformance', 'requirements.txt');
const SETUP_HINT =
  'run `bash scripts/ensure-conformance-venv.sh` (or `npm run test:conformance`, which does it first)';

const ADMIN = { username: 'admin', password: 'admin-password', admin: true, fullname: 'Administrator' };
const STUDENT = {
  username: 'student',
  password: 'student-password',
  admin: false,
  fullname: 'A Student',
  groups: ['students'],
};
const TIMING = { startMs: 300, stopMs: 300, wipeMs: 150 };

/** Fails (never skips) when the venv is missing or was built from another requirements.txt. */
function assertVenvReady(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(`The virl2-client conformance venv is missing (${VENV}): ${SETUP_HINT}.`);
  }
  const stamp = join(VENV, '.requirements-file.sha256');
  const wanted = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== wanted) {
    throw new Error(`The conformance venv was not built from the current ${REQUIREMENTS}: ${SETUP_HINT}.`);
  }
}

function runPytest(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, ['-m', 'pytest', 'test/cml-conformance', '-q'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[cml-conformance] pytest still running after ${timeoutMs} ms: killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

/** The environment of the pytest process: ours without proxies or virl2-client settings that could interfere. */
function pytestEnv(sim: RunningCmlSimulator, caFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(https?|all|no)_proxy$/i.test(key) || /^(VIRL2?_|CA_BUNDLE$|CML_VERIFY_CERT$)/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    PYTHONDONTWRITEBYTECODE: '1',
    CML_SIM_URL: sim.url,
    CML_SIM_CA_FILE: caFile,
    CML_SIM_ADMIN_USERNAME: ADMIN.username,
    CML_SIM_ADMIN_PASSWORD: ADMIN.password,
    CML_SIM_USER_USERNAME: STUDENT.username,
    CML_SIM_USER_PASSWORD: STUDENT.password,
    CML_SIM_USER_GROUP: STUDENT.groups[0],
    CML_SIM_START_MS: String(TIMING.startMs),
    CML_SIM_STOP_MS: String(TIMING.stopMs),
    CML_SIM_WIPE_MS: String(TIMING.wipeMs),
  };
}

describe('CML simulator conformance: virl2-client (pytest) drives it', () => {
  let sim: RunningCmlSimulator | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes every test of test/cml-conformance against CML 2.9.0 and 2.10.0', async () => {
    assertVenvReady();
    sim = await startCmlSimulator({ users: [ADMIN, STUDENT], ...TIMING });
    dir = mkdtempSync(join(tmpdir(), 'cml-conformance-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, sim.caCertPem);

    const { code, output } = await runPytest(pytestEnv(sim, caFile), 240_000);

    if (code !== 0) {
      // The whole pytest report, so a failure can be read in the jest output.
      process.stdout.write(`\n----- pytest test/cml-conformance (exit ${code}) -----\n${output}\n-----\n`);
    } else {
      const summary = output.trim().split('\n').pop();
      process.stdout.write(`virl2-client conformance: ${summary}\n`);
    }
    expect({ exitCode: code, tail: code === 0 ? '' : output.slice(-4000) }).toEqual({
      exitCode: 0,
      tail: '',
    });
  }, 300_000);
});
