import nock from 'nock';
import { runCli } from './cli';
import { recordingIo } from './testing/recording-io';

const BASE = 'http://api.test';
const TOKEN = 'aaa.bbb.ccc';
const W1 = '11111111-1111-4111-8111-111111111111';
const W2 = '22222222-2222-4222-8222-222222222222';
const LAB = '33333333-3333-4333-8333-333333333333';
const env = { CML_LABS_URL: BASE, CML_LABS_TOKEN: TOKEN };

function worker(id: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name,
    endpoint: `https://${name}.example.com`,
    verifyTls: true,
    enabled: true,
    reconcileMode: 'enforce',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    lastReconcile: null,
    cml: null,
    ...extra,
  };
}

function summary(workerId: string, extra: Record<string, unknown> = {}) {
  return {
    reconciliationId: 'r',
    workerId,
    trigger: 'manual',
    status: 'succeeded',
    mode: 'enforce',
    created: 1,
    updated: 2,
    unchanged: 3,
    orphansRemoved: 4,
    orphansPending: 0,
    startedAt: '2026-12-08T10:00:00.000Z',
    finishedAt: '2026-12-08T10:00:01.000Z',
    durationMs: 1000,
    ...extra,
  };
}

const api = () => nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
const workersListed = () =>
  api()
    .get('/api/workers')
    .query({ limit: '500' })
    .reply(200, { items: [worker(W1, 'alpha'), worker(W2, 'beta', { enabled: false })], nextCursor: null });

async function run(argv: string[], options: Parameters<typeof recordingIo>[0] = {}) {
  const io = recordingIo({ env, ...options });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err(), io };
}

