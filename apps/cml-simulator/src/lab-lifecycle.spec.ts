import { LabLifecycle, LIFECYCLE_ERRORS, labState, TransitionTiming } from './lab-lifecycle';
import { LabStore } from './lab-store';
import { SimulatedLab } from './simulated-lab';
import { RunningCmlSimulator, startCmlSimulator } from './start-cml-simulator';
import { createSimulatorTestClient, SimulatorTestClient } from './testing/simulator-test-client';

const T0 = Date.parse('2025-03-01T10:00:00Z');

describe('LabLifecycle (fake clock)', () => {
  const timing: TransitionTiming = { startMs: 300, stopMs: 2000, wipeMs: 150 };
  let lifecycle: LabLifecycle;
  let store: LabStore;
  const at = (ms: number) => jest.setSystemTime(T0 + ms);
  const nodeStates = (lab: SimulatedLab) => lab.nodes.map((n) => n.state);
  const read = (lab: SimulatedLab) => {
    store.get(lab.id);
    return { state: labState(lab), nodes: nodeStates(lab), converged: lifecycle.converged(lab) };
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    lifecycle = new LabLifecycle(() => timing);
    store = new LabStore(lifecycle);
  });

  afterEach(() => jest.useRealTimers());

  const seed = (state: 'DEFINED_ON_CORE' | 'STOPPED' | 'STARTED' = 'DEFINED_ON_CORE', nodeCount = 2) =>
    store.create({ title: 'lab', ownerId: 'u', state, nodeCount, linkCount: Math.max(0, nodeCount - 1) });

  it('start: nodes QUEUED at once (lab STARTED, not converged), BOOTED after startMs', () => {
    const lab = seed();
    lifecycle.start(lab);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['QUEUED', 'QUEUED'], converged: false });
    at(299);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['QUEUED', 'QUEUED'], converged: false });
    at(300);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['BOOTED', 'BOOTED'], converged: true });
  });

  it('stop: nodes stay BOOTED and the lab STARTED until stopMs, then STOPPED; wipe is refused meanwhile', () => {
    const lab = seed('STARTED');
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['BOOTED', 'BOOTED'], converged: true });
    lifecycle.stop(lab);
    at(1999);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['BOOTED', 'BOOTED'], converged: false });
    expect(() => lifecycle.wipe(lab)).toThrow(
      expect.objectContaining({ status: 400, description: LIFECYCLE_ERRORS.wipeWhileStarted(lab.id) }),
    );
    expect(() => lifecycle.assertDeletable(lab)).toThrow(expect.objectContaining({ status: 400 }));
    at(2000);
    expect(read(lab)).toEqual({ state: 'STOPPED', nodes: ['STOPPED', 'STOPPED'], converged: true });
  });

  it('wipe: the lab reads STOPPED (not deletable) until wipeMs, then DEFINED_ON_CORE', () => {
    const lab = seed('STOPPED');
    lifecycle.wipe(lab);
    at(149);
    expect(read(lab)).toEqual({ state: 'STOPPED', nodes: ['STOPPED', 'STOPPED'], converged: false });
    expect(() => lifecycle.assertDeletable(lab)).toThrow(
      expect.objectContaining({ status: 400, description: LIFECYCLE_ERRORS.deleteNotWiped(lab.id) }),
    );
    at(150);
    expect(read(lab)).toEqual({
      state: 'DEFINED_ON_CORE',
      nodes: ['DEFINED_ON_CORE', 'DEFINED_ON_CORE'],
      converged: true,
    });
    expect(() => lifecycle.assertDeletable(lab)).not.toThrow();
  });

  it('repeating a pending operation does not extend it; no-ops change nothing', () => {
    const lab = seed('STARTED');
    lifecycle.stop(lab);
    at(1500);
    lifecycle.stop(lab);
    at(2000);
    expect(read(lab).state).toBe('STOPPED');

    const fresh = seed();
    lifecycle.stop(fresh); // not started: nothing to do
    lifecycle.wipe(fresh); // already wiped: nothing to do
    expect(read(fresh)).toEqual({
      state: 'DEFINED_ON_CORE',
      nodes: ['DEFINED_ON_CORE', 'DEFINED_ON_CORE'],
      converged: true,
    });

    const running = seed('STARTED');
    lifecycle.start(running); // all BOOTED: nothing to do
    expect(read(running).converged).toBe(true);
  });

  it('start during a stop cancels the stop; stop during a start stops the queued nodes', () => {
    const lab = seed('STARTED');
    lifecycle.stop(lab);
    at(500);
    lifecycle.start(lab);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['BOOTED', 'BOOTED'], converged: true });
    at(5000);
    expect(read(lab).state).toBe('STARTED');

    const booting = seed();
    lifecycle.start(booting);
    at(5100);
    lifecycle.stop(booting);
    at(5400);
    expect(read(booting)).toEqual({ state: 'STARTED', nodes: ['QUEUED', 'QUEUED'], converged: false });
    at(7100);
    expect(read(booting)).toEqual({ state: 'STOPPED', nodes: ['STOPPED', 'STOPPED'], converged: true });
  });

  it('start during a wipe cancels the wipe and starts the nodes', () => {
    const lab = seed('STOPPED');
    lifecycle.wipe(lab);
    at(100);
    lifecycle.start(lab);
    at(400);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['BOOTED', 'BOOTED'], converged: true });
  });

  it('a lab without nodes follows the same timings', () => {
    const lab = seed('DEFINED_ON_CORE', 0);
    lifecycle.start(lab);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: [], converged: false });
    at(300);
    expect(read(lab).converged).toBe(true);
    lifecycle.stop(lab);
    at(2299);
    expect(read(lab).state).toBe('STARTED');
    at(2300);
    expect(read(lab).state).toBe('STOPPED');
    lifecycle.wipe(lab);
    at(2450);
    expect(read(lab).state).toBe('DEFINED_ON_CORE');
  });

  it('bumps modified (seconds precision, always forward) when the reported state changes, at the time it did', () => {
    const lab = seed('STARTED');
    expect(lab.modified.getTime()).toBe(T0);
    lifecycle.stop(lab);
    at(2000);
    store.get(lab.id);
    // The stop ended at T0 + 2 s.
    expect(lab.modified.getTime()).toBe(T0 + 2000);
    // Read much later: the timestamp is still the time of the change.
    at(60_000);
    store.get(lab.id);
    expect(lab.modified.getTime()).toBe(T0 + 2000);
    // Two changes within one second still give two different timestamps.
    lifecycle.start(lab);
    at(60_300);
    lifecycle.stop(lab);
    at(62_300);
    store.get(lab.id);
    expect(lab.modified.getTime()).toBe(T0 + 62_000);
    lifecycle.wipe(lab);
    at(62_450);
    store.get(lab.id);
    expect(lab.modified.getTime()).toBe(T0 + 63_000);
  });

  it('force() sets every node at once and cancels a pending transition', () => {
    const lab = seed('STARTED');
    lifecycle.stop(lab);
    lifecycle.force(lab, 'STARTED');
    at(10_000);
    expect(read(lab)).toEqual({ state: 'STARTED', nodes: ['BOOTED', 'BOOTED'], converged: true });
    lifecycle.force(lab, 'STOPPED');
    expect(read(lab).nodes).toEqual(['STOPPED', 'STOPPED']);
  });

  it('zero times make an operation finish before it returns', () => {
    const sync = new LabLifecycle(() => ({ startMs: 0, stopMs: 0, wipeMs: 0 }));
    const syncStore = new LabStore(sync);
    const lab = syncStore.create({ title: 'x', ownerId: 'u', nodeCount: 1 });
    sync.start(lab);
    expect(nodeStates(lab)).toEqual(['BOOTED']);
    sync.stop(lab);
    expect(labState(lab)).toBe('STOPPED');
    sync.wipe(lab);
    expect(labState(lab)).toBe('DEFINED_ON_CORE');
  });
});

