#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI contract with Schemathesis
# (from PyPI), once per role: no response may be a 5xx or break the schema.
# Usage: scripts/fuzz-api.sh   (make test-fuzz; starts services and a server)
#   FUZZ_MAX_EXAMPLES (30) and FUZZ_PHASES (examples,coverage,fuzzing) set the
#   budget; make test-contract, run by CI, uses 5 and examples,fuzzing.
#   FUZZ_SEED fixes the generated cases (make test-contract pins one, so a CI
#   failure reproduces with the same command); unset, every run draws anew.
# The live feed stream never ends, so it is left out (its tests are in Go).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CACHE="${STYLEGRAPH_CACHE:-$HOME/.cache/stylegraph}"
VENV="$CACHE/schemathesis-venv"
ST_VERSION=4.32.5
PORT="${FUZZ_PORT:-18080}"
EXAMPLES="${FUZZ_MAX_EXAMPLES:-30}"
PHASES="${FUZZ_PHASES:-examples,coverage,fuzzing}"
SEED_ARGS=()
if [ -n "${FUZZ_SEED:-}" ]; then SEED_ARGS=(--seed "$FUZZ_SEED" --generation-deterministic); fi

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  echo "[fuzz] installing schemathesis $ST_VERSION into $VENV"
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "[fuzz] installing python3-venv from Debian packages"
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
  fi
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$ST_VERSION"
fi

scripts/services.sh up
go build -o bin/stylegraph ./cmd/stylegraph

# A Neo4j of the run's own, started empty on FUZZ_NEO4J_PORT (17687) and
# removed at the end: fuzzing writes, follows and erases users, and the
# insights' whole-graph reports must not slow with whatever the shared graph
# holds, so the same seed meets the same graph every time. FUZZ_OWN_NEO4J=0
# uses the shared one.
NEO_DOWN=:
if [ "${FUZZ_OWN_NEO4J:-1}" = 1 ]; then
  neo() { STYLEGRAPH_RUN_DIR="$ROOT/.run/fuzz" NEO4J_BOLT_PORT="${FUZZ_NEO4J_PORT:-17687}" NEO4J_HTTP_PORT=off \
    NEO4J_HEAP=512m NEO4J_PAGECACHE=128m scripts/services/neo4j.sh "$@"; }
  neo reset >/dev/null
  NEO_DOWN='neo reset >/dev/null'
  trap 'eval "$NEO_DOWN"' EXIT
  neo up
  export NEO4J_URI="bolt://127.0.0.1:${FUZZ_NEO4J_PORT:-17687}"
fi
export HTTP_ADDR="127.0.0.1:$PORT" SEARCH_INDEX_PREFIX="${SEARCH_INDEX_PREFIX:-fuzz}" FEED_KEY_PREFIX="${FEED_KEY_PREFIX:-fuzz:feed:}" RATE_LIMIT_PER_USER=0 RATE_LIMIT_PER_IP=0 AUDIT_DIR=off
# This checks the contract, not latency (the chaos suite checks the budgets):
# roomy budgets keep a loaded machine's slow Neo4j from turning into 503s.
export REQUEST_BUDGET="${REQUEST_BUDGET:-15s}" REQUEST_BUDGET_WRITE="${REQUEST_BUDGET_WRITE:-15s}" REQUEST_BUDGET_ADMIN="${REQUEST_BUDGET_ADMIN:-30s}"
bin/stylegraph migrate >/dev/null
bin/stylegraph seed --users 50 --products 200 >/dev/null
mkdir -p .run
bin/stylegraph serve > .run/fuzz-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; eval "$NEO_DOWN"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

rc=0
for role in shopper merchandiser admin service; do
  if [ "$role" = service ]; then
    header="X-API-Key: ${FUZZ_API_KEY:-dev-service-key}"
  else
    header="Authorization: Bearer $(bin/stylegraph token --sub 3 --role "$role" --ttl 1h)"
  fi
  echo "[fuzz] role $role${FUZZ_SEED:+ (seed $FUZZ_SEED)}"
  "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/openapi.yaml" \
    -H "$header" --checks not_a_server_error,response_schema_conformance,status_code_conformance \
    --max-examples "$EXAMPLES" --phases "$PHASES" "${SEED_ARGS[@]}" --workers 2 --request-timeout 30 \
    --exclude-path /metrics --exclude-path /v1/feed/stream --suppress-health-check all || rc=1
done
if grep -q '"level":"ERROR"' .run/fuzz-server.log; then
  echo "[fuzz] the server logged errors:"; grep '"level":"ERROR"' .run/fuzz-server.log | head -20; rc=1
fi
exit $rc
