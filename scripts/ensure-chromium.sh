#!/usr/bin/env bash
# The web console's end-to-end tests drive Debian's Chromium (nothing downloads a browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "[ensure-chromium] /usr/bin/chromium is missing: run 'sudo apt-get install -y chromium'" >&2
  exit 1
fi
echo "[ensure-chromium] installing Debian's chromium" >&2
apt-get update -qq && apt-get install -y -qq chromium >/dev/null
