#!/usr/bin/env bash
# Lints api/openapi.yaml with Redocly and Spectral (versions pinned in
# tools/apilint/package-lock.json, installed from the npm registry on first
# use). Any warning fails: the contract is kept at zero.
# Usage: scripts/lint-api.sh   (make lint-api; part of make test)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/tools/apilint"
# A copy of the lock file marks an install of exactly these versions.
if ! cmp -s package-lock.json node_modules/.installed-lock.json 2>/dev/null; then
  echo "[lint-api] installing the pinned linters (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json node_modules/.installed-lock.json
fi
cd "$ROOT"
rc=0
echo "[lint-api] redocly"
# redocly exits 0 on warnings, so they are read from its summary.
out="$(tools/apilint/node_modules/.bin/redocly lint --config redocly.yaml --format=stylish 2>&1)" || rc=1
grep -v -e '^\s*$' -e 'Node.js' -e '║' -e '╔' -e '╚' <<<"$out" || true
if grep -Eq 'You have [0-9]+ warning|Validation failed' <<<"$out"; then rc=1; fi
echo "[lint-api] spectral"
tools/apilint/node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=warn api/openapi.yaml || rc=1
exit $rc
