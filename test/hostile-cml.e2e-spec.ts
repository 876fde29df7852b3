import { ApiHarness, startApiHarness } from './support/api-harness';

/**
 * A hostile or broken CML cannot break a worker's sync (issue 12, item 4): the simulator's fault
 * API makes it list garbage ids, send megabytes of text, groups the database would refuse, and a
 * lab answer over the size limit. Each time the other labs still sync, nothing is lost, and the
 * summary says what was refused.
 */
describe('a hostile CML (e2e, FerretDB + CML simulator over HTTPS)', () => {
  let h: ApiHarness;
  let workerId: string;
  const refresh = () => h.http().post(`/api/workers/${workerId}/labs/refresh`);
  const lab = (labId: string) => h.http().get(`/api/workers/${workerId}/labs/${labId}`);
  const recordIds = async () =>
    (await h.db.collection('lab_records').find({ workerId }).toArray()).map((d) => String(d._id)).sort();

  beforeAll(async () => {
    h = await startApiHarness('hostile_cml_e2e');
    workerId = await h.registerSimulatorWorker();
  });
  afterAll(() => h.close());
  afterEach(() => h.simulator.state.clearFaults());

  it('lab ids are normalised and entries that are no lab id are refused and reported', async () => {
    const [a, b] = h.simulator.state.seedLabs({ count: 2 });
    await refresh().expect(200);
    const before = await recordIds();
    h.simulator.state.addFault({
      route: 'labs.list',
      kind: 'replace_json',
      json: [a.toUpperCase(), b, 'not-a-uuid', 42, { $gt: '' }, '../../system_information'],
      times: 1,
    });

    const res = await refresh().expect(200);

    expect(res.body).toMatchObject({ status: 'succeeded', created: 0, orphansRemoved: 0 });
    expect(res.body.reason).toContain('no lab ids');
    expect(res.body.reason).toContain('"not-a-uuid"');
    // The upper-case listing of `a` is the same lab, not a new record (and not an orphan of the old one).
    expect(await recordIds()).toEqual(before);
  });

  it('huge text fields are capped, and groups the database would refuse are reduced to what CML documents', async () => {
    const [big, other] = h.simulator.state.seedLabs({ count: 2 });
    h.simulator.state.addFault({
      route: 'labs.get',
      kind: 'merge_json',
      labId: big,
      json: {
        lab_title: 'T'.repeat(300_000),
        lab_notes: 'N'.repeat(500_000),
        groups: [
          { id: 'g1', permission: 'read_only', name: 'students', $where: 'sleep(1000)' },
          { 'a.b': { $gt: '' } },
        ],
      },
    });

    const res = await refresh().expect(200);

    expect(res.body).toMatchObject({ status: 'succeeded' });
    const body = (await lab(big).expect(200)).body;
    expect(body.title).toHaveLength(256);
    expect(body.groups).toEqual([{ id: 'g1', permission: 'read_only', name: 'students' }]);
    await lab(other).expect(200);
  });

  it('a lab answer over 1 MiB is a bad response: that lab is not read, the others sync', async () => {
    const [huge, fine] = h.simulator.state.seedLabs({ count: 2 });
    h.simulator.state.addFault({
      route: 'labs.get',
      kind: 'merge_json',
      labId: huge,
      json: { lab_description: 'x'.repeat(1024 * 1024 + 10) },
    });

    const res = await refresh().expect(200);

    expect(res.body).toMatchObject({ status: 'succeeded' });
    expect(res.body.reason).toContain('could not be read');
    await lab(fine).expect(200);
    await lab(huge).expect(404);
    h.simulator.state.clearFaults();
    await refresh().expect(200);
    await lab(huge).expect(200);
  });
});
