import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { waitFor } from './support/test-sink';

/** A CloudEvents sink that answers slowly and remembers how many requests it held at once. */
class SlowSink {
  inFlight = 0;
  maxInFlight = 0;
  delivered = 0;
  private server!: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async start(delayMs: number): Promise<this> {
    this.server = createServer((req, res) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          this.inFlight--;
          this.delivered++;
          res.writeHead(202).end();
        }, delayMs),
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Bounds (issue 12, item 5): manual refreshes coalesce; the fast path cannot flood a sink. */
describe('bounds (e2e, FerretDB + CML simulator over HTTPS)', () => {
  const sink = new SlowSink();
  let h: ApiHarness;
  let workerId: string;
  const refresh = () => h.http().post(`/api/workers/${workerId}/labs/refresh`);

  beforeAll(async () => {
    await sink.start(150);
    h = await startApiHarness('bounds_e2e', {
      CLOUDEVENTS_SINK_URL: sink.url,
      RECONCILE_MAX_DELETE_RATIO: '1',
      // The relay stays out of the way: what reaches the sink here is the fast path's doing.
      OUTBOX_RELAY_INTERVAL_MS: '600000',
    });
    workerId = await h.registerSimulatorWorker();
  });
  afterAll(async () => {
    await h.close();
    await sink.stop();
  });
  afterEach(() => h.simulator.state.clearFaults());

  it('two manual refreshes of one worker at once coalesce into one reconciliation', async () => {
    h.simulator.state.seedLabs({ count: 3 });
    h.simulator.state.addFault({ route: 'labs.list', kind: 'latency', latencyMs: 400, times: 1 });
    h.simulator.state.resetStats();

    const [first, second] = await Promise.all([refresh(), refresh()]);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(first.body).toMatchObject({ status: 'succeeded', created: 3 });
    expect(h.simulator.state.stats().requests['labs.list']).toBe(1);
    // Once it is done, the next refresh is a run of its own.
    const third = await refresh().expect(200);
    expect(third.body.reconciliationId).not.toBe(first.body.reconciliationId);
  });

  it('120 removals at once reach the sink at most 8 at a time, and all arrive', async () => {
    const ids = h.simulator.state.seedLabs({ count: 120 });
    await refresh().expect(200);
    for (const id of ids) h.simulator.state.deleteLab(id);
    sink.maxInFlight = 0;
    const before = sink.delivered;

    const res = await refresh().expect(200);

    expect(res.body.orphansRemoved).toBe(120);
    await waitFor(() => sink.delivered - before >= 120, 60_000, '120 deliveries');
    expect(sink.maxInFlight).toBeLessThanOrEqual(8);
    expect(sink.maxInFlight).toBeGreaterThan(1);
  }, 90_000);
});
