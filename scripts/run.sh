#!/usr/bin/env bash
# Runs the nearline worker in the background and the API in the foreground;
# stopping the API (Ctrl-C) stops the worker too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/bin/stylegraph"
mkdir -p "$ROOT/.run"
"$BIN" worker 2>>"$ROOT/.run/worker.log" &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null || true' EXIT INT TERM
echo "worker running (pid $WORKER, logs in .run/worker.log)"
"$BIN" serve --skip-migrate
