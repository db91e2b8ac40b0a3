#!/usr/bin/env bash
# A local S3-compatible server (cmd/s3local, built from this repository with
# Go) for the event archive in development and CI. Objects live in memory
# (tests create and remove their own buckets); set S3_DATA_DIR to keep them
# as files instead.
#
#   scripts/services/s3.sh up|down|status
#
# Environment (defaults in brackets):
#   S3_PORT             port on 127.0.0.1 [9000]
#   S3_START_TIMEOUT    seconds `up` waits for the port [30]
#   S3_DATA_DIR         folder for buckets and objects [memory]
#   STYLEGRAPH_RUN_DIR  runtime state (binary, data, log, pid) [<repo>/.run]
set -euo pipefail

log() { echo "[s3] $*"; }
die() { echo "[s3] ERROR: $*" >&2; exit 1; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
RUN_BASE=${STYLEGRAPH_RUN_DIR:-$REPO_ROOT/.run}
mkdir -p "$RUN_BASE"
RUN_DIR=$(cd "$RUN_BASE" && pwd)/s3
PORT=${S3_PORT:-9000}
TIMEOUT=${S3_START_TIMEOUT:-30}
PID_FILE=$RUN_DIR/s3local.pid
LOG=$RUN_DIR/s3local.log
BIN=$RUN_DIR/s3local

# answering: an S3 server lists buckets (anonymous requests are accepted).
answering() {
  curl -s --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null | grep -q ListAllMyBucketsResult
}

up() {
  if answering; then log "already running on 127.0.0.1:$PORT"; return; fi
  command -v go >/dev/null || die "go not found"
  mkdir -p "$RUN_DIR"
  (cd "$REPO_ROOT" && go build -o "$BIN" ./cmd/s3local) || die "building cmd/s3local failed"
  nohup "$BIN" -addr "127.0.0.1:$PORT" -dir "${S3_DATA_DIR:-}" >"$LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_started
}

dispatch "$@"
