import { collectDefaultMetrics, Registry } from 'prom-client';
import { AppConfig, HttpRequestMetrics } from '@app/common';
import { InMemoryLabEventOutbox } from '../../testing/in-memory-lab-event-outbox';
import { InMemoryLabRecordRepository } from '../../testing/in-memory-lab-record.repository';
import { InMemoryReconcileLeaseRepository } from '../../testing/in-memory-reconcile-lease.repository';
import { OutboxAndLeaseMetrics } from './outbox-and-lease-metrics';
import { PrometheusCmlRequestObserver } from './prometheus-cml-request-observer';
import { PrometheusLabsMetrics } from './prometheus-labs-metrics';
import { ReconcileScheduleMetric } from './reconcile-schedule-metric';

/** Every metric the API registers, as MetricsModule and LabsModule register them (`ownOnly`: without prom-client's defaults). */
async function apiMetrics(ownOnly = false): Promise<{ name: string; type: string }[]> {
  const registry = new Registry();
  if (!ownOnly) collectDefaultMetrics({ register: registry, prefix: 'cml_labs_' });
  new HttpRequestMetrics(registry);
  new PrometheusLabsMetrics(registry);
  new PrometheusCmlRequestObserver(registry);
  new ReconcileScheduleMetric(registry, { labsRefreshIntervalSeconds: 1800 } as AppConfig);
  const labs = new InMemoryLabRecordRepository();
  new OutboxAndLeaseMetrics(
    registry,
    new InMemoryLabEventOutbox(labs),
    new InMemoryReconcileLeaseRepository(),
  );
  return (await registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
}

/** Prometheus naming (prometheus.io/docs/practices/naming): the rules dashboards and alerts rely on. */
describe('metric names and types', () => {
  // prom-client's process defaults are left as they are (nodejs_active_handles_total is a gauge there): renaming
  // them would break every Node.js dashboard, and they are not ours to name.
  it('names every counter of ours ..._total and no other metric of ours so', async () => {
    const own = await apiMetrics(true);
    expect(own.length).toBeGreaterThanOrEqual(12);
    for (const { name, type } of own) {
      expect({ name, endsInTotal: name.endsWith('_total') }).toEqual({
        name,
        endsInTotal: type === 'counter',
      });
    }
  });

  it('measures every histogram and summary in seconds, the base unit', async () => {
    const timed = (await apiMetrics()).filter((m) => m.type === 'histogram' || m.type === 'summary');
    expect(timed.length).toBeGreaterThan(0);
    for (const { name } of timed) expect(name).toMatch(/_seconds$/);
  });

  it('prefixes every metric of the service with cml_labs_, except the conventional http_ ones', async () => {
    for (const { name } of await apiMetrics()) expect(name).toMatch(/^(cml_labs|http)_[a-z0-9_]+$/);
  });

  it('has the metrics the dashboards and alerts query, with these types', async () => {
    const byName = Object.fromEntries((await apiMetrics()).map((m) => [m.name, m.type]));
    expect(byName).toMatchObject({
      cml_labs_lab_deletes_total: 'counter',
      cml_labs_orphans_removed_total: 'counter',
      cml_labs_orphans_pending: 'gauge',
      cml_labs_reconciliations_total: 'counter',
      cml_labs_reconcile_duration_seconds: 'histogram',
      cml_labs_cml_requests_total: 'counter',
      cml_labs_cml_request_duration_seconds: 'histogram',
      cml_labs_outbox_backlog: 'gauge',
      cml_labs_outbox_dead: 'gauge',
      cml_labs_lease_takeovers_total: 'counter',
      cml_labs_reconcile_interval_seconds: 'gauge',
      http_requests_total: 'counter',
      http_request_duration_seconds: 'histogram',
    });
  });

  it('has reconciliation duration buckets beyond the default refresh interval (1800 s), so its p95 can exceed it', async () => {
    const registry = new Registry();
    const metrics = new PrometheusLabsMetrics(registry);
    metrics.reconcileFinished({
      workerId: 'w',
      status: 'succeeded',
      durationMs: 2_000_000,
      orphansRemoved: 0,
      orphansPending: 0,
    } as never);
    const text = await registry.metrics();
    const bounds = [...text.matchAll(/^cml_labs_reconcile_duration_seconds_bucket\{le="([^"]+)"/gm)].map(
      (m) => m[1],
    );
    expect(
      bounds
        .filter((b) => b !== '+Inf')
        .map(Number)
        .some((b) => b > 1800),
    ).toBe(true);
    new ReconcileScheduleMetric(registry, { labsRefreshIntervalSeconds: 1800 } as AppConfig);
    expect(await registry.metrics()).toMatch(/^cml_labs_reconcile_interval_seconds 1800$/m);
  });
});
