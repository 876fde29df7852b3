import { cliToken, ListeningApi, startListeningApi } from './support/cli-process';

/**
 * The CLI's commands on the operator features (v1.2) of the contract that other branches build:
 * `bulk-delete` (POST /api/labs/bulk-delete, GET /api/jobs/:jobId), the removal `candidates` of a dry run
 * (`reconcile --preview`) and removed records (`labs ls --removed`). They pass once those endpoints exist.
 */
describe('cml-labs CLI on bulk delete, candidates and removed records (e2e)', () => {
  jest.setTimeout(120_000);

  let api: ListeningApi;
  let workerId: string;
  const admin = cliToken('ada', ['admin']);
  const operator = cliToken('otto', ['operator']);
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

  describe('labs ls --removed', () => {
    it('lists the removed records with when and how', async () => {
      const run = await cli(operator, 'labs', 'ls', '--removed');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^WORKER\s+LAB ID\s+TITLE\s+STATE\s+OWNER\s+NODES\s+REMOVED\s+HOW\s+BY\n/);
      for (const id of [...oldWiped, ...oldStarted]) {
        expect(run.stdout).toMatch(
          new RegExp(`${id}\\s.*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+deleted\\s`),
        );
      }
    });
  });

  describe('reconcile --preview candidates', () => {
    it('prints each removal candidate with its decision and why', async () => {
      api.h.simulator.state.deleteLab(newStopped[0]!);
      const run = await cli(operator, 'reconcile', '--preview', '--worker', 'sim');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('\nRemoval candidates:\nWORKER');
      expect(run.stdout).toMatch(
        new RegExp(`\nsim\\s+${newStopped[0]}\\s+class7- \\d+\\s+\\S+\\s+remove\\s+\\S`),
      );

      const json = await cli(operator, '--json', 'reconcile', '--preview', '--worker', 'sim');
      const [summary] = JSON.parse(json.stdout).items;
      expect(summary.candidates).toEqual([
        expect.objectContaining({ labId: newStopped[0], decision: 'remove', why: expect.any(String) }),
      ]);
      expect(await liveLabIds()).toContain(newStopped[0]);
    });
  });
});
