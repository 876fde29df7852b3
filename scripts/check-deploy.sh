#!/usr/bin/env bash
# Checks everything under deploy/, offline (README, "Deployment"):
#   - helm lint --strict, with the default values and each deploy/helm/ci/values-*.yaml
#   - helm template of the same, validated by kubeconform -strict against the Kubernetes v$KUBERNETES_VERSION
#     schemas and the prometheus-operator CRDs (made offline by scripts/install-deploy-tools.sh); the manifests
#     under deploy/helm/ci/invalid/ must fail it, so a check that lets everything through is noticed
#   - what the renders must contain beyond the schemas (scripts/deploy/check-rendered-chart.ts), that the chart
#     refuses to make a Secret without its values, and that values.schema.json refuses a misspelt value
#   - promtool check rules and promtool test rules on deploy/prometheus/
#   - the Grafana dashboard: its shape, every query's PromQL (promtool), and every metric it or an alert queries
#     in the real /metrics of apps/api and apps/audit (test/deploy-monitoring.e2e-spec.ts, with FerretDB)
# Builds the tools first when they are missing. Ends with "check-deploy: N passed, N failed"; exits 1 on a failure.
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=deploy/versions.sh
source scripts/deploy/versions.sh

BIN="$(bash scripts/install-deploy-tools.sh)" || {
  echo "check-deploy: the tools could not be built" >&2
  exit 1
}
NODE_BIN="$(bash scripts/ensure-node.sh)" || exit 1
export PATH="$BIN:$NODE_BIN:$PATH"
SCHEMAS="$REPO_ROOT/.tools/deploy-tools/schemas"
CHART=deploy/helm/cml-labs
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

passed=0
failed=0
# step NAME COMMAND...: runs one check, prints its output only when it fails.
step() {
  local name="$1"
  shift
  local start=$SECONDS
  if "$@" >"$OUT/step.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/     /' "$OUT/step.log"
  fi
}

render() { # render NAME [VALUES FILE]
  helm template cml-labs "$CHART" --kube-version "$KUBERNETES_VERSION" ${2:+-f "$2"} >"$OUT/$1.yaml"
}
kubeconform_strict() {
  kubeconform -strict -summary -kubernetes-version "$KUBERNETES_VERSION" \
    -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
}
each_invalid_fails() {
  local f status=0
  for f in deploy/helm/ci/invalid/*.yaml; do
    if kubeconform_strict "$f" >/dev/null 2>&1; then
      echo "kubeconform accepted $f, which is invalid"
      status=1
    fi
  done
  return "$status"
}
# helm_refuses SET MESSAGE: helm template with --set SET must fail, saying MESSAGE.
helm_refuses() {
  local out
  if out="$(helm template cml-labs "$CHART" --kube-version "$KUBERNETES_VERSION" --set "$1" 2>&1)"; then
    echo "the chart rendered with --set $1"
    return 1
  fi
  grep -qF "$2" <<<"$out" || {
    echo "helm failed without saying: $2"
    echo "$out"
    return 1
  }
}
ts() { npx ts-node --transpile-only "$@"; }

step "helm lint (default values)" helm lint --strict --kube-version "$KUBERNETES_VERSION" "$CHART"
for values in deploy/helm/ci/values-*.yaml; do
  step "helm lint ($values)" helm lint --strict --kube-version "$KUBERNETES_VERSION" "$CHART" -f "$values"
done
step "helm template (default values)" render default
for values in deploy/helm/ci/values-*.yaml; do
  name="$(basename "$values" .yaml)"
  step "helm template ($values)" render "$name" "$values"
done
step "kubeconform -strict (every render)" kubeconform_strict "$OUT"/default.yaml "$OUT"/values-*.yaml
step "kubeconform -strict refuses deploy/helm/ci/invalid/*" each_invalid_fails
step "rendered chart checks" ts scripts/deploy/check-rendered-chart.ts \
  "$OUT/default.yaml" "$OUT/values-full.yaml" "$OUT/values-ferretdb.yaml"
step "no Secret without its values" \
  helm_refuses secrets.existingSecret= "secrets.mongodbUri is required without secrets.existingSecret"
step "values.schema.json refuses a misspelt value" \
  helm_refuses api.replica=3 "additional properties 'replica' not allowed"
step "values.schema.json refuses an unknown database.conditionalWrites" \
  helm_refuses database.conditionalWrites=atomc "value must be one of 'auto', 'atomic', 'unique-insert-only'"
step "promtool check rules" promtool check rules deploy/prometheus/cml-labs.rules.yaml
step "promtool test rules" promtool test rules deploy/prometheus/cml-labs.rules.test.yaml
step "dashboard shape and queries as rules" ts scripts/deploy/dashboard-queries.ts deploy/grafana/cml-labs.json \
  --rules "$OUT/dashboard.rules.yaml"
step "dashboard PromQL (promtool check rules)" promtool check rules "$OUT/dashboard.rules.yaml"
step "dashboard and alert metrics in the real /metrics" npx jest test/deploy-monitoring.e2e-spec.ts

echo "check-deploy: $passed passed, $failed failed"
((failed == 0))
