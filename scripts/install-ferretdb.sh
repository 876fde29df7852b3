#!/usr/bin/env bash
# Builds the patched FerretDB used by the tests and `npm run dev` into .tools/ferretdb/bin/ferretdb
# (git-ignored). Idempotent: exits at once when the binary is there, reports the expected version and
# was built from the current patch set. See /work/shared/ferretdb.md for why we build from source:
# `go install ...@v1.24.2` produces a binary that panics (empty build/version/version.txt), and we
# patch v1.24.2 (scripts/ferretdb-patches/*.patch, applied in name order): two bugs, and indexed filter
# pushdown on SQLite. Adding or changing a patch changes the stamp, so the next run rebuilds.
set -euo pipefail

FERRETDB_MODULE="github.com/FerretDB/FerretDB"
FERRETDB_VERSION="v1.24.2"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATCH_DIR="$REPO_ROOT/scripts/ferretdb-patches"
TOOLS_DIR="$REPO_ROOT/.tools/ferretdb"
SRC_DIR="$TOOLS_DIR/src"
BIN_DIR="$TOOLS_DIR/bin"
BIN="$BIN_DIR/ferretdb"
STAMP="$BIN_DIR/ferretdb.stamp"

log() { echo "[install-ferretdb] $*" >&2; }
die() {
  echo "[install-ferretdb] ERROR: $*" >&2
  exit 1
}

shopt -s nullglob
PATCHES=("$PATCH_DIR"/*.patch)
shopt -u nullglob

# What the binary is built from: version + content of every patch. A changed or new patch triggers a rebuild.
expected_stamp() {
  {
    echo "$FERRETDB_VERSION"
    if ((${#PATCHES[@]})); then
      sha256sum "${PATCHES[@]}" | awk '{print $1}'
    fi
  } | sha256sum | awk '{print $1}'
}

# `--version` output captured first: `... | grep -q` could kill the writer with SIGPIPE under pipefail.
reports_version() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  [[ "$out" == *"version: $FERRETDB_VERSION"* ]]
}

is_installed() {
  [[ -x "$BIN" && -f "$STAMP" ]] || return 1
  [[ "$(cat "$STAMP")" == "$(expected_stamp)" ]] || return 1
  reports_version "$BIN"
}

if is_installed; then
  exit 0
fi

mkdir -p "$TOOLS_DIR"

# Serialize concurrent runs (e.g. `npm run dev` and `npm test` started together).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS_DIR/.install.lock"
  flock 9
  if is_installed; then
    log "FerretDB $FERRETDB_VERSION was built by a concurrent run: $BIN"
    exit 0
  fi
fi

command -v go >/dev/null 2>&1 ||
  die "'go' is not on PATH. Install Go >= 1.24 (https://go.dev/dl/) to build FerretDB $FERRETDB_VERSION," \
    "or set MONGODB_URI to an existing MongoDB for the tests."

log "building FerretDB $FERRETDB_VERSION (patched) into $BIN"

log "downloading $FERRETDB_MODULE@$FERRETDB_VERSION with $(go version | awk '{print $3}')"
MOD_JSON="$(cd "$TOOLS_DIR" && go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION")" ||
  die "go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed"
MOD_DIR="$(printf '%s\n' "$MOD_JSON" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
[[ -n "$MOD_DIR" && -d "$MOD_DIR" ]] || die "could not find the module directory in: $MOD_JSON"

log "copying the source to $SRC_DIR"
rm -rf "$SRC_DIR"
cp -R "$MOD_DIR" "$SRC_DIR"
chmod -R u+w "$SRC_DIR"
printf '%s\n' "$FERRETDB_VERSION" >"$SRC_DIR/build/version/version.txt"

for p in "${PATCHES[@]}"; do
  log "applying $(basename "$p")"
  patch -p1 --forward --batch --silent -d "$SRC_DIR" <"$p" || die "patch $p does not apply to FerretDB $FERRETDB_VERSION"
done

log "go build ./cmd/ferretdb (first build downloads dependencies, about 1-2 min; later ones take seconds)"
mkdir -p "$BIN_DIR"
TMP_BIN="$BIN_DIR/.ferretdb.tmp.$$"
trap 'rm -f "$TMP_BIN"' EXIT
start=$SECONDS
(cd "$SRC_DIR" && go build -buildvcs=false -trimpath -o "$TMP_BIN" ./cmd/ferretdb) ||
  die "go build failed"
reports_version "$TMP_BIN" || die "the built binary does not report $FERRETDB_VERSION"
mv -f "$TMP_BIN" "$BIN"
expected_stamp >"$STAMP"
log "done in $((SECONDS - start)) s: $BIN"