describe('cml-labs (argument parsing and the requests it makes)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  // nock.restore: its interceptor would otherwise stay on http for the next spec file in this jest worker.
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });

  describe('usage', () => {
    it.each([
      [['frobnicate']],
      [['labs', 'ls', '--bogus']],
      [['labs', 'rm', 'alpha']],
      [[]],
      [['--timeout', 'soon', 'workers', 'ls']],
      [['--token', 'a', '--token-file', '/x', 'workers', 'ls']],
      [['outbox', 'ls', '--dead', '--pending']],
      [['notifications', 'ls', '--dead', '--pending']],
      [['notifications', 'retry']],
      [['labs', 'ls', '--state', 'RUNNING']],
      [['bulk-delete', '--older-than', '7 days', '--dry-run']],
    ])('%j exits 2 without a request', async (argv) => {
      const { code, err } = await run(argv);
      expect(code).toBe(2);
      expect(err).not.toBe('');
    });

    it('--help exits 0 and documents the exit codes', async () => {
      const { code, out } = await run(['--help']);
      expect(code).toBe(0);
      expect(out).toContain('Exit codes:');
      expect(out).toContain('6  the API or CML unreachable');
    });
  });

  describe('workers ls', () => {
    it('follows the cursors and prints one table', async () => {
      api()
        .get('/api/workers')
        .query({ limit: '500' })
        .reply(200, { items: [worker(W1, 'alpha')], nextCursor: 'c2' });
      api()
        .get('/api/workers')
        .query({ limit: '500', cursor: 'c2' })
        .reply(200, {
          items: [
            worker(W2, 'beta', {
              lastReconcile: summary(W2, { status: 'failed' }),
              cml: { version: '2.9.0', ready: true },
            }),
          ],
          nextCursor: null,
        });
      const { code, out, err } = await run(['workers', 'ls']);
      expect(code).toBe(0);
      expect(err).toBe('');
      const lines = out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+ID\s+ENDPOINT\s+ENABLED\s+MODE\s+CML\s+LAST RECONCILE\s+AT$/);
      expect(lines[1]).toMatch(
        new RegExp(`^alpha\\s+${W1}\\s+https://alpha.example.com\\s+yes\\s+enforce\\s+never$`),
      );
      expect(lines[2]).toMatch(/^beta .* 2\.9\.0\s+failed\s+2026-12-08 10:00:01Z$/);
      expect(out).not.toContain('\u001b');
    });

    it('--json prints the items of every page as one document', async () => {
      workersListed();
      const { code, out } = await run(['--json', 'workers', 'ls']);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({
        items: [worker(W1, 'alpha'), worker(W2, 'beta', { enabled: false })],
      });
    });

    it('reads the token from CML_LABS_TOKEN_FILE', async () => {
      workersListed();
      const { code } = await run(['workers', 'ls'], {
        env: { CML_LABS_URL: BASE, CML_LABS_TOKEN_FILE: '/run/t' },
        files: { '/run/t': `${TOKEN}\n` },
      });
      expect(code).toBe(0);
    });
  });

  describe('labs ls', () => {
    const lab = {
      workerId: W1,
      labId: LAB,
      title: 'class7-a',
      state: 'STARTED',
      owner: 'u1',
      ownerUsername: 'bob',
      nodeCount: 3,
      lastSyncedAt: '2026-12-08T09:00:00.000Z',
    };

    it('--worker by name, --state in any case, --owner: the API filters', async () => {
      workersListed();
      api()
        .get(`/api/workers/${W1}/labs`)
        .query({ state: 'STARTED', owner: 'bob', limit: '500' })
        .reply(200, { items: [lab], nextCursor: null });
      const { code, out } = await run([
        'labs',
        'ls',
        '--worker',
        'alpha',
        '--state',
        'started',
        '--owner',
        'bob',
      ]);
      expect(code).toBe(0);
      expect(out).toMatch(/^WORKER\s+LAB ID\s+TITLE\s+STATE\s+OWNER\s+NODES\s+LAST SYNCED\n/);
      expect(out).toMatch(
        new RegExp(`alpha\\s+${LAB}\\s+class7-a\\s+STARTED\\s+bob\\s+3\\s+2026-12-08 09:00:00Z`),
      );
    });

    it('without --worker reads every worker; --removed asks for removed records', async () => {
      workersListed();
      for (const id of [W1, W2]) {
        api()
          .get(`/api/workers/${id}/labs`)
          .query({ removed: 'true', limit: '500' })
          .reply(200, {
            items:
              id === W1
                ? [{ ...lab, removedAt: '2026-12-08T09:30:00.000Z', removal: 'deleted', deletedBy: 'ada' }]
                : [],
            nextCursor: null,
          });
      }
      const { code, out } = await run(['labs', 'ls', '--removed']);
      expect(code).toBe(0);
      expect(out).toMatch(/REMOVED\s+HOW\s+BY\n/);
      expect(out).toMatch(/2026-12-08 09:30:00Z\s+deleted\s+ada\n/);
    });

    it('a worker that is not there exits 4', async () => {
      workersListed();
      const { code, err } = await run(['labs', 'ls', '--worker', 'gamma']);
      expect(code).toBe(4);
      expect(err).toContain('No worker has the id or name "gamma"');
    });
  });

  describe('labs rm', () => {
    it('deletes by worker name and lab id, with force', async () => {
      workersListed();
      api().delete(`/api/workers/${W1}/labs/${LAB}`).query({ force: 'true' }).reply(200, {
        workerId: W1,
        labId: LAB,
        message: 'Lab deleted successfully',
        alreadyAbsentInCml: false,
        localRecordRemoved: true,
      });
      const { code, out, err } = await run(['labs', 'rm', 'alpha', LAB.toUpperCase(), '--force']);
      expect(code).toBe(0);
      expect(out).toBe(`Deleted lab ${LAB} from worker alpha.\n`);
      expect(err).toContain('Deleting lab');
    });

    it('says when CML had the lab no more, and when its record is left to the next reconciliation', async () => {
      workersListed();
      api().delete(`/api/workers/${W1}/labs/${LAB}`).reply(200, {
        workerId: W1,
        labId: LAB,
        message: 'Lab deleted successfully',
        alreadyAbsentInCml: true,
        localRecordRemoved: false,
      });
      const { code, out } = await run(['labs', 'rm', 'alpha', LAB]);
      expect(code).toBe(0);
      expect(out).toContain('CML did not have it any more');
      expect(out).toContain('the next reconciliation removes it');
    });

    it('finds a lab by its exact title, and refuses an ambiguous one', async () => {
      workersListed();
      api()
        .get(`/api/workers/${W1}/labs`)
        .query({ limit: '500' })
        .reply(200, { items: [{ labId: LAB, title: 'demo' }], nextCursor: null });
      api().delete(`/api/workers/${W1}/labs/${LAB}`).reply(200, {
        workerId: W1,
        labId: LAB,
        message: 'Lab deleted successfully',
        alreadyAbsentInCml: true,
        localRecordRemoved: true,
      });
      expect((await run(['labs', 'rm', W1, 'demo'])).code).toBe(0);

      workersListed();
      api()
        .get(`/api/workers/${W1}/labs`)
        .query({ limit: '500' })
        .reply(200, {
          items: [
            { labId: LAB, title: 'twin' },
            { labId: W2, title: 'twin' },
          ],
          nextCursor: null,
        });
      const ambiguous = await run(['labs', 'rm', 'alpha', 'twin']);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.err).toContain(`2 labs are titled "twin"; name one by its id: ${LAB}, ${W2}`);
    });

    it('a refusal exits 5 and names the step; the problem goes to stderr only', async () => {
      workersListed();
      api().delete(`/api/workers/${W1}/labs/${LAB}`).reply(409, {
        title: 'Conflict',
        status: 409,
        detail: 'Lab is STARTED; use force',
        step: 'read',
        cmlChanges: [],
      });
      const { code, out, err } = await run(['--json', 'labs', 'rm', 'alpha', LAB]);
      expect(code).toBe(5);
      expect(out).toBe('');
      expect(err).toContain('409 Conflict: Lab is STARTED; use force');
      expect(err).toContain('failed at step: read');
    });
  });

  describe('reconcile', () => {
    it('--preview is a dry run per worker with counts and candidates', async () => {
      workersListed();
      api()
        .post(`/api/workers/${W1}/labs/refresh`)
        .query({ dryRun: 'true' })
        .reply(
          200,
          summary(W1, {
            mode: 'dry-run',
            candidates: [{ labId: LAB, title: 'gone', owner: 'bob', decision: 'remove', why: "CML's 404" }],
          }),
        );
      api()
        .post(`/api/workers/${W2}/labs/refresh`)
        .query({ dryRun: 'true' })
        .reply(200, summary(W2, { mode: 'dry-run', status: 'skipped', reason: 'paused' }));
      const { code, out } = await run(['reconcile', '--preview']);
      expect(code).toBe(0);
      expect(out).toMatch(/TO REMOVE\s+TO HOLD\s+REASON\n/);
      expect(out).toMatch(/alpha\s+succeeded\s+dry-run\s+1\s+2\s+3\s+4\s+0\n/);
      expect(out).toMatch(/beta\s+skipped\s+dry-run .* paused\n/);
      expect(out).toContain('Removal candidates:');
      expect(out).toMatch(new RegExp(`alpha\\s+${LAB}\\s+gone\\s+bob\\s+remove\\s+CML's 404`));
    });

    it('--preview says when the API reports no candidates, and nothing when it has no such field', async () => {
      workersListed();
      api()
        .post(`/api/workers/${W1}/labs/refresh`)
        .query({ dryRun: 'true' })
        .reply(200, summary(W1, { mode: 'dry-run', candidates: [] }));
      expect((await run(['reconcile', '--preview', '--worker', 'alpha'])).out).toMatch(
        /\n\nNo removal candidates\.\n$/,
      );
      workersListed();
      api()
        .post(`/api/workers/${W1}/labs/refresh`)
        .query({ dryRun: 'true' })
        .reply(200, summary(W1, { mode: 'dry-run' }));
      expect((await run(['reconcile', '--preview', '--worker', 'alpha'])).out).not.toContain('candidates');
    });

    it('--preview of one worker that CML fails exits 6 with the problem', async () => {
      workersListed();
      api()
        .post(`/api/workers/${W2}/labs/refresh`)
        .query({ dryRun: 'true' })
        .reply(502, { title: 'Bad Gateway', status: 502, detail: 'CML list untrusted' });
      const { code, out, err } = await run(['--json', 'reconcile', '--preview', '--worker', 'beta']);
      expect(code).toBe(6);
      expect(JSON.parse(out)).toEqual({
        items: [],
        failures: [
          { workerId: W2, workerName: 'beta', status: 502, message: '502 Bad Gateway: CML list untrusted' },
        ],
      });
      expect(err).toContain('502 Bad Gateway: CML list untrusted');
    });

    it('one worker failing among several exits 1', async () => {
      workersListed();
      api().post(`/api/workers/${W1}/labs/refresh`).reply(200, summary(W1));
      api().post(`/api/workers/${W2}/labs/refresh`).reply(504, { title: 'Gateway Timeout', status: 504 });
      const { code, err } = await run(['reconcile', '--worker', 'alpha', '--worker', W2]);
      expect(code).toBe(1);
      expect(err).toContain('beta: 504 Gateway Timeout');
      expect(err).toContain('1 of 2 workers failed');
    });

    it('without --worker starts a run and follows it to the end, with progress on stderr', async () => {
      workersListed();
      const RUN = '44444444-4444-4444-8444-444444444444';
      api().post('/api/reconciliations').reply(202, { reconciliationId: RUN });
      const running = {
        id: RUN,
        trigger: 'manual',
        startedAt: '2026-12-08T10:00:00.000Z',
        finishedAt: null,
        workers: [],
      };
      api().get(`/api/reconciliations/${RUN}`).reply(200, running);
      api().get(`/api/reconciliations/${RUN}`).reply(503, { title: 'Service Unavailable', status: 503 });
      api()
        .get(`/api/reconciliations/${RUN}`)
        .reply(200, { ...running, finishedAt: '2026-12-08T10:00:05.000Z', workers: [summary(W1)] });
      const { code, out, err, io } = await run(['reconcile'], {
        env: { ...env, CML_LABS_POLL_INTERVAL_MS: '200' },
      });
      expect(code).toBe(0);
      expect(err).toContain(`Started reconciliation ${RUN}`);
      expect(err).toContain('Reconciling: 0/1 workers done');
      expect(err).toContain('the API is unavailable, retrying');
      expect(err).toContain('Reconciling: 1/1 workers done');
      expect(out).toMatch(/alpha\s+succeeded\s+enforce\s+1\s+2\s+3\s+4\s+0\n/);
      expect(io.slept()).toBe(400);
    });

    it('a run with a failed worker exits 1 and --json prints the run', async () => {
      workersListed();
      const RUN = '44444444-4444-4444-8444-444444444444';
      api().post('/api/reconciliations').reply(202, { reconciliationId: RUN });
      const done = {
        id: RUN,
        trigger: 'manual',
        startedAt: '2026-12-08T10:00:00.000Z',
        finishedAt: '2026-12-08T10:00:05.000Z',
        status: 'failed',
        workersTotal: 1,
        workersDone: 1,
        workers: [summary(W1, { status: 'failed', reason: 'CML unreachable' })],
      };
      api().get(`/api/reconciliations/${RUN}`).reply(200, done);
      const { code, out, err } = await run(['--json', 'reconcile']);
      expect(code).toBe(1);
      expect(JSON.parse(out)).toEqual(done);
      expect(err).toContain(`Reconciliation ${RUN} failed for 1 worker`);
    });

    it('an operator without the admin role for a run of all workers exits 3', async () => {
      workersListed();
      api()
        .post('/api/reconciliations')
        .reply(403, { title: 'Forbidden', status: 403, detail: 'Requires role admin' });
      const { code, err } = await run(['reconcile']);
      expect(code).toBe(3);
      expect(err).toContain('403 Forbidden: Requires role admin');
    });
  });

  describe('bulk-delete', () => {
    const preview = {
      items: [{ workerId: W1, labId: LAB, title: 'class7-a', owner: 'bob', state: 'STOPPED' }],
      total: 1,
    };
    const sevenDaysBefore = '2026-12-01T10:00:00.000Z';

    it('--dry-run posts the filter (--older-than as createdBefore, --worker as ids) and lists the matches', async () => {
      workersListed();
      api()
        .post('/api/labs/bulk-delete', {
          filter: {
            workerIds: [W1],
            titlePrefix: 'class7-',
            createdBefore: sevenDaysBefore,
            state: 'STOPPED',
          },
          dryRun: true,
        })
        .reply(200, preview);
      const { code, out } = await run([
        'bulk-delete',
        '--worker',
        'alpha',
        '--title-prefix',
        'class7-',
        '--older-than',
        '7d',
        '--state',
        'stopped',
        '--dry-run',
      ]);
      expect(code).toBe(0);
      expect(out).toMatch(
        new RegExp(`alpha\\s+${LAB}\\s+class7-a\\s+bob\\s+STOPPED\n1 lab matches the filter\n$`),
      );
    });

    it('needs a filter', async () => {
      const { code, err } = await run(['bulk-delete', '--yes']);
      expect(code).toBe(2);
      expect(err).toContain('at least one filter');
    });

    it('refuses to delete without --yes when stdin is not a terminal', async () => {
      workersListed();
      api()
        .post('/api/labs/bulk-delete', { filter: { owner: 'bob' }, dryRun: true })
        .reply(200, preview);
      const { code, err } = await run(['bulk-delete', '--owner', 'bob']);
      expect(code).toBe(2);
      expect(err).toContain('1 lab matches the filter; not a terminal, so nothing is deleted without --yes');
    });

    it('asks on a terminal; no is exit 5 and nothing is deleted', async () => {
      workersListed();
      api()
        .post('/api/labs/bulk-delete', { filter: { owner: 'bob' }, dryRun: true })
        .reply(200, preview);
      const { code, io } = await run(['bulk-delete', '--owner', 'bob'], { stdinIsTTY: true, answers: ['n'] });
      expect(code).toBe(5);
      expect(io.questions).toEqual(['1 lab matches the filter. Delete them? [y/N] ']);
    });

    it('yes starts the job and follows it; failed labs are printed and exit 1', async () => {
      workersListed();
      api()
        .post('/api/labs/bulk-delete', { filter: { owner: 'bob' }, force: true, dryRun: true })
        .reply(200, { ...preview, total: 2 });
      api()
        .post('/api/labs/bulk-delete', { filter: { owner: 'bob' }, force: true, dryRun: false })
        .reply(202, { jobId: 'job-1' });
      const job = { id: 'job-1', kind: 'bulk-delete', total: 2 };
      api()
        .get('/api/jobs/job-1')
        .reply(200, { ...job, status: 'running', done: 0, failed: [] });
      api()
        .get('/api/jobs/job-1')
        .reply(200, { ...job, status: 'running', done: 1, failed: [] });
      api()
        .get('/api/jobs/job-1')
        .reply(200, {
          ...job,
          status: 'succeeded',
          done: 2,
          failed: [{ workerId: W1, labId: W2, status: 504, detail: 'CML timed out' }],
        });
      const { code, out, err, io } = await run(['bulk-delete', '--owner', 'bob', '--force'], {
        stdinIsTTY: true,
        answers: ['yes'],
      });
      expect(io.questions[0]).toContain('(force: started labs are stopped and wiped)');
      expect(err).toContain('(the first 1 of 2)');
      expect(err).toContain('Started bulk-delete job job-1');
      expect(err).toContain('Deleting: 0/2 done\nDeleting: 1/2 done\nDeleting: 2/2 done, 1 failed\n');
      expect(out).toMatch(
        new RegExp(
          `^Deleted 1 of 2 labs; 1 failed:\nWORKER\\s+LAB ID\\s+STATUS\\s+DETAIL\nalpha\\s+${W2}\\s+504\\s+CML timed out\n$`,
        ),
      );
      expect(code).toBe(1);
    });

    it('a filter that matches nothing starts no job; --json is the empty dry run', async () => {
      workersListed();
      api()
        .post('/api/labs/bulk-delete', { filter: { owner: 'nobody' }, dryRun: true })
        .reply(200, { items: [], total: 0 });
      const { code, out } = await run(['--json', 'bulk-delete', '--owner', 'nobody', '--yes']);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({ items: [], total: 0 });
    });

    it('--yes --json prints the finished job only', async () => {
      workersListed();
      api()
        .post('/api/labs/bulk-delete', { filter: { owner: 'bob' }, dryRun: true })
        .reply(200, preview);
      api()
        .post('/api/labs/bulk-delete', { filter: { owner: 'bob' }, dryRun: false })
        .reply(202, { jobId: 'job-2' });
      const done = { id: 'job-2', kind: 'bulk-delete', status: 'succeeded', total: 1, done: 1, failed: [] };
      api().get('/api/jobs/job-2').reply(200, done);
      const { code, out } = await run(['--json', 'bulk-delete', '--owner', 'bob', '--yes']);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual(done);
    });
  });

  describe('outbox', () => {
    it('ls --dead asks for the dead letters', async () => {
      api()
        .get('/api/outbox')
        .query({ status: 'dead' })
        .reply(200, {
          items: [
            {
              eventId: LAB,
              type: 'lab.deleted',
              workerId: W1,
              labId: LAB,
              sink: 'https://sink.example.com/?key=s3cr3t',
              status: 'dead',
              attempts: 8,
              nextAttemptAt: '2026-12-08T10:00:00.000Z',
              lastError: 'sink answered HTTP 500',
            },
          ],
        });
      const { code, out } = await run(['outbox', 'ls', '--dead']);
      expect(code).toBe(0);
      expect(out).not.toContain('s3cr3t');
      expect(out).toMatch(
        new RegExp(
          `${LAB}\\s+lab.deleted\\s+${LAB}\\s+https://sink.example.com/\\?…\\s+dead\\s+8\\s+sink answered HTTP 500\n$`,
        ),
      );
    });

    it('ls without a flag takes the API default (pending)', async () => {
      api().get('/api/outbox').reply(200, { items: [] });
      const { code, out } = await run(['outbox', 'ls']);
      expect(code).toBe(0);
      expect(out).toBe('No pending events.\n');
    });

    it('retry of an unknown event exits 4', async () => {
      api()
        .post(`/api/outbox/${LAB}/retry`)
        .reply(404, { title: 'Not Found', status: 404, detail: 'No such event' });
      const { code, err } = await run(['outbox', 'retry', LAB]);
      expect(code).toBe(4);
      expect(err).toContain('404 Not Found: No such event');
    });

    it('retry --json answers a document', async () => {
      api().post(`/api/outbox/${LAB}/retry`).reply(202);
      const { code, out } = await run(['--json', 'outbox', 'retry', LAB]);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({ eventId: LAB, accepted: true });
    });
  });

  describe('notifications', () => {
    const NOTE = '0123456789abcdef0123456789abcdef';
    const item = (extra: Record<string, unknown> = {}) => ({
      id: NOTE,
      route: 'lab-deleted-by-other',
      provider: 'email',
      recipient: 'person:alice@example.com',
      workerId: W1,
      labId: LAB,
      status: 'dead',
      attempts: 8,
      replays: 0,
      nextAttemptAt: '2026-12-08T10:00:00.000Z',
      lastError: 'SMTP answered 550',
      createdAt: '2026-12-08T09:00:00.000Z',
      ...extra,
    });

    it('ls --dead asks for the dead ones and prints the table', async () => {
      api()
        .get('/api/notifications')
        .query({ status: 'dead' })
        .reply(200, {
          items: [
            item(),
            item({ id: 'f'.repeat(32), provider: 'slack', recipient: 'channel', lastError: null }),
          ],
        });
      const { code, out } = await run(['notifications', 'ls', '--dead']);
      expect(code).toBe(0);
      const lines = out.split('\n');
      expect(lines[0]).toMatch(
        /^ID\s+ROUTE\s+PROVIDER\s+RECIPIENT\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR$/,
      );
      expect(lines[1]).toMatch(
        new RegExp(
          `^${NOTE}\\s+lab-deleted-by-other\\s+email\\s+person:alice@example.com\\s+dead\\s+8\\s+SMTP answered 550$`,
        ),
      );
      expect(lines[2]).toMatch(
        new RegExp(`^f{32}\\s+lab-deleted-by-other\\s+slack\\s+channel\\s+dead\\s+8$`),
      );
      expect(lines).toHaveLength(4);
    });

    it('ls shows when a pending one is tried next', async () => {
      api()
        .get('/api/notifications')
        .query({ status: 'pending' })
        .reply(200, {
          items: [item({ status: 'pending', attempts: 2, lastError: 'Slack answered HTTP 500' })],
        });
      const { code, out } = await run(['notifications', 'ls', '--pending']);
      expect(code).toBe(0);
      expect(out).toMatch(/pending\s+2\s+\S.*\s+Slack answered HTTP 500\n$/);
    });

    it('ls without a flag takes the API default (pending)', async () => {
      api().get('/api/notifications').reply(200, { items: [] });
      const { code, out } = await run(['notifications', 'ls']);
      expect(code).toBe(0);
      expect(out).toBe('No pending notifications.\n');
    });

    it('ls --json prints the API answer', async () => {
      const answer = { items: [item()] };
      api().get('/api/notifications').query({ status: 'dead' }).reply(200, answer);
      const { code, out } = await run(['--json', 'notifications', 'ls', '--dead']);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual(answer);
    });

    it('ls without the operator role exits 3', async () => {
      api()
        .get('/api/notifications')
        .reply(403, { title: 'Forbidden', status: 403, detail: 'requires the operator role' });
      const { code } = await run(['notifications', 'ls']);
      expect(code).toBe(3);
    });

    it('retry replays a dead one', async () => {
      api().post(`/api/notifications/${NOTE}/retry`).reply(202);
      const { code, out } = await run(['notifications', 'retry', NOTE]);
      expect(code).toBe(0);
      expect(out).toBe(`Notification ${NOTE} is queued for delivery again.\n`);
    });

    it('retry --json answers a document', async () => {
      api().post(`/api/notifications/${NOTE}/retry`).reply(202);
      const { code, out } = await run(['--json', 'notifications', 'retry', NOTE]);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({ id: NOTE, accepted: true });
    });

    it.each([
      [404, 'No such notification', 4],
      [409, 'The notification is not dead', 5],
      [403, 'requires the admin role', 3],
      [400, 'id must be a notification id (32 hex digits)', 2],
    ])('retry answered %i exits %i', async (status, detail, exit) => {
      api().post(`/api/notifications/${NOTE}/retry`).reply(status, { title: 'Refused', status, detail });
      const { code, err } = await run(['notifications', 'retry', NOTE]);
      expect(code).toBe(exit);
      expect(err).toContain(detail);
    });
  });

  it('never prints the token, whatever fails', async () => {
    nock(BASE)
      .get('/api/workers')
      .query(true)
      .reply(401, { title: 'Unauthorized', status: 401, detail: 'invalid signature' });
    const { code, out, err } = await run(['--token', TOKEN, 'workers', 'ls']);
    expect(code).toBe(3);
    expect(out + err).not.toContain(TOKEN);
    expect(err).toContain('The token was refused');
  });

  it('warns about --insecure', async () => {
    nock('https://api.test').get('/api/workers').query(true).reply(200, { items: [], nextCursor: null });
    const { code, err } = await run(['--url', 'https://api.test', '--insecure', 'workers', 'ls']);
    expect(code).toBe(0);
    expect(err).toContain('warning: --insecure: the TLS certificate of the API is not verified');
  });
});
