#!/usr/bin/env bash
# ElasticMQ, an SQS-compatible queue server, for the SQS activity-log adapter
# in development and CI. Downloaded once from Maven Central (the server jar and
# its dependencies, via maven-dependency-plugin) and run on Java 17.
#
#   scripts/services/elasticmq.sh up|down|status
#
# Environment (defaults in brackets):
#   ELASTICMQ_PORT           SQS port on 127.0.0.1 [9324]
#   ELASTICMQ_START_TIMEOUT  seconds `up` waits for the port [60]
#   STYLEGRAPH_CACHE         download cache [$HOME/.cache/stylegraph]
#   STYLEGRAPH_RUN_DIR       runtime state (config, log, pid) [<repo>/.run]
set -euo pipefail

ELASTICMQ_VERSION=1.7.1

log() { echo "[elasticmq] $*"; }
die() { echo "[elasticmq] ERROR: $*" >&2; exit 1; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"
# shellcheck source=maven.sh
source "$SCRIPT_DIR/maven.sh"
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE_BASE=${STYLEGRAPH_CACHE:-$HOME/.cache/stylegraph}
RUN_BASE=${STYLEGRAPH_RUN_DIR:-$REPO_ROOT/.run}
mkdir -p "$CACHE_BASE" "$RUN_BASE"
CACHE_DIR=$(cd "$CACHE_BASE" && pwd)/elasticmq/$ELASTICMQ_VERSION
RUN_DIR=$(cd "$RUN_BASE" && pwd)/elasticmq
LIB_DIR=$CACHE_DIR/lib
STAMP=$CACHE_DIR/.downloaded
PORT=${ELASTICMQ_PORT:-9324}
TIMEOUT=${ELASTICMQ_START_TIMEOUT:-60}
PID_FILE=$RUN_DIR/elasticmq.pid
LOG=$RUN_DIR/elasticmq.log

# answering: ElasticMQ replies to an SQS ListQueues query.
answering() {
  curl -s --max-time 2 "http://127.0.0.1:$PORT/?Action=ListQueues" 2>/dev/null | grep -q ListQueuesResponse
}

fetch() {
  [[ -f "$STAMP" && -d "$LIB_DIR" ]] && return 0
  mkdir -p "$CACHE_DIR"
  (
    flock 9
    [[ -f "$STAMP" && -d "$LIB_DIR" ]] && exit 0
    log "downloading ElasticMQ $ELASTICMQ_VERSION from Maven Central (one time) ..."
    maven_jars org.elasticmq elasticmq-server_2.13 "$ELASTICMQ_VERSION" "$CACHE_DIR" "$LIB_DIR"
    date -u +%FT%TZ >"$STAMP"
    log "downloaded $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1))"
  ) 9>"$CACHE_DIR/.lock"
}

up() {
  if answering; then log "already running on 127.0.0.1:$PORT"; return; fi
  command -v java >/dev/null || die "java not found (install a Java 17 runtime)"
  fetch
  mkdir -p "$RUN_DIR"
  # Queues live in memory: the SQS adapter creates the ones it needs.
  cat >"$RUN_DIR/elasticmq.conf" <<CONF
include classpath("application.conf")
node-address { protocol = http, host = "127.0.0.1", port = $PORT, context-path = "" }
rest-sqs { enabled = true, bind-port = $PORT, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
CONF
  nohup java -Xms32m -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dconfig.file="$RUN_DIR/elasticmq.conf" -cp "$LIB_DIR/*" org.elasticmq.server.Main \
    >"$LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_started
}

dispatch "$@"
