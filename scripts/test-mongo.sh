#!/usr/bin/env bash
# npm run test:mongo: the integration and e2e suites (jest *.int-spec.ts and test/*.e2e-spec.ts) against the
# database that MONGODB_URI names, e.g. the replica set of deploy/compose.yaml
# (MONGODB_URI='mongodb://127.0.0.1:27017/?replicaSet=rs0&directConnection=true'). Each test file creates and drops
# its own database there. The specs about FerretDB itself (its patches, its outage, its single-instance guard)
# start their own FerretDB or check which server they got; everything else runs on the given server.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MONGODB_URI:?set MONGODB_URI to the server to test against, e.g. mongodb://127.0.0.1:27017/?replicaSet=rs0}"
NODE_BIN="$(bash scripts/ensure-node.sh)"
export PATH="$NODE_BIN:$PATH"
# Which server this is (MongoDB or FerretDB, version, replica set), so a run's log says what it was run against.
node scripts/describe-mongo-server.js
bash scripts/ensure-conformance-venv.sh
# With arguments (spec paths or patterns), just those; jest ORs path patterns, so they replace the default.
if [ "$#" -gt 0 ]; then exec npx jest "$@"; fi
exec npx jest --testPathPatterns '\.(int-spec|e2e-spec)\.ts$'
