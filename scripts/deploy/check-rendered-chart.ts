/**
 * What the chart must render, beyond what the Kubernetes schemas check (scripts/check-deploy.sh runs it on the
 * output of `helm template`): the pods' security settings, probes, where the secrets come from, that every
 * Service, PodDisruptionBudget and ServiceMonitor selects the pods it is for, that the PrometheusRule and the
 * dashboard ConfigMap carry deploy/prometheus/cml-labs.rules.yaml and deploy/grafana/cml-labs.json unchanged,
 * and what each of the CI values files changes.
 *
 * Usage: ts-node scripts/deploy/check-rendered-chart.ts <default.yaml> <values-full.yaml> <values-ferretdb.yaml>
 * (the rendered manifests, in this order). Prints one line per failed check and exits 1 if any failed.
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML

const ROOT = join(__dirname, '..', '..');
const SECRET_ENV = [
  'MONGODB_URI',
  'SECRETS_KEY',
  'AUTH_JWT_SECRET',
  'AUDIT_MONGODB_URI',
  'NOTIFY_WEBHOOK_URL',
];

export function manifests(file: string): Obj[] {
  return (loadAll(readFileSync(file, 'utf8')) as Obj[]).filter((m) => m && typeof m === 'object');
}

const ofKind = (all: Obj[], kind: string) => all.filter((m) => m.kind === kind);
const named = (all: Obj[], kind: string, suffix: string) =>
  ofKind(all, kind).find((m) => (m.metadata.name as string).endsWith(suffix));
const containsLabels = (labels: Obj, selector: Obj) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const envOf = (container: Obj): Obj => Object.fromEntries((container.env ?? []).map((e: Obj) => [e.name, e]));

/** Checks every pod template of a render; the names of failed checks go to `failures`. */
function checkPods(all: Obj[], check: Check): void {
  for (const deployment of ofKind(all, 'Deployment')) {
    const name = deployment.metadata.name as string;
    const pod = deployment.spec.template;
    check(`${name}: selector matches its pods`, () =>
      ok(containsLabels(pod.metadata.labels, deployment.spec.selector.matchLabels)),
    );
    check(
      `${name}: pod runs as non-root with the runtime's seccomp profile, no service account token`,
      () => {
        strictEqual(pod.spec.securityContext.runAsNonRoot, true);
        ok(pod.spec.securityContext.runAsUser > 0);
        strictEqual(pod.spec.securityContext.seccompProfile.type, 'RuntimeDefault');
        strictEqual(pod.spec.automountServiceAccountToken, false);
      },
    );
    for (const c of pod.spec.containers as Obj[]) {
      const at = `${name}/${c.name}`;
      check(`${at}: read-only root filesystem, no privilege escalation, all capabilities dropped`, () => {
        deepStrictEqual(
          {
            readOnlyRootFilesystem: c.securityContext.readOnlyRootFilesystem,
            allowPrivilegeEscalation: c.securityContext.allowPrivilegeEscalation,
            drop: c.securityContext.capabilities.drop,
            runAsNonRoot: c.securityContext.runAsNonRoot,
          },
          {
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            drop: ['ALL'],
            runAsNonRoot: true,
          },
        );
      });
      check(`${at}: a writable /tmp (emptyDir)`, () => {
        const mount = (c.volumeMounts as Obj[]).find((m) => m.mountPath === '/tmp');
        ok(mount, 'no /tmp mount');
        ok(
          (pod.spec.volumes as Obj[]).find((v) => v.name === mount.name)?.emptyDir,
          '/tmp is not an emptyDir',
        );
      });
      check(`${at}: readiness on /health/ready, liveness and start-up on /health/live, port http`, () => {
        deepStrictEqual(
          [c.readinessProbe.httpGet, c.livenessProbe.httpGet, c.startupProbe.httpGet],
          [
            { path: '/health/ready', port: 'http' },
            { path: '/health/live', port: 'http' },
            { path: '/health/live', port: 'http' },
          ],
        );
        ok((c.ports as Obj[]).some((p) => p.name === 'http'));
      });
      check(`${at}: CPU and memory requests, a memory limit`, () => {
        ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
      });
      check(`${at}: secrets only from a Secret, JSON logs`, () => {
        const env = envOf(c);
        for (const name of SECRET_ENV.filter((n) => env[n])) {
          ok(
            env[name].valueFrom?.secretKeyRef && env[name].value === undefined,
            `${name} is not from a Secret`,
          );
        }
        strictEqual(env.LOG_FORMAT?.value, 'json');
      });
    }
  }
  for (const service of ofKind(all, 'Service')) {
    check(`${service.metadata.name}: selects the pods of one Deployment, on their port http`, () => {
      const targets = ofKind(all, 'Deployment').filter((d) =>
        containsLabels(d.spec.template.metadata.labels, service.spec.selector),
      );
      strictEqual(targets.length, 1);
      strictEqual(service.spec.ports[0].targetPort, 'http');
    });
  }
  for (const pdb of ofKind(all, 'PodDisruptionBudget')) {
    check(`${pdb.metadata.name}: guards a Deployment with more than one replica`, () => {
      const target = ofKind(all, 'Deployment').find((d) =>
        containsLabels(d.spec.template.metadata.labels, pdb.spec.selector.matchLabels),
      );
      ok(target && target.spec.replicas > 1);
    });
  }
}

