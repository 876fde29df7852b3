import { Registry } from 'prom-client';
import { InMemoryLabEventOutbox } from '../../testing/in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from '../../testing/in-memory-lab-record.repository';
import { InMemoryReconcileLeaseRepository } from '../../testing/in-memory-reconcile-lease.repository';
import { storeRemovedLab } from '../../testing/removed-lab.fixture';
import { OutboxAndLeaseMetrics } from './outbox-and-lease-metrics';

const TTL = 60_000;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

/** Scrapes the registry as Prometheus does and returns the value of one unlabelled series. */
async function scrape(registry: Registry, name: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('OutboxAndLeaseMetrics', () => {
  let registry: Registry;
  let leases: InMemoryReconcileLeaseRepository;
  let labs: InMemoryLabRecordRepository;
  let outbox: InMemoryLabEventOutbox;

  beforeEach(() => {
    registry = new Registry();
    leases = new InMemoryReconcileLeaseRepository();
    labs = new InMemoryLabRecordRepository(['http://sink.test/']);
    outbox = new InMemoryLabEventOutbox(labs);
    new OutboxAndLeaseMetrics(registry, outbox, leases);
  });

  it('exposes lease takeovers as a counter named _total, and nothing under the old gauge name', async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/^# TYPE cml_labs_lease_takeovers_total counter$/m);
    expect(text).not.toMatch(/^(# TYPE )?cml_labs_lease_takeovers[ {]/m);
    expect(await scrape(registry, 'cml_labs_lease_takeovers_total')).toBe(0);
  });

  it('counts each takeover once however often it is scraped, and no released lease', async () => {
    await leases.acquire('w-1', 'a', TTL, at(0));
    await leases.acquire('w-1', 'b', TTL, at(TTL)); // a's lease ran out: taken over
    expect(await scrape(registry, 'cml_labs_lease_takeovers_total')).toBe(1);
    expect(await scrape(registry, 'cml_labs_lease_takeovers_total')).toBe(1);

    const held = (await leases.acquire('w-2', 'a', TTL, at(0)))!;
    await leases.release(held);
    await leases.acquire('w-2', 'b', TTL, at(1)); // handed over, not taken over
    await leases.acquire('w-1', 'c', TTL, at(3 * TTL)); // b's lease ran out
    expect(await scrape(registry, 'cml_labs_lease_takeovers_total')).toBe(2);
  });

  it('reads the outbox backlog and dead letters at each scrape', async () => {
    expect(await scrape(registry, 'cml_labs_outbox_backlog')).toBe(0);
    expect(await scrape(registry, 'cml_labs_outbox_dead')).toBe(0);

    await storeRemovedLab(labs, 'w-1', 1, at(0));
    const dead = await storeRemovedLab(labs, 'w-1', 2, at(0));
    await outbox.recordAttempt(dead.id, 0, {
      sink: 'http://sink.test/',
      status: 'dead',
      attempts: 5,
      replays: 0,
      nextAttemptAt: at(0),
      lastError: 'sink answered HTTP 500',
      deliveredAt: null,
    });
    expect(await scrape(registry, 'cml_labs_outbox_backlog')).toBe(1);
    expect(await scrape(registry, 'cml_labs_outbox_dead')).toBe(1);
  });
});
