import { ListeningApi, ROLE_TOKENS, startListeningApi } from './support/cli-process';

/**
 * The CLI on the v1.2 read features another branch builds (restore, issue 15 items 1, 2, 4): removed records
 * (`labs ls --removed`: GET /api/workers/:id/labs?removed=true) and the removal `candidates` every summary
 * carries (`reconcile --preview`). They pass once those are in the API.
 */
describe('cml-labs labs ls --removed and reconcile --preview candidates (e2e)', () => {
  jest.setTimeout(120_000);

  let api: ListeningApi;
  const { admin, operator } = ROLE_TOKENS;
  let workerId: string;
  const cli = (token: string, ...args: string[]) => api.cli(token, ...args);
  let wiped: string;
  let goneBehindItsBack: string;

  beforeAll(async () => {
    api = await startListeningApi('cli_restore_e2e');
    const sim = api.h.simulator;
    workerId = await api.registerSimulator();
    [wiped, goneBehindItsBack] = sim.state.seedLabs({
      count: 2,
      state: 'DEFINED_ON_CORE',
      titlePrefix: 'class7-',
    });
    sim.state.seedLabs({ count: 4, state: 'STOPPED', titlePrefix: 'keep-' });
    await api.h
      .http()
      .post(`/api/workers/${workerId}/labs/refresh`)
      .set({ Authorization: `Bearer ${admin}` })
      .expect(200);
  });
  afterAll(async () => {
    await api?.h.close();
  });

  it('labs ls --removed lists a deleted lab with when, how and by whom', async () => {
    expect((await cli(operator, 'labs', 'rm', 'sim', wiped!)).code).toBe(0);
    const run = await cli(operator, 'labs', 'ls', '--removed');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^WORKER\s+LAB ID\s+TITLE\s+STATE\s+OWNER\s+NODES\s+REMOVED\s+HOW\s+BY\n/);
    expect(run.stdout).toMatch(
      new RegExp(
        `\nsim\\s+${wiped}\\s+class7- \\d+\\s.*\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+deleted\\s+\\S`,
      ),
    );
    const json = await cli(operator, '--json', 'labs', 'ls', '--removed');
    expect(JSON.parse(json.stdout).items).toEqual([
      expect.objectContaining({ workerId, labId: wiped, removal: 'deleted', removedAt: expect.any(String) }),
    ]);
  });

  it('reconcile --preview prints each removal candidate with its decision and why, and removes nothing', async () => {
    api.h.simulator.state.deleteLab(goneBehindItsBack!);
    const run = await cli(operator, 'reconcile', '--preview', '--worker', 'sim');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\nRemoval candidates:\nWORKER');
    expect(run.stdout).toMatch(
      new RegExp(`\nsim\\s+${goneBehindItsBack}\\s+class7- \\d+\\s+\\S+\\s+remove\\s+\\S`),
    );

    const json = await cli(operator, '--json', 'reconcile', '--preview', '--worker', 'sim');
    const [summary] = JSON.parse(json.stdout).items;
    expect(summary.candidates).toEqual([
      expect.objectContaining({ labId: goneBehindItsBack, decision: 'remove', why: expect.any(String) }),
    ]);
    expect(await api.liveLabIds(workerId)).toContain(goneBehindItsBack);
  });
});