type Check = (name: string, body: () => void) => void;

export function checkRenders(defaultFile: string, fullFile: string, ferretdbFile: string): string[] {
  const failures: string[] = [];
  let checks = 0;
  const check: Check = (name, body) => {
    checks++;
    try {
      body();
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    }
  };

  const byDefault = manifests(defaultFile);
  checkPods(byDefault, (n, b) => check(`default: ${n}`, b));
  check('default: api 2 replicas with a PodDisruptionBudget; audit 1 without', () => {
    strictEqual(named(byDefault, 'Deployment', '-api')?.spec.replicas, 2);
    strictEqual(named(byDefault, 'Deployment', '-audit')?.spec.replicas, 1);
    deepStrictEqual(
      ofKind(byDefault, 'PodDisruptionBudget').map((p) => p.metadata.name),
      [named(byDefault, 'Deployment', '-api')?.metadata.name],
    );
  });
  check('default: no Secret made (existingSecret), no operator objects, no dashboard', () => {
    deepStrictEqual(
      byDefault
        .map((m) => m.kind)
        .filter((k) => ['Secret', 'ServiceMonitor', 'PrometheusRule', 'ConfigMap'].includes(k)),
      [],
    );
  });
  check('default: the API delivers to the audit Service with the ingest token file', () => {
    const env = envOf(named(byDefault, 'Deployment', '-api')!.spec.template.spec.containers[0]);
    const audit = named(byDefault, 'Service', '-audit')!;
    strictEqual(
      env.CLOUDEVENTS_SINK_URL.value,
      `http://${audit.metadata.name}.default.svc:${audit.spec.ports[0].port}/`,
    );
    ok(env.CLOUDEVENTS_SINK_TOKEN_FILE.value.endsWith('/audit-ingest-token'));
  });
  check('default: the API tells the write path from the server (MONGODB_CONDITIONAL_WRITES=auto)', () => {
    const env = envOf(named(byDefault, 'Deployment', '-api')!.spec.template.spec.containers[0]);
    strictEqual(env.MONGODB_CONDITIONAL_WRITES?.value, 'auto');
  });

  const full = manifests(fullFile);
  checkPods(full, (n, b) => check(`full: ${n}`, b));
  check('full: the Secret made from the values, and both pods roll when it changes', () => {
    const secret = ofKind(full, 'Secret')[0];
    deepStrictEqual(Object.keys(secret.stringData).sort(), [
      'audit-ingest-token',
      'audit-mongodb-uri',
      'mongodb-uri',
      'notify-webhook-url',
      'secrets-key',
    ]);
    for (const d of ofKind(full, 'Deployment')) {
      ok(
        d.spec.template.metadata.annotations['checksum/secret'],
        `${d.metadata.name} has no checksum/secret`,
      );
    }
  });
  check('full: JWKS instead of a shared JWT secret', () => {
    const env = envOf(named(full, 'Deployment', '-api')!.spec.template.spec.containers[0]);
    ok(env.AUTH_JWKS_URL?.value && !env.AUTH_JWT_SECRET);
  });
  check('full: a ServiceMonitor per Service, on port http, path /metrics', () => {
    const monitors = ofKind(full, 'ServiceMonitor');
    strictEqual(monitors.length, 2);
    for (const sm of monitors) {
      const services = ofKind(full, 'Service').filter((s) =>
        containsLabels(s.metadata.labels, sm.spec.selector.matchLabels),
      );
      strictEqual(services.length, 1, `${sm.metadata.name} selects ${services.length} services`);
      deepStrictEqual([sm.spec.endpoints[0].port, sm.spec.endpoints[0].path], ['http', '/metrics']);
      strictEqual(sm.metadata.labels.release, 'kube-prometheus-stack');
    }
  });
  check('full: the PrometheusRule carries deploy/prometheus/cml-labs.rules.yaml unchanged', () => {
    const rules = load(readFileSync(join(ROOT, 'deploy/prometheus/cml-labs.rules.yaml'), 'utf8'));
    deepStrictEqual(ofKind(full, 'PrometheusRule')[0].spec, rules);
  });
  check('full: the dashboard ConfigMap carries deploy/grafana/cml-labs.json unchanged', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/cml-labs.json'), 'utf8'));
    const configMap = ofKind(full, 'ConfigMap')[0];
    deepStrictEqual(JSON.parse(configMap.data['cml-labs.json']), dashboard);
    strictEqual(configMap.metadata.labels.grafana_dashboard, '1');
  });
  check('full: 3 api and 2 audit replicas, each with a PodDisruptionBudget', () => {
    strictEqual(named(full, 'Deployment', '-api')?.spec.replicas, 3);
    strictEqual(named(full, 'Deployment', '-audit')?.spec.replicas, 2);
    strictEqual(ofKind(full, 'PodDisruptionBudget').length, 2);
  });

  const ferretdb = manifests(ferretdbFile);
  checkPods(ferretdb, (n, b) => check(`ferretdb: ${n}`, b));
  check('ferretdb: one API replica (3 asked), replaced with Recreate, no PodDisruptionBudget', () => {
    const api = named(ferretdb, 'Deployment', '-api')!;
    deepStrictEqual([api.spec.replicas, api.spec.strategy.type], [1, 'Recreate']);
    strictEqual(ofKind(ferretdb, 'PodDisruptionBudget').length, 0);
  });
  check('ferretdb: without the audit consumer, no sink and no audit objects', () => {
    const env = envOf(named(ferretdb, 'Deployment', '-api')!.spec.template.spec.containers[0]);
    ok(!env.CLOUDEVENTS_SINK_URL && !env.CLOUDEVENTS_SINK_TOKEN_FILE);
    strictEqual(ofKind(ferretdb, 'Deployment').length, 1);
    strictEqual(ofKind(ferretdb, 'Service').length, 1);
    strictEqual(env.AUTH_DISABLED?.value, 'true');
  });

  console.error(`[check-rendered-chart] ${checks - failures.length} of ${checks} checks passed`);
  return failures;
}

if (require.main === module) {
  const [defaultFile, fullFile, ferretdbFile] = process.argv.slice(2);
  if (!ferretdbFile)
    throw new Error(
      'usage: check-rendered-chart.ts <default.yaml> <values-full.yaml> <values-ferretdb.yaml>',
    );
  const failures = checkRenders(defaultFile, fullFile, ferretdbFile);
  for (const f of failures) console.error(`FAILED ${f}`);
  process.exit(failures.length > 0 ? 1 : 0);
}
