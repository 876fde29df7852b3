import { ListeningApi, ROLE_TOKENS, startListeningApi } from './support/cli-process';

/**
 * `cml-labs bulk-delete` as a process against the real API (POST /api/labs/bulk-delete, GET /api/jobs/:jobId)
 * on FerretDB with the CML simulator over HTTPS: the dry run, the refusal without --yes off a terminal, the
 * admin-only force, a job with a failed lab, --json.
 */
describe('cml-labs bulk-delete (e2e)', () => {
  jest.setTimeout(120_000);

  let api: ListeningApi;
  const { admin, operator } = ROLE_TOKENS;
  let workerId: string;
  const cli = (token: string, ...args: string[]) => api.cli(token, ...args);
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** The class7- labs CML says were created 10 days ago (not the one created now). */
  const OLD_CLASS7 = ['--title-prefix', 'class7-', '--older-than', '7d'];
  let oldWiped: string[];
  let oldStarted: string[];
  let newStopped: string[];

  const refresh = () => api.h.http().post(`/api/workers/${workerId}/labs/refresh`).set(as(admin)).expect(200);
  const liveLabIds = () => api.liveLabIds(workerId);

  beforeAll(async () => {
    api = await startListeningApi('cli_bulk_e2e');
    const sim = api.h.simulator;
    workerId = await api.registerSimulator();
    oldWiped = sim.state.seedLabs({ count: 2, state: 'DEFINED_ON_CORE', titlePrefix: 'class7-' });
    oldStarted = sim.state.seedLabs({ count: 1, state: 'STARTED', titlePrefix: 'class7-' });
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    for (const id of [...oldWiped, ...oldStarted]) sim.state.labs.get(id).created = tenDaysAgo;
    newStopped = sim.state.seedLabs({ count: 1, state: 'STOPPED', titlePrefix: 'class7-' });
    sim.state.seedLabs({ count: 4, state: 'DEFINED_ON_CORE', titlePrefix: 'keep-' });
    await refresh();
  });
  afterAll(async () => {
    await api?.h.close();
  });

  describe('bulk-delete', () => {
    it('--dry-run lists what --title-prefix and --older-than match (createdBefore), and deletes nothing', async () => {
      const run = await cli(operator, 'bulk-delete', ...OLD_CLASS7, '--dry-run');
      expect(run.code).toBe(0);
      const rows = run.stdout.trimEnd().split('\n');
      expect(rows[0]).toMatch(/^WORKER\s+LAB ID\s+TITLE\s+OWNER\s+STATE$/);
      expect(rows.at(-1)).toBe('3 labs match the filter');
      for (const id of [...oldWiped, ...oldStarted]) expect(run.stdout).toContain(id);
      expect(run.stdout).not.toContain(newStopped[0]);

      const json = await cli(operator, '--json', 'bulk-delete', ...OLD_CLASS7, '--dry-run');
      const body = JSON.parse(json.stdout);
      expect(body.total).toBe(3);
      expect(body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ workerId, labId: oldStarted[0], state: 'STARTED' }),
        ]),
      );
      expect(await liveLabIds()).toHaveLength(8);
    });

    it('refuses without --yes when stdin is not a terminal (exit 2), deleting nothing', async () => {
      const run = await cli(operator, 'bulk-delete', ...OLD_CLASS7);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        '3 labs match the filter; not a terminal, so nothing is deleted without --yes',
      );
      expect(await liveLabIds()).toHaveLength(8);
    });

    it('force needs the admin role: exit 3', async () => {
      const run = await cli(operator, 'bulk-delete', '--title-prefix', 'class7-', '--force', '--yes');
      expect(run.code).toBe(3);
      expect(await liveLabIds()).toHaveLength(8);
    });

    it('--yes without --force deletes the wiped labs and reports the started one as failed (409): exit 1', async () => {
      const run = await cli(operator, 'bulk-delete', ...OLD_CLASS7, '--yes');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/Started bulk-delete job \S+\n/);
      expect(run.stderr).toMatch(/Deleting: 3\/3 done, 1 failed\n/);
      expect(run.stdout).toMatch(/^Deleted 2 of 3 labs; 1 failed:\nWORKER\s+LAB ID\s+STATUS\s+DETAIL\n/);
      expect(run.stdout).toMatch(new RegExp(`\nsim\\s+${oldStarted[0]}\\s+409\\s`));
      const live = await liveLabIds();
      for (const id of oldWiped) expect(live).not.toContain(id);
      expect(live).toContain(oldStarted[0]);
      expect(live).toContain(newStopped[0]);
    });

    it('--force --yes --json as an admin deletes the started one too and prints the finished job', async () => {
      const run = await cli(
        admin,
        '--json',
        'bulk-delete',
        '--title-prefix',
        'class7-',
        '--state',
        'started',
        '--force',
        '--yes',
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        kind: 'bulk-delete',
        status: 'succeeded',
        total: 1,
        done: 1,
        failed: [],
      });
      expect(await liveLabIds()).not.toContain(oldStarted[0]);
    });

    it('a filter that matches nothing deletes nothing and exits 0', async () => {
      const run = await cli(operator, 'bulk-delete', '--title-prefix', 'no-such-', '--yes');
      expect(run).toMatchObject({ code: 0, stdout: 'No lab matches; nothing to delete.\n' });
    });
  });
});
