/**
 * The queries of the Grafana dashboard (deploy/grafana/cml-labs.json), for the checks of scripts/check-deploy.sh:
 * the dashboard's shape (the datasource is a variable, and every panel and query uses it), the metrics it queries
 * (test/deploy-monitoring.e2e-spec.ts finds each in the real /metrics of apps/api or apps/audit), and the PromQL
 * syntax (`--rules <file>` writes every query as a recording rule, with Grafana's variables replaced by values,
 * for `promtool check rules`).
 *
 * Usage: ts-node scripts/deploy/dashboard-queries.ts <dashboard.json> --rules <out.yaml>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dump } from 'js-yaml';

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid?: string;
  panels: Panel[];
  templating?: { list: { name: string; type: string; query?: unknown }[] };
}

export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
}

const DATASOURCE_VARIABLE = '${datasource}';

/** Every query of every panel (rows' nested panels too). */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      panel: p.title ?? `#${p.id}`,
      refId: t.refId ?? '?',
      expr: t.expr ?? '',
    })),
  );
}

/** What is wrong with the dashboard's shape; empty when nothing is. */
export function dashboardProblems(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  const variables = dashboard.templating?.list ?? [];
  const datasource = variables.find((v) => v.name === 'datasource');
  if (!datasource || datasource.type !== 'datasource' || datasource.query !== 'prometheus') {
    problems.push('no "datasource" variable of type datasource (query: prometheus)');
  }
  if (!dashboard.uid) problems.push('no uid (a stable uid keeps links and provisioning working)');
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  if (panels.length === 0) problems.push('no panels');
  for (const p of panels) {
    if (p.datasource?.uid !== DATASOURCE_VARIABLE)
      problems.push(`panel "${p.title}" does not use ${DATASOURCE_VARIABLE}`);
    if (!p.targets?.length) problems.push(`panel "${p.title}" has no query`);
    for (const t of p.targets ?? []) {
      if (!t.expr?.trim()) problems.push(`panel "${p.title}" query ${t.refId} is empty`);
      if (t.datasource && t.datasource.uid !== DATASOURCE_VARIABLE) {
        problems.push(`panel "${p.title}" query ${t.refId} does not use ${DATASOURCE_VARIABLE}`);
      }
    }
  }
  return problems;
}

/** The service's metric names a query reads (cml_labs_* and http_*), histogram series folded onto their metric. */
export function metricNamesOf(expr: string): string[] {
  const names = [...expr.matchAll(/\b((?:cml_labs|http)_[a-z0-9_]+)\b/g)].map((m) => m[1]);
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))].sort();
}

/** A query as Prometheus would see it from Grafana: the dashboard's variables replaced by plain values. */
export function withVariablesReplaced(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, '5m')
    .replace(/\$__range|\$\{__range\}/g, '6h')
    .replace(/\$window|\$\{window\}/g, '6h')
    .replace(/\$(namespace|job)|\$\{(namespace|job)\}/g, '.*');
}

/** A rule file with every query as a recording rule, for promtool check rules. */
export function asRecordingRules(queries: DashboardQuery[]): string {
  return dump({
    groups: [
      {
        name: 'cml-labs-dashboard-queries',
        rules: queries.map((q, i) => ({
          record: `dashboard:query_${i}:check`,
          expr: withVariablesReplaced(q.expr),
        })),
      },
    ],
  });
}

function main(args: string[]): void {
  const [file] = args;
  const rulesAt = args.indexOf('--rules');
  if (!file || rulesAt < 0 || !args[rulesAt + 1])
    throw new Error('usage: dashboard-queries.ts <dashboard.json> --rules <out.yaml>');
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
  const problems = dashboardProblems(dashboard);
  if (problems.length > 0) {
    console.error(`[dashboard-queries] ${file}:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  const queries = dashboardQueries(dashboard);
  writeFileSync(args[rulesAt + 1], asRecordingRules(queries));
  console.error(
    `[dashboard-queries] ${queries.length} queries of ${file} written as rules to ${args[rulesAt + 1]}`,
  );
}

if (require.main === module) main(process.argv.slice(2));
