#!/usr/bin/env bash
# Redis 7 for stylegraph, from Debian packages, on 127.0.0.1.
# Usage: scripts/services/redis.sh up|down|status
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${STYLEGRAPH_RUN_DIR:-$ROOT/.run}/redis"
PORT="${REDIS_PORT:-6379}"
TIMEOUT="${REDIS_START_TIMEOUT:-30}"
PIDFILE="$RUN_DIR/redis.pid"
LOG="$RUN_DIR/redis.log"

say() { echo "[redis] $*"; }

ping() { redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

install() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return
  say "installing redis-server from Debian packages"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
}

up() {
  install
  if ping; then say "already running on 127.0.0.1:$PORT"; return; fi
  mkdir -p "$RUN_DIR"
  # Append-only file with fsync every second: an acknowledged event survives
  # a Redis restart. Expired keys (whole dedup buckets) are freed in the
  # background.
  redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes \
    --pidfile "$PIDFILE" --logfile "$LOG" --dir "$RUN_DIR" \
    --appendonly yes --appendfsync everysec --save "" --lazyfree-lazy-expire yes \
    --protected-mode yes >/dev/null
  local t=0
  until ping; do
    sleep 0.2; t=$((t + 1))
    if [ "$t" -gt $((TIMEOUT * 5)) ]; then
      say "not ready after ${TIMEOUT}s; last log lines:"; tail -n 50 "$LOG" 2>/dev/null || true; exit 1
    fi
  done
  say "ready on 127.0.0.1:$PORT"
}

down() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    redis-cli -h 127.0.0.1 -p "$PORT" shutdown >/dev/null 2>&1 || kill "$(cat "$PIDFILE")" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
    rm -f "$PIDFILE"; say "stopped"
  else
    say "not started by this script"
  fi
}

status() { if ping; then say "up on 127.0.0.1:$PORT"; else say "down"; return 1; fi; }

case "${1:-}" in
  up) up ;; down) down ;; status) status ;;
  install-only) install ;; # for redis-cluster.sh
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