describe('cml-simulator asynchronous lifecycle over HTTP', () => {
  let sim: RunningCmlSimulator;
  let client: SimulatorTestClient;
  let token: string;

  beforeAll(async () => {
    sim = await startCmlSimulator({ startMs: 250, stopMs: 400, wipeMs: 200 });
    client = createSimulatorTestClient(sim);
    token = await client.login();
  });

  afterAll(async () => {
    client.close();
    await sim.close();
  });

  beforeEach(() => sim.state.reset());

  const get = (path: string) => client.http.get(path, client.bearer(token));
  const put = (path: string) => client.http.put(path, undefined, client.bearer(token));
  const del = (path: string) => client.http.delete(path, client.bearer(token));
  const snapshot = async (id: string) => ({
    state: (await get(`/api/v0/labs/${id}/state`)).data as string,
    converged: (await get(`/api/v0/labs/${id}/check_if_converged`)).data as boolean,
    nodes: ((await get(`/api/v0/labs/${id}/nodes?data=true`)).data as { state: string }[]).map(
      (n) => n.state,
    ),
  });
  /** Polls check_if_converged like virl2-client does; returns how long it took. */
  const waitConverged = async (id: string, timeoutMs = 5000): Promise<number> => {
    const started = Date.now();
    while (!(await get(`/api/v0/labs/${id}/check_if_converged`)).data) {
      if (Date.now() - started > timeoutMs) throw new Error(`lab ${id} did not converge`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Date.now() - started;
  };

  it('start answers 204 at once; nodes go QUEUED, then BOOTED after startMs', async () => {
    const [id] = sim.state.seedLabs({ count: 1 });
    const res = await put(`/api/v0/labs/${id}/start`);
    expect(res.status).toBe(204);
    expect(res.data).toBe('');
    expect(await snapshot(id)).toEqual({ state: 'STARTED', converged: false, nodes: ['QUEUED', 'QUEUED'] });
    expect(await waitConverged(id)).toBeGreaterThanOrEqual(150);
    expect(await snapshot(id)).toEqual({ state: 'STARTED', converged: true, nodes: ['BOOTED', 'BOOTED'] });
  });

  it('stop keeps the lab STARTED with BOOTED nodes until stopMs; wipe meanwhile is refused with 400', async () => {
    const [id] = sim.state.seedLabs({ count: 1, state: 'STARTED' });
    expect(await snapshot(id)).toEqual({ state: 'STARTED', converged: true, nodes: ['BOOTED', 'BOOTED'] });
    expect((await put(`/api/v0/labs/${id}/stop`)).status).toBe(204);
    expect(await snapshot(id)).toEqual({ state: 'STARTED', converged: false, nodes: ['BOOTED', 'BOOTED'] });
    expect((await get(`/api/v0/labs/${id}`)).data.state).toBe('STARTED');

    const wipe = await put(`/api/v0/labs/${id}/wipe`);
    expect(wipe.status).toBe(400);
    expect(wipe.data).toEqual({ code: 400, description: `Lab ${id} is running. Stop it before wiping.` });
    const early = await del(`/api/v0/labs/${id}`);
    expect(early.status).toBe(400);
    expect(early.data).toEqual({ code: 400, description: `Lab ${id} is not stopped and wiped` });

    expect(await waitConverged(id)).toBeGreaterThanOrEqual(250);
    expect(await snapshot(id)).toEqual({ state: 'STOPPED', converged: true, nodes: ['STOPPED', 'STOPPED'] });
  });

  it('wipe keeps the lab STOPPED until wipeMs; delete meanwhile is refused, afterwards it works', async () => {
    const [id] = sim.state.seedLabs({ count: 1, state: 'STOPPED' });
    expect((await put(`/api/v0/labs/${id}/wipe`)).status).toBe(204);
    expect(await snapshot(id)).toEqual({ state: 'STOPPED', converged: false, nodes: ['STOPPED', 'STOPPED'] });
    const early = await del(`/api/v0/labs/${id}`);
    expect(early.status).toBe(400);
    expect(early.data).toEqual({ code: 400, description: `Lab ${id} is not stopped and wiped` });

    await waitConverged(id);
    expect(await snapshot(id)).toEqual({
      state: 'DEFINED_ON_CORE',
      converged: true,
      nodes: ['DEFINED_ON_CORE', 'DEFINED_ON_CORE'],
    });
    expect((await del(`/api/v0/labs/${id}`)).status).toBe(204);
    expect((await get(`/api/v0/labs/${id}`)).status).toBe(404);
  });

  it('changes the times at run time through /_sim/timing; reset restores the start options', async () => {
    expect((await client.http.get('/_sim/timing')).data).toEqual({ startMs: 250, stopMs: 400, wipeMs: 200 });
    expect((await client.http.put('/_sim/timing', { stopMs: 1500 })).data).toEqual({
      startMs: 250,
      stopMs: 1500,
      wipeMs: 200,
    });
    expect((await client.http.patch('/_sim/timing', { wipeMs: 0 })).data).toMatchObject({ wipeMs: 0 });
    for (const bad of [{ stopMs: -1 }, { stopMs: 'slow' }, { stop: 10 }]) {
      const res = await client.http.put('/_sim/timing', bad);
      expect(res.status).toBe(400);
      expect(res.data.code).toBe(400);
    }

    const [id] = sim.state.seedLabs({ count: 1, state: 'STARTED' });
    const started = Date.now();
    await put(`/api/v0/labs/${id}/stop`);
    expect(await waitConverged(id)).toBeGreaterThanOrEqual(1300);
    expect(Date.now() - started).toBeLessThan(4000);
    // wipeMs 0: the wipe is done before the 204.
    await put(`/api/v0/labs/${id}/wipe`);
    expect(await snapshot(id)).toMatchObject({ state: 'DEFINED_ON_CORE', converged: true });

    sim.state.reset();
    expect(sim.state.getTiming()).toEqual({ startMs: 250, stopMs: 400, wipeMs: 200 });
  });

  it('seeding STARTED gives BOOTED nodes at once; /_sim PATCH of state sets node states at once', async () => {
    const [id] = sim.state.seedLabs({ count: 1, state: 'STARTED', nodeCount: 3 });
    expect(await snapshot(id)).toEqual({
      state: 'STARTED',
      converged: true,
      nodes: ['BOOTED', 'BOOTED', 'BOOTED'],
    });
    await put(`/api/v0/labs/${id}/stop`);
    // The PATCH cancels the pending stop.
    expect((await client.http.patch(`/_sim/labs/${id}`, { state: 'STOPPED' })).data.state).toBe('STOPPED');
    expect(await snapshot(id)).toEqual({
      state: 'STOPPED',
      converged: true,
      nodes: ['STOPPED', 'STOPPED', 'STOPPED'],
    });
    sim.state.patchLab(id, { state: 'DEFINED_ON_CORE' });
    expect(await snapshot(id)).toMatchObject({ state: 'DEFINED_ON_CORE', converged: true });
  });

  it('bumps modified when a transition completes, in CML’s timestamp format', async () => {
    const [id] = sim.state.seedLabs({ count: 1, state: 'STARTED' });
    const before = (await get(`/api/v0/labs/${id}`)).data.modified as string;
    expect(before).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    await put(`/api/v0/labs/${id}/stop`);
    expect((await get(`/api/v0/labs/${id}`)).data.modified).toBe(before);
    await waitConverged(id);
    const after = (await get(`/api/v0/labs/${id}`)).data.modified as string;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    // Nothing changes while nothing happens.
    expect((await get(`/api/v0/labs/${id}`)).data.modified).toBe(after);
  });
});
