#!/usr/bin/env bash
# The Python venv of the virl2-client conformance suite (test/cml-conformance): a project-local venv in
# .tools/conformance-venv (git-ignored) with the pinned test/cml-conformance/requirements.txt installed.
# Idempotent: when the venv exists and was built from the same requirements.txt (and Python), it exits at once.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.tools/conformance-venv
REQUIREMENTS=test/cml-conformance/requirements.txt
STAMP="$VENV/.requirements.sha256"
# The hash of requirements.txt alone: test/cml-conformance.e2e-spec.ts compares it to refuse a stale venv.
FILE_STAMP="$VENV/.requirements-file.sha256"
PYTHON=${PYTHON:-python3}

log() { echo "[ensure-conformance-venv] $*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "$PYTHON is missing: install Python 3 (with its venv module), e.g. 'sudo apt-get install -y python3 python3-venv'"
  exit 1
fi

file_hash=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
wanted=$( (echo "$file_hash"; "$PYTHON" --version 2>&1) | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ] && [ -f "$FILE_STAMP" ] &&
  "$VENV/bin/python" -c 'import virl2_client, pytest' >/dev/null 2>&1; then
  exit 0
fi

log "creating $VENV from $REQUIREMENTS"
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
  # Debian's python3 ships without ensurepip; its python3-venv package adds it.
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's python3-venv"
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
  else
    log "'$PYTHON -m venv' failed: install the venv module, e.g. 'sudo apt-get install -y python3-venv'"
    exit 1
  fi
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS"
"$VENV/bin/python" -c 'import virl2_client, pytest'
echo "$wanted" >"$STAMP"
echo "$file_hash" >"$FILE_STAMP"
log "ready: $("$VENV/bin/python" -m pip show virl2-client 2>/dev/null | grep '^Version' || true)"
