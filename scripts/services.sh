#!/usr/bin/env bash
# Starts, stops or reports the local services stylegraph needs, natively (no
# Docker): Redis from Debian packages, Neo4j, OpenSearch and ElasticMQ (SQS)
# from Maven Central, and an S3-compatible server built from this repository.
# Usage: scripts/services.sh up|down|status [service ...]
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmd="${1:-up}"; shift || true
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(${STYLEGRAPH_SERVICES:-redis neo4j opensearch s3 elasticmq})

case "$cmd" in
  up)
    # Start in parallel (the JVMs dominate), then report each one's outcome.
    declare -A pids
    for s in "${services[@]}"; do "$DIR/services/$s.sh" up & pids[$s]=$!; done
    failed=()
    for s in "${services[@]}"; do wait "${pids[$s]}" || failed+=("$s"); done
    if [ ${#failed[@]} -gt 0 ]; then echo "services failed to start: ${failed[*]}" >&2; exit 1; fi
    ;;
  down)
    for s in "${services[@]}"; do "$DIR/services/$s.sh" down || true; done ;;
  status)
    rc=0; for s in "${services[@]}"; do "$DIR/services/$s.sh" status || rc=1; done; exit $rc ;;
  *) echo "usage: $0 up|down|status [service ...]" >&2; exit 2 ;;
esac
