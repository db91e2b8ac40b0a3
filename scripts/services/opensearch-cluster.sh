#!/usr/bin/env bash
# A local 2-node OpenSearch cluster on loopback, from the same natively
# assembled node as scripts/services/opensearch.sh, so the multi-node client
# (several OPENSEARCH_URL nodes) is tested against shards spread over two
# nodes and against a node that stops. Node 1 is cluster manager and data
# node; node 2 is a data node only, so stopping it leaves the cluster its
# manager and every shard a copy on node 1.
#
#   scripts/services/opensearch-cluster.sh up|down|status|stop-node N
#
# Environment (defaults in brackets):
#   OPENSEARCH_CLUSTER_PORTS  HTTP ports of node 1 and 2 [9211 9212]
#   OPENSEARCH_CLUSTER_TRANSPORT_PORTS  their transport ports [the HTTP ports + 100]
#   OPENSEARCH_CLUSTER_HEAP   heap per node [384m]
#   STYLEGRAPH_RUN_DIR        runtime state [<repo>/.run]; nodes in opensearch-cluster/n1, n2
# Point the service or the tests at it with
#   OPENSEARCH_URL=http://127.0.0.1:9211,http://127.0.0.1:9212
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DIR/../.." && pwd)"
RUN_BASE="${STYLEGRAPH_RUN_DIR:-$ROOT/.run}/opensearch-cluster"
read -r -a PORTS <<<"${OPENSEARCH_CLUSTER_PORTS:-9211 9212}"
[ ${#PORTS[@]} -eq 2 ] || { echo "[opensearch-cluster] ERROR: OPENSEARCH_CLUSTER_PORTS needs two ports" >&2; exit 1; }
read -r -a TPORTS <<<"${OPENSEARCH_CLUSTER_TRANSPORT_PORTS:-$((PORTS[0] + 100)) $((PORTS[1] + 100))}"
[ ${#TPORTS[@]} -eq 2 ] || { echo "[opensearch-cluster] ERROR: OPENSEARCH_CLUSTER_TRANSPORT_PORTS needs two ports" >&2; exit 1; }
HEAP="${OPENSEARCH_CLUSTER_HEAP:-384m}"
SEEDS="127.0.0.1:${TPORTS[0]},127.0.0.1:${TPORTS[1]}"

say() { echo "[opensearch-cluster] $*"; }

# node N ACTION: runs opensearch.sh for node N (1 or 2).
node() {
  local n=$1 roles=""
  [ "$n" = 2 ] && roles="data,ingest"
  mkdir -p "$RUN_BASE/n$n"
  STYLEGRAPH_RUN_DIR="$RUN_BASE/n$n" OPENSEARCH_PORT="${PORTS[$((n - 1))]}" \
    OPENSEARCH_TRANSPORT_PORT="${TPORTS[$((n - 1))]}" OPENSEARCH_HEAP="$HEAP" \
    OPENSEARCH_CLUSTER_NAME=stylegraph-pair OPENSEARCH_NODE_NAME="pair-$n" \
    OPENSEARCH_SEED_HOSTS="$SEEDS" OPENSEARCH_INITIAL_MANAGER_NODES=pair-1 OPENSEARCH_NODE_ROLES="$roles" \
    "$DIR/opensearch.sh" "$2"
}

case "${1:-}" in
  up)
    node 1 up
    node 2 up
    # Both nodes in one cluster before anyone relies on it.
    for _ in $(seq 1 60); do
      if curl -fsS "http://127.0.0.1:${PORTS[0]}/_cluster/health?wait_for_nodes=2&timeout=2s" 2>/dev/null | grep -q '"number_of_nodes":2'; then
        say "2 nodes up: OPENSEARCH_URL=http://127.0.0.1:${PORTS[0]},http://127.0.0.1:${PORTS[1]}"
        exit 0
      fi
      sleep 1
    done
    say "ERROR: the nodes did not form one cluster" >&2
    exit 1
    ;;
  down) node 2 down; node 1 down ;;
  status) node 1 status; node 2 status ;;
  stop-node)
    case "${2:-}" in 1|2) node "$2" down ;; *) echo "usage: $0 stop-node 1|2" >&2; exit 2 ;; esac ;;
  *) echo "usage: $0 up|down|status|stop-node N" >&2; exit 2 ;;
esac
