#!/usr/bin/env bash
# A local Redis Cluster of three masters on loopback (no replicas), from the
# same Debian redis-server as scripts/services/redis.sh, so the Redis-backed
# code paths are tested the way they run on ElastiCache in cluster mode.
# Usage: scripts/services/redis-cluster.sh up|down|status
#
# Environment (defaults in brackets):
#   REDIS_CLUSTER_PORTS          the masters' ports on 127.0.0.1 [7001 7002 7003]
#   REDIS_CLUSTER_START_TIMEOUT  seconds `up` waits for cluster_state:ok [30]
#   STYLEGRAPH_RUN_DIR           runtime state [<repo>/.run]
# Point the service or the tests at it with
#   REDIS_ADDRS=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${STYLEGRAPH_RUN_DIR:-$ROOT/.run}/redis-cluster"
read -r -a PORTS <<<"${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
TIMEOUT="${REDIS_CLUSTER_START_TIMEOUT:-30}"

say() { echo "[redis-cluster] $*"; }
die() { echo "[redis-cluster] ERROR: $*" >&2; exit 1; }

[ ${#PORTS[@]} -ge 3 ] || die "a cluster needs at least 3 masters, REDIS_CLUSTER_PORTS has ${#PORTS[@]}"

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
ping() { cli "$1" ping 2>/dev/null | grep -q PONG; }
cluster_ok() { cli "${PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

up() {
  "$(dirname "${BASH_SOURCE[0]}")/redis.sh" install-only
  if cluster_ok; then say "already running on 127.0.0.1:${PORTS[*]}"; return; fi
  local p
  for p in "${PORTS[@]}"; do
    if ping "$p"; then continue; fi
    mkdir -p "$RUN_DIR/$p"
    # Each node keeps its cluster map in nodes.conf; appendonly as in redis.sh.
    redis-server --bind 127.0.0.1 --port "$p" --daemonize yes \
      --dir "$RUN_DIR/$p" --pidfile "$RUN_DIR/$p/redis.pid" --logfile "$RUN_DIR/$p/redis.log" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --appendonly yes --appendfsync everysec --save "" --lazyfree-lazy-expire yes --protected-mode yes >/dev/null
  done
  local t=0
  for p in "${PORTS[@]}"; do
    until ping "$p"; do
      sleep 0.2; t=$((t + 1))
      [ "$t" -le $((TIMEOUT * 5)) ] || { tail -n 30 "$RUN_DIR/$p/redis.log" >&2; die "node $p not answering after ${TIMEOUT}s"; }
    done
  done
  # A fresh set of nodes (each knows only itself) is joined and given the
  # slots once; nodes restarted from their nodes.conf rejoin on their own.
  if [ "$(cli "${PORTS[0]}" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')" = 1 ]; then
    local addrs=()
    for p in "${PORTS[@]}"; do addrs+=("127.0.0.1:$p"); done
    redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$RUN_DIR/create.log" 2>&1 ||
      { cat "$RUN_DIR/create.log" >&2; die "redis-cli --cluster create failed"; }
  fi
  t=0
  until cluster_ok; do
    sleep 0.2; t=$((t + 1))
    [ "$t" -le $((TIMEOUT * 5)) ] || { cli "${PORTS[0]}" cluster info >&2; die "cluster not ok after ${TIMEOUT}s"; }
  done
  say "ready on 127.0.0.1:${PORTS[*]}"
}

down() {
  local p pid stopped=0
  for p in "${PORTS[@]}"; do
    pid="$(cat "$RUN_DIR/$p/redis.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      cli "$p" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      stopped=1
    fi
    rm -f "$RUN_DIR/$p/redis.pid"
  done
  if [ "$stopped" = 1 ]; then say "stopped"; else say "not started by this script"; fi
}

status() { if cluster_ok; then say "up on 127.0.0.1:${PORTS[*]}"; else say "down"; return 1; fi; }

case "${1:-}" in
  up) up ;; down) down ;; status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
