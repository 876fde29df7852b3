/**
 * The dashboard and the alerts query metrics the service really exposes: every cml_labs_* and http_* metric in
 * deploy/grafana/cml-labs.json and deploy/prometheus/cml-labs.rules.yaml is in the /metrics of a started apps/api or
 * apps/audit (with its # TYPE line, so also before its first sample). A renamed metric fails here instead of
 * leaving an empty panel or an alert that can never fire. scripts/check-deploy.sh runs it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { load } from 'js-yaml';
import request from 'supertest';
import { loadAuditConfig } from '../apps/audit/src/audit-config';
import { createAuditApp } from '../apps/audit/src/create-audit-app';
import { dashboardProblems, dashboardQueries, metricNamesOf } from '../scripts/deploy/dashboard-queries';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { testDatabaseUri } from './support/test-database';

const ROOT = join(__dirname, '..');

/** Metric names with a # TYPE line in Prometheus text. */
function exposed(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]));
}

function ruleExpressions(): { alert: string; expr: string }[] {
  const file = load(readFileSync(join(ROOT, 'deploy/prometheus/cml-labs.rules.yaml'), 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return file.groups.flatMap((g) => g.rules);
}

describe('Dashboard and alert rules against the real /metrics (e2e)', () => {
  let api: ApiHarness;
  let audit: INestApplication;
  let names: Set<string>;

  beforeAll(async () => {
    api = await startApiHarness('deploy_monitoring_e2e');
    audit = await createAuditApp(
      loadAuditConfig({
        AUDIT_MONGODB_URI: testDatabaseUri('deploy_monitoring_audit'),
        LOG_LEVEL: 'silent',
        AUDIT_INGEST_AUTH_DISABLED: 'true',
        AUTH_DISABLED: 'true',
      }),
    );
    await audit.init();
    const apiMetrics = await api.http().get('/metrics').expect(200);
    const auditMetrics = await request(audit.getHttpServer()).get('/metrics').expect(200);
    names = new Set([...exposed(apiMetrics.text), ...exposed(auditMetrics.text)]);
  });
  afterAll(async () => {
    await audit?.close();
    await api?.close();
  });

  it('the dashboard parses, uses the datasource variable everywhere, and queries only exposed metrics', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/cml-labs.json'), 'utf8'));
    expect(dashboardProblems(dashboard)).toEqual([]);
    const queried = dashboardQueries(dashboard).flatMap((q) =>
      metricNamesOf(q.expr).map((name) => ({ panel: q.panel, name })),
    );
    expect(queried.length).toBeGreaterThan(20);
    expect(queried.filter(({ name }) => !names.has(name))).toEqual([]);
    // The seed note's metrics to monitor, each on a panel.
    const onPanels = new Set(queried.map((q) => q.name));
    for (const name of [
      'cml_labs_lab_deletes_total',
      'cml_labs_orphans_removed_total',
      'cml_labs_orphans_pending',
      'cml_labs_reconcile_duration_seconds',
      'cml_labs_cml_requests_total',
      'cml_labs_outbox_backlog',
      'cml_labs_outbox_dead',
      'cml_labs_lease_takeovers_total',
    ]) {
      expect({ name, onPanels: onPanels.has(name) }).toEqual({ name, onPanels: true });
    }
  });

  it('every alert queries only exposed metrics', () => {
    const rules = ruleExpressions();
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'CmlLabsDeleteSuccessRatioLow',
      'CmlLabsOrphansPending',
      'CmlLabsOutboxDeadLetters',
      'CmlLabsReconciliationFailed',
      'CmlLabsReconciliationSlowerThanInterval',
    ]);
    const missing = rules.flatMap((r) =>
      metricNamesOf(r.expr)
        .filter((name) => !names.has(name))
        .map((name) => ({ alert: r.alert, name })),
    );
    expect(missing).toEqual([]);
  });

  it('the check itself tells a missing metric (a name the apps do not expose is not found)', () => {
    expect(names.has('cml_labs_lease_takeovers')).toBe(false);
    expect(names.has('cml_labs_lease_takeovers_total')).toBe(true);
    expect(names.has('http_requests_total')).toBe(true);
  });
});
