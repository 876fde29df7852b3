#!/usr/bin/env bash
# Builds the tools scripts/check-deploy.sh needs into .tools/deploy-tools/ (git-ignored), with the machine's Go,
# from the Go module proxy, at pinned versions, as scripts/install-ferretdb.sh builds FerretDB:
#   bin/helm          helm.sh/helm/v3/cmd/helm                     helm lint, helm template
#   bin/kubeconform   github.com/yannh/kubeconform/cmd/kubeconform  the rendered YAML against the Kubernetes schemas
#   bin/promtool      github.com/prometheus/prometheus/cmd/promtool promtool check rules, promtool test rules
#   schemas/          kubeconform's JSON schemas, made offline (kubeconform would download them otherwise):
#                     the Kubernetes API's own OpenAPI document (api/openapi-spec/swagger.json of the
#                     k8s.io/kubernetes module) and the prometheus-operator CRDs (ServiceMonitor, PrometheusRule,
#                     example/prometheus-operator-crd of its module), by scripts/deploy/kubeconform-schemas.ts.
# Idempotent: each binary is kept while `go version -m` says it was built from its pinned module version, and the
# schemas while their stamp names the same sources. Prints the directory of the binaries on stdout.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/versions.sh
source "$REPO_ROOT/scripts/deploy/versions.sh"
TOOLS_DIR="$REPO_ROOT/.tools/deploy-tools"
BIN_DIR="$TOOLS_DIR/bin"
SCHEMA_DIR="$TOOLS_DIR/schemas"

log() { echo "[install-deploy-tools] $*" >&2; }
die() {
  echo "[install-deploy-tools] ERROR: $*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 ||
  die "'go' is not on PATH. Install Go >= 1.24 to build helm, kubeconform and promtool."

mkdir -p "$BIN_DIR" "$SCHEMA_DIR"

# Concurrent runs (two checkouts sharing .tools) build one after the other.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS_DIR/.install.lock"
  flock 9
fi

# How a binary was built, from its embedded build information (not from its --version, which helm and kubeconform
# only know when the release pipeline's -ldflags set it): "<module version> tags=<build tags>".
built_as() {
  local out
  out="$(go version -m "$1" 2>/dev/null)" || return 1
  printf '%s\n' "$out" | awk -v mod="$2" '
    $1 == "mod" && $2 == mod { version = $3 }
    $1 == "build" && $2 ~ /^-tags=/ { tags = substr($2, 7) }
    END { if (version != "") print version " tags=" tags }'
}

# install NAME MODULE PACKAGE VERSION LDFLAGS [TAGS]
install_tool() {
  local name="$1" module="$2" package="$3" version="$4" ldflags="$5" tags="${6:-}"
  local bin="$BIN_DIR/$name"
  local wanted="$version tags=$tags"
  if [[ -x "$bin" && "$(built_as "$bin" "$module")" == "$wanted" ]]; then
    return 0
  fi
  log "building $name $version ($package) with $(go version | awk '{print $3}')"
  local start=$SECONDS tmp="$TOOLS_DIR/.build-$name.$$"
  mkdir -p "$tmp"
  # GOFLAGS=-mod=mod: a go.work or vendor directory of the caller must not steer the tool's build.
  GOBIN="$tmp" GOFLAGS=-mod=mod go install -trimpath -tags="$tags" -ldflags="$ldflags" "$package@$version" ||
    {
      rm -rf "$tmp"
      die "go install $package@$version failed"
    }
  [[ "$(built_as "$tmp/$name" "$module")" == "$wanted" ]] ||
    {
      rm -rf "$tmp"
      die "$name was not built from $module $version"
    }
  mv -f "$tmp/$name" "$bin"
  rm -rf "$tmp"
  log "$name $version built in $((SECONDS - start)) s"
}

install_tool helm helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm "$HELM_VERSION" \
  "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
install_tool kubeconform github.com/yannh/kubeconform github.com/yannh/kubeconform/cmd/kubeconform \
  "$KUBECONFORM_VERSION" "-X main.version=$KUBECONFORM_VERSION"
# remove_all_sd: without Prometheus's service discovery plugins (AWS, Azure, GCE, Kubernetes...), which rule checks
# and tests never use: fewer packages to compile (a 77 MB binary instead of 123 MB).
install_tool promtool github.com/prometheus/prometheus github.com/prometheus/prometheus/cmd/promtool \
  "$PROMETHEUS_VERSION" "-X github.com/prometheus/common/version.Version=$PROMETHEUS_RELEASE" remove_all_sd

# The schemas: made from the modules' files, never fetched from a schema site.
SCHEMA_STAMP="$SCHEMA_DIR/.stamp"
schema_stamp() {
  {
    echo "kubernetes $KUBERNETES_VERSION prometheus-operator $PROMETHEUS_OPERATOR_VERSION"
    sha256sum "$REPO_ROOT/scripts/deploy/kubeconform-schemas.ts" | awk '{print $1}'
  } | sha256sum | awk '{print $1}'
}
module_dir() {
  local json dir
  json="$(cd "$TOOLS_DIR" && go mod download -json "$1@$2")" || die "go mod download $1@$2 failed"
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
  [[ -n "$dir" && -d "$dir" ]] || die "could not find the module directory of $1@$2 in: $json"
  printf '%s\n' "$dir"
}
if [[ ! -f "$SCHEMA_STAMP" || "$(cat "$SCHEMA_STAMP")" != "$(schema_stamp)" ]]; then
  log "making the kubeconform schemas (Kubernetes v$KUBERNETES_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION)"
  K8S_DIR="$(module_dir k8s.io/kubernetes "v$KUBERNETES_VERSION")"
  OPERATOR_DIR="$(module_dir github.com/prometheus-operator/prometheus-operator "$PROMETHEUS_OPERATOR_VERSION")"
  NODE_BIN="$(bash "$REPO_ROOT/scripts/ensure-node.sh")"
  OUT="$SCHEMA_DIR/.new.$$"
  rm -rf "$OUT"
  (cd "$REPO_ROOT" && PATH="$NODE_BIN:$PATH" npx ts-node --transpile-only scripts/deploy/kubeconform-schemas.ts \
    --openapi "$K8S_DIR/api/openapi-spec/swagger.json" \
    --crds "$OPERATOR_DIR/example/prometheus-operator-crd" \
    --out "$OUT") || {
    rm -rf "$OUT"
    die "making the schemas failed"
  }
  find "$SCHEMA_DIR" -mindepth 1 -maxdepth 1 -name '*.json' -delete
  mv "$OUT"/*.json "$SCHEMA_DIR"/
  rm -rf "$OUT"
  schema_stamp >"$SCHEMA_STAMP"
fi

echo "$BIN_DIR"
