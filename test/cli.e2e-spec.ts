import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cliToken, ListeningApi, ROLE_TOKENS, runCliProcess, startListeningApi } from './support/cli-process';
import { TestSink, waitFor } from './support/test-sink';

/**
 * The operator CLI as a process of its own (node bin/cml-labs.js) against the real API on FerretDB, with the
 * CML simulator over HTTPS behind it and HS256 tokens per role: what each command prints, its --json and its
 * exit code.
 */
describe('cml-labs CLI (e2e)', () => {
  jest.setTimeout(120_000);

  let api: ListeningApi;
  const { admin, operator, viewer } = ROLE_TOKENS;
  let workerId: string;
  const sink = new TestSink();
  const cli = (token: string, ...args: string[]) => api.cli(token, ...args);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  let bobsLabs: string[];
  let stoppedLab: string;

  const liveLabIds = () => api.liveLabIds(workerId);

  beforeAll(async () => {
    sink.mode = 'error';
    await sink.start();
    api = await startListeningApi('cli_e2e', {
      CLOUDEVENTS_SINK_URL: sink.url,
      OUTBOX_MAX_ATTEMPTS: '2',
      OUTBOX_RETRY_BASE_MS: '10',
      OUTBOX_RELAY_INTERVAL_MS: '100',
    });
    const sim = api.h.simulator;
    workerId = await api.registerSimulator();
    sim.state.addUser({ username: 'bob', password: 'bob-password' });
    bobsLabs = sim.state.seedLabs({ count: 2, owner: 'bob', state: 'STARTED', titlePrefix: 'class7-' });
    [stoppedLab] = sim.state.seedLabs({ count: 1, state: 'STOPPED', titlePrefix: 'keep-' });
    sim.state.seedLabs({ count: 3, state: 'DEFINED_ON_CORE', titlePrefix: 'wiped-' });
    await api.h.http().post(`/api/workers/${workerId}/labs/refresh`).set(as(admin)).expect(200);
  });
  afterAll(async () => {
    await api?.h.close();
    await sink.stop();
  });

  describe('workers ls', () => {
    it('prints a table of the workers', async () => {
      const run = await cli(viewer, 'workers', 'ls');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const [header, row, ...rest] = run.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^NAME\s+ID\s+ENDPOINT\s+ENABLED\s+MODE\s+CML\s+LAST RECONCILE\s+AT$/);
      expect(row).toMatch(
        new RegExp(
          `^sim\\s+${workerId}\\s+https://127\\.0\\.0\\.1:\\d+\\s+yes\\s+enforce\\s+\\S+\\s+succeeded\\s+\\d{4}-`,
        ),
      );
      expect(rest).toEqual([]);
      // Not a terminal: no colour.
      expect(run.stdout).not.toContain('\u001b');
    });

    it("--json prints the API's workers as one document", async () => {
      const run = await cli(viewer, '--json', 'workers', 'ls');
      expect(run.code).toBe(0);
      const body = JSON.parse(run.stdout);
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toMatchObject({
        id: workerId,
        name: 'sim',
        lastReconcile: { status: 'succeeded' },
      });
      expect(body.items[0]).not.toHaveProperty('password');
    });
  });

  describe('authentication', () => {
    it('a token the API refuses exits 3, and the token is never printed', async () => {
      const forged = cliToken('ada', ['admin'], {}).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      const run = await cli(forged, 'workers', 'ls');
      expect(run.code).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('401');
      expect(run.stderr).toContain('The token was refused');
      expect(run.stderr).not.toContain(forged);
    });

    it('no token exits 3 and says how to give one', async () => {
      const run = await runCliProcess(['workers', 'ls'], { CML_LABS_URL: api.url });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('No token was given: set CML_LABS_TOKEN');
    });

    it('an expired token from --token-file exits 3', async () => {
      const { writeFileSync, mkdtempSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const file = join(mkdtempSync(join(tmpdir(), 'cli-e2e-')), 'token');
      writeFileSync(file, `${cliToken('ada', ['admin'], { expiresIn: -60 })}\n`, { mode: 0o600 });
      const run = await runCliProcess(['--token-file', file, 'workers', 'ls'], { CML_LABS_URL: api.url });
      expect(run.code).toBe(3);
    });

    it('a role that may not delete exits 3 with the 403', async () => {
      const run = await cli(viewer, 'labs', 'rm', 'sim', bobsLabs[0]!);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('403');
    });
  });

  describe('labs ls', () => {
    it('--owner and --state filter through the API', async () => {
      const run = await cli(viewer, 'labs', 'ls', '--owner', 'bob', '--state', 'started');
      expect(run.code).toBe(0);
      const rows = run.stdout.trimEnd().split('\n').slice(1);
      expect(rows).toHaveLength(2);
      for (const id of bobsLabs) {
        expect(
          rows.some((r) =>
            new RegExp(`^sim\\s+${id}\\s+class7- \\d+\\s+STARTED\\s+bob\\s+\\d+\\s+\\d{4}-`).test(r),
          ),
        ).toBe(true);
      }
    });

    it('--json --worker <id> prints every lab of the worker', async () => {
      const run = await cli(viewer, '--json', 'labs', 'ls', '--worker', workerId);
      expect(run.code).toBe(0);
      const items = JSON.parse(run.stdout).items as { labId: string }[];
      expect(items.map((l) => l.labId).sort()).toEqual((await liveLabIds()).sort());
      expect(items).toHaveLength(6);
    });

    it('a worker that does not exist exits 4', async () => {
      const run = await cli(viewer, 'labs', 'ls', '--worker', 'no-such-worker');
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('No worker has the id or name "no-such-worker"');
    });

    it('a state that does not exist is a usage error (2)', async () => {
      const run = await cli(viewer, 'labs', 'ls', '--state', 'RUNNING');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--state must be one of DEFINED_ON_CORE, STOPPED, STARTED');
    });
  });

  describe('labs rm', () => {
    it('a lab that neither CML nor the inventory has exits 4 with the problem', async () => {
      const run = await cli(operator, 'labs', 'rm', 'sim', randomUUID());
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(
        /^error: 404 Not Found: Lab [0-9a-f-]{36} exists neither in CML nor locally/m,
      );
    });

    it('a started lab without --force is refused: exit 5, the step on stderr, nothing on stdout', async () => {
      const run = await cli(operator, '--json', 'labs', 'rm', 'sim', bobsLabs[0]!);
      expect(run.code).toBe(5);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('409');
      expect(run.stderr).toContain('failed at step:');
      expect(await liveLabIds()).toContain(bobsLabs[0]);
    });

    it('--force stops, wipes and deletes it; --json is the DeleteResult', async () => {
      const run = await cli(admin, '--json', 'labs', 'rm', 'sim', bobsLabs[0]!, '--force');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        workerId,
        labId: bobsLabs[0],
        message: 'Lab deleted successfully',
        alreadyAbsentInCml: false,
        localRecordRemoved: true,
      });
      expect(await liveLabIds()).not.toContain(bobsLabs[0]);
      expect(api.h.simulator.state.listLabs().map((l) => l.id)).not.toContain(bobsLabs[0]);
    });
  });

  describe('reconcile', () => {
    it('--preview counts what a reconciliation would remove and writes nothing', async () => {
      api.h.simulator.state.deleteLab(stoppedLab);
      const run = await cli(operator, 'reconcile', '--preview', '--worker', 'sim');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^WORKER\s+STATUS\s+MODE\s+CREATED\s+UPDATED\s+UNCHANGED\s+TO REMOVE\s+TO HOLD\s+REASON\n/,
      );
      expect(run.stdout).toMatch(/\nsim\s+succeeded\s+dry-run\s+0\s+\d+\s+\d+\s+1\s+0/);
      expect(await liveLabIds()).toContain(stoppedLab);

      const json = await cli(operator, '--json', 'reconcile', '--preview');
      expect(json.code).toBe(0);
      const body = JSON.parse(json.stdout);
      expect(body.failures).toEqual([]);
      expect(body.items).toEqual([expect.objectContaining({ workerId, mode: 'dry-run', orphansRemoved: 1 })]);
    });

    it('--preview of a worker whose CML fails exits 6 with the problem', async () => {
      api.h.simulator.state.addFault({ route: 'labs.list', kind: 'error', status: 500 });
      try {
        const run = await cli(operator, 'reconcile', '--preview', '--worker', workerId);
        expect(run.code).toBe(6);
        expect(run.stderr).toContain('502');
      } finally {
        api.h.simulator.state.clearFaults();
      }
    });

    it('an operator may not start a run of all workers: exit 3', async () => {
      const run = await cli(operator, 'reconcile');
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('403');
    });

    it('a run of all workers is followed to its end and removes the orphan', async () => {
      const run = await cli(admin, 'reconcile');
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Started reconciliation [0-9a-f-]{36}\n/);
      expect(run.stderr).toMatch(/Reconciling: 1\/1 workers done\n/);
      expect(run.stdout).toMatch(/\nsim\s+succeeded\s+enforce\s+0\s+\d+\s+\d+\s+1\s+0/);
      expect(await liveLabIds()).not.toContain(stoppedLab);
      const runs = await api.h.http().get('/api/reconciliations').set(as(admin)).expect(200);
      expect(runs.body.items[0].finishedAt).not.toBeNull();
    });

    it('a run in which a worker failed exits 1; --json prints the run', async () => {
      api.h.simulator.state.addFault({ route: 'labs.list', kind: 'error', status: 500 });
      try {
        const run = await cli(admin, '--json', 'reconcile');
        expect(run.code).toBe(1);
        const body = JSON.parse(run.stdout);
        expect(body.finishedAt).not.toBeNull();
        expect(body.workers).toEqual([expect.objectContaining({ workerId, status: 'failed' })]);
        expect(run.stderr).toContain('failed for 1 worker');
      } finally {
        api.h.simulator.state.clearFaults();
      }
    });

    it('--worker refreshes that worker as an operator', async () => {
      const run = await cli(operator, 'reconcile', '--worker', 'sim');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/\nsim\s+succeeded\s+enforce\s/);
    });
  });

  describe('outbox', () => {
    let deadEventId: string;

    beforeAll(async () => {
      // Two removals above (the forced delete, the orphan) against a sink that fails: both die after 2 attempts.
      await waitFor(
        async () =>
          (await api.h.http().get('/api/outbox?status=dead').set(as(admin))).body.items?.length === 2,
        20_000,
        'two dead events',
      );
    });

    it('ls --dead lists the dead letters', async () => {
      const run = await cli(admin, 'outbox', 'ls', '--dead');
      expect(run.code).toBe(0);
      const rows = run.stdout.trimEnd().split('\n');
      expect(rows[0]).toMatch(
        /^EVENT ID\s+TYPE\s+LAB ID\s+SINK\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR$/,
      );
      expect(rows).toHaveLength(3);
      expect(run.stdout).toMatch(
        new RegExp(`lab\\.deleted\\s+${bobsLabs[0]}\\s+\\S+\\s+dead\\s+2\\s+sink answered HTTP 500`),
      );
      expect(run.stdout).toMatch(new RegExp(`lab\\.orphan_removed\\s+${stoppedLab}\\s`));
      const json = await cli(admin, '--json', 'outbox', 'ls', '--dead');
      const items = JSON.parse(json.stdout).items as { eventId: string; labId: string }[];
      deadEventId = items.find((i) => i.labId === bobsLabs[0])!.eventId;
    });

    it('ls (pending) has none left', async () => {
      const run = await cli(admin, 'outbox', 'ls');
      expect(run).toMatchObject({ code: 0, stdout: 'No pending events.\n' });
    });

    it('retry sends a dead event again', async () => {
      sink.mode = 'ok';
      const run = await cli(admin, 'outbox', 'retry', deadEventId);
      expect(run).toMatchObject({ code: 0, stdout: `Event ${deadEventId} is queued for delivery again.\n` });
      await waitFor(
        () => sink.delivered.some((r) => r.headers['ce-id'] === deadEventId),
        10_000,
        'the redelivery',
      );
    });

    it('retry of an event that does not exist exits 4', async () => {
      const run = await cli(admin, 'outbox', 'retry', randomUUID());
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('404');
    });

    it('a viewer may not read the outbox: exit 3', async () => {
      expect((await cli(viewer, 'outbox', 'ls', '--dead')).code).toBe(3);
    });
  });

  it('runs as `npx cml-labs` from this package', async () => {
    const npx = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('npx', ['--offline', 'cml-labs', '--help'], {
        cwd: join(__dirname, '..'),
        env: { ...process.env, CML_LABS_CLI_FROM_SOURCE: '1' },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(npx.code).toBe(0);
    expect(npx.stdout).toMatch(/^Usage: cml-labs \[options\] \[command\]/);
    expect(npx.stdout).toContain('Exit codes:');
  });

  it('an API that cannot be reached exits 6', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const run = await runCliProcess(['workers', 'ls'], {
      CML_LABS_URL: `http://127.0.0.1:${port}`,
      CML_LABS_TOKEN: admin,
    });
    expect(run.code).toBe(6);
    expect(run.stderr).toContain(`cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(run.stderr).not.toContain(admin);
  });
});
