#!/usr/bin/env bash
# Run Neo4j 5.26 LTS Community natively (no Docker) from Maven Central jars.
#
#   scripts/services/neo4j.sh up       start (idempotent) and wait until an authenticated query works
#   scripts/services/neo4j.sh down     stop the instance this script started (pid file)
#   scripts/services/neo4j.sh status   exit 0 = running and answering, 1 = running but not answering, 3 = stopped
#   scripts/services/neo4j.sh reset    stop and delete the data directory (next `up` starts empty)
#
# Environment (defaults):
#   NEO4J_BOLT_PORT=7687         Bolt on 127.0.0.1
#   NEO4J_HTTP_PORT=7474         HTTP on 127.0.0.1 ("off" or 0 disables the HTTP connector)
#   NEO4J_USER=neo4j             a user other than neo4j is created on first start
#   NEO4J_PASSWORD=stylegraph-dev (Neo4j 5 requires at least 8 characters)
#   NEO4J_HEAP=768m              JVM heap (-Xms/-Xmx)
#   NEO4J_PAGECACHE=256m         page cache size
#   NEO4J_START_TIMEOUT=120      seconds `up` waits for readiness
#   NEO4J_JAVA_OPTS=             extra JVM options appended to the server command line
#   NEO4J_CDS=1                  use a class-data-sharing archive (made on the first clean `down`) to start faster
#   STYLEGRAPH_CACHE=$HOME/.cache/stylegraph   downloaded jars (second start needs no network)
#   STYLEGRAPH_RUN_DIR=<repo>/.run             runtime state: <dir>/neo4j/{conf,data,logs,...}
set -euo pipefail

NEO4J_VERSION=5.26.30

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
# shellcheck source=maven.sh
source "$SCRIPT_DIR/maven.sh"

BOLT_PORT=${NEO4J_BOLT_PORT:-7687}
HTTP_PORT=${NEO4J_HTTP_PORT:-7474}
NEO_USER=${NEO4J_USER:-neo4j}
NEO_PASSWORD=${NEO4J_PASSWORD:-stylegraph-dev}
HEAP=${NEO4J_HEAP:-768m}
PAGECACHE=${NEO4J_PAGECACHE:-256m}
START_TIMEOUT=${NEO4J_START_TIMEOUT:-120}
USE_CDS=${NEO4J_CDS:-1}

CACHE_ROOT=${STYLEGRAPH_CACHE:-$HOME/.cache/stylegraph}
CACHE_DIR=$CACHE_ROOT/neo4j/$NEO4J_VERSION
LIB_DIR=$CACHE_DIR/lib
STAMP=$CACHE_DIR/.fetched
RUN_ROOT=${STYLEGRAPH_RUN_DIR:-$REPO_ROOT/.run}
mkdir -p "$RUN_ROOT"
RUN_ROOT=$(cd "$RUN_ROOT" && pwd)
RUN_DIR=$RUN_ROOT/neo4j
CONF_DIR=$RUN_DIR/conf
DATA_DIR=$RUN_DIR/data
LOG_DIR=$RUN_DIR/logs
PID_FILE=$RUN_DIR/neo4j.pid
CDS_TMP=$RUN_DIR/cds-dump.jsa
MAIN_CLASS=org.neo4j.server.CommunityEntryPoint

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA=$JAVA_HOME/bin/java
  JAVAC=$JAVA_HOME/bin/javac
else
  JAVA=$(command -v java || true)
  JAVAC=$(command -v javac || true)
fi

log() { echo "[neo4j] $*"; }
die() { echo "[neo4j] ERROR: $*" >&2; exit 1; }

case "$HTTP_PORT" in off | OFF | 0 | "") HTTP_ENABLED=false ;; *) HTTP_ENABLED=true ;; esac
[[ ${#NEO_PASSWORD} -ge 8 ]] || die "NEO4J_PASSWORD must be at least 8 characters (Neo4j 5 policy)"

# ---------------------------------------------------------------- install ---

fetch_jars() {
  [[ -f "$STAMP" && -d "$LIB_DIR" ]] && return 0
  mkdir -p "$CACHE_DIR"
  (
    flock 9
    [[ -f "$STAMP" && -d "$LIB_DIR" ]] && exit 0
    log "downloading Neo4j $NEO4J_VERSION jars from Maven Central (one time) ..."
    maven_jars org.neo4j neo4j "$NEO4J_VERSION" "$CACHE_DIR" "$LIB_DIR"
    # Explicit, sorted class path: stable across runs (needed for the CDS archive).
    find "$LIB_DIR" -maxdepth 1 -name '*.jar' | LC_ALL=C sort | paste -sd: - >"$CACHE_DIR/classpath"
    date -u +%FT%TZ >"$STAMP"
    log "downloaded $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1))"
  ) 9>"$CACHE_DIR/.lock"
}

classpath() { cat "$CACHE_DIR/classpath"; }

# Tiny Bolt client (scripts/services/neo4j/BoltQuery.java) compiled against the Java driver that
# comes with the server's dependency set. Keyed by the source hash so edits recompile.
TOOL_DIR=
build_tool() {
  local src=$SCRIPT_DIR/neo4j/BoltQuery.java sum
  [[ -f "$src" ]] || die "missing $src"
  sum=$(sha256sum "$src" | cut -c1-16)
  TOOL_DIR=$CACHE_DIR/tools/$sum
  [[ -f "$TOOL_DIR/BoltQuery.class" ]] && return 0
  [[ -n "$JAVAC" && -x "$JAVAC" ]] || die "javac not found (install a Java 17 JDK, e.g. openjdk-17-jdk-headless)"
  rm -rf "$TOOL_DIR.tmp" && mkdir -p "$TOOL_DIR.tmp"
  "$JAVAC" -nowarn -encoding UTF-8 -d "$TOOL_DIR.tmp" -cp "$(classpath)" "$src" >"$CACHE_DIR/javac.log" 2>&1 ||
    { cat "$CACHE_DIR/javac.log" >&2; die "compiling BoltQuery.java failed"; }
  rm -rf "$TOOL_DIR" && mv "$TOOL_DIR.tmp" "$TOOL_DIR"
}

# bolt_query [--db NAME] USER PASSWORD QUERY [K=V ...]; exit 0 ok, 2 auth failure, 3 unavailable, 1 other
bolt_query() {
  local opts=(--quiet)
  if [[ "${1:-}" == --db ]]; then opts+=(--db "$2"); shift 2; fi
  "$JAVA" -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmx64m \
    -cp "$TOOL_DIR:$(classpath)" BoltQuery "${opts[@]}" "bolt://127.0.0.1:$BOLT_PORT" "$@"
}

# -------------------------------------------------------------- process ----

our_pid() { # prints the pid if the pid file points at a live Neo4j started from this run dir
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  [[ "$cmd" == *"$MAIN_CLASS"* && "$cmd" == *"--config-dir=$CONF_DIR"* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_conf() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR/plugins" "$RUN_DIR/import" "$RUN_DIR/run"
  cat >"$CONF_DIR/neo4j.conf.tmp" <<EOF
# Generated by scripts/services/neo4j.sh on every 'up' -- edits are overwritten.
server.directories.data=$DATA_DIR
server.directories.logs=$LOG_DIR
server.directories.plugins=$RUN_DIR/plugins
server.directories.import=$RUN_DIR/import
server.directories.run=$RUN_DIR/run

server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$BOLT_PORT
server.bolt.advertised_address=127.0.0.1:$BOLT_PORT
server.bolt.tls_level=DISABLED
server.http.enabled=$HTTP_ENABLED
server.https.enabled=false
EOF
  if [[ $HTTP_ENABLED == true ]]; then
    cat >>"$CONF_DIR/neo4j.conf.tmp" <<EOF
server.http.listen_address=127.0.0.1:$HTTP_PORT
server.http.advertised_address=127.0.0.1:$HTTP_PORT
EOF
  fi
  cat >>"$CONF_DIR/neo4j.conf.tmp" <<EOF

dbms.security.auth_enabled=true
# Wrong-password tests must not lock the real user out (default: 3 attempts -> 5s lock).
dbms.security.auth_max_failed_attempts=0

server.memory.heap.initial_size=$HEAP
server.memory.heap.max_size=$HEAP
server.memory.pagecache.size=$PAGECACHE

dbms.usage_report.enabled=false
# Dev/test instance: don't preallocate 256MB transaction log files; keep log retention small.
db.tx_log.preallocate=false
db.tx_log.rotation.retention_policy=100M size
# Bolt's netty event loops otherwise idle 5s each (x2 connectors) before a clean shutdown.
internal.dbms.bolt.netty_server_shutdown_quiet_period=0
EOF
  mv "$CONF_DIR/neo4j.conf.tmp" "$CONF_DIR/neo4j.conf"
}

cds_archive() { # path of the CDS archive for this JVM + class path
  local key
  key=$({ "$JAVA" -version 2>&1; readlink -f "$JAVA"; classpath; } | sha256sum | cut -c1-16)
  echo "$CACHE_DIR/cds/neo4j-$key.jsa"
}

set_initial_password() {
  # Only effective before the first start: writes data/dbms/auth.ini, consumed when the system db is created.
  NEO4J_HOME=$RUN_DIR NEO4J_CONF=$CONF_DIR "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m \
    -cp "$(classpath)" org.neo4j.cli.AdminTool dbms set-initial-password "$NEO_PASSWORD" \
    >"$LOG_DIR/set-initial-password.log" 2>&1 ||
    { cat "$LOG_DIR/set-initial-password.log" >&2; die "set-initial-password failed"; }
}

show_logs() {
  echo "[neo4j] ---- last 50 lines of $LOG_DIR/neo4j.log ----" >&2
  tail -n 50 "$LOG_DIR/neo4j.log" >&2 2>/dev/null || true
  if [[ -s "$LOG_DIR/console.log" ]]; then
    echo "[neo4j] ---- last 20 lines of $LOG_DIR/console.log ----" >&2
    tail -n 20 "$LOG_DIR/console.log" >&2
  fi
}

# wait_ready PID LOG_START_LINE USER: until an authenticated Bolt query succeeds.
# Returns 0 ready, 2 authentication refused, 4 timed out, 5 process exited.
wait_ready() {
  local pid=$1 from=$2 user=$3 deadline=$((SECONDS + START_TIMEOUT)) rc started
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 5
    if port_open "$BOLT_PORT"; then
      started=false
      tail -n "+$from" "$LOG_DIR/neo4j.log" 2>/dev/null | grep -q 'INFO  Started\.' && started=true
      rc=0
      bolt_query "$user" "$NEO_PASSWORD" 'RETURN 1' 2>"$RUN_DIR/check.err" || rc=$?
      [[ $rc == 0 ]] && return 0
      [[ $rc == 2 && $started == true ]] && return 2
    fi
    sleep 0.5
  done
  return 4
}

# ready_or_die RC PID STOP(true|false): turn a wait_ready failure into a message and a non-zero exit.
ready_or_die() {
  local rc=$1 pid=$2 stop=$3 msg
  [[ $rc == 0 ]] && return 0
  case $rc in
    2) cat "$RUN_DIR/check.err" >&2 2>/dev/null || true
      msg="authentication as '$NEO_USER' failed: the data dir was initialised with another password; set NEO4J_PASSWORD back or run '$0 reset'" ;;
    4) show_logs; msg="not ready after ${START_TIMEOUT}s (NEO4J_START_TIMEOUT)" ;;
    5) show_logs; msg="Neo4j exited during startup" ;;
    *) msg="readiness check failed ($rc)" ;;
  esac
  if [[ $stop == true ]]; then
    rm -f "$CDS_TMP.target" # never keep a class archive recorded by a failed start
    kill -0 "$pid" 2>/dev/null && stop_pid "$pid"
  fi
  [[ $rc == 5 ]] && rm -f "$PID_FILE" "$CDS_TMP"
  die "$msg"
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 1200; i++)); do # up to 120s (the first stop may also write the CDS archive)
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 120s, sending SIGKILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    rm -f "$CDS_TMP"
  fi
  rm -f "$PID_FILE"
  if [[ -s "$CDS_TMP" && -s "$CDS_TMP.target" ]]; then
    local archive
    archive=$(cat "$CDS_TMP.target")
    mkdir -p "$(dirname "$archive")" &&
      mv -f "$CDS_TMP" "$archive" && log "saved class-data-sharing archive (faster starts from now on)"
  fi
  rm -f "$CDS_TMP" "$CDS_TMP.target"
}

# --------------------------------------------------------------- commands --

cmd_up() {
  [[ -n "$JAVA" && -x "$JAVA" ]] || die "java not found (Java 17 or 21 required)"
  local pid started_at=$SECONDS rc
  if pid=$(our_pid); then
    build_tool
    rc=0
    wait_ready "$pid" 1 "$NEO_USER" || rc=$?
    ready_or_die "$rc" "$pid" false
    log "already running (pid $pid), bolt://127.0.0.1:$BOLT_PORT"
    return 0
  fi
  rm -f "$PID_FILE"

  fetch_jars
  build_tool
  if port_open "$BOLT_PORT"; then
    # Another checkout's (or the system's) Neo4j may already serve this port:
    # use it when it accepts our credentials, as the other services do.
    if bolt_query "$NEO_USER" "$NEO_PASSWORD" 'RETURN 1' >/dev/null 2>&1; then
      log "port $BOLT_PORT already serves a Neo4j not started by this script (credentials accepted); leaving it alone"
      return 0
    fi
    die "port $BOLT_PORT is already in use by another process (set NEO4J_BOLT_PORT)"
  fi
  if [[ $HTTP_ENABLED == true ]] && port_open "$HTTP_PORT"; then
    die "port $HTTP_PORT is already in use by another process (set NEO4J_HTTP_PORT, or NEO4J_HTTP_PORT=off)"
  fi

  write_conf
  if [[ ! -d "$DATA_DIR/databases/system" ]]; then
    rm -f "$DATA_DIR/dbms/auth.ini"
    set_initial_password
  fi

  local jvm_opts=(
    "-Xms$HEAP" "-Xmx$HEAP"
    -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError
    -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC
    -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
    -Djdk.tls.ephemeralDHKeySize=2048 -Djdk.tls.rejectClientInitiatedRenegotiation=true
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8
  )
  # Class-data sharing: the first run records the loaded classes when it exits cleanly (`down`),
  # later runs map that archive (roughly halves the JVM part of the start time).
  rm -f "$CDS_TMP" "$CDS_TMP.target"
  if [[ $USE_CDS == 1 ]]; then
    local archive
    archive=$(cds_archive)
    if [[ -s "$archive" ]]; then
      jvm_opts+=("-XX:SharedArchiveFile=$archive" -Xshare:auto)
    else
      echo "$archive" >"$CDS_TMP.target"
      jvm_opts+=("-XX:ArchiveClassesAtExit=$CDS_TMP")
    fi
  fi
  # shellcheck disable=SC2206
  [[ -n "${NEO4J_JAVA_OPTS:-}" ]] && jvm_opts+=(${NEO4J_JAVA_OPTS})

  local log_from=1
  [[ -f "$LOG_DIR/neo4j.log" ]] && log_from=$(($(wc -l <"$LOG_DIR/neo4j.log") + 1))
  log "starting Neo4j $NEO4J_VERSION (bolt 127.0.0.1:$BOLT_PORT$([[ $HTTP_ENABLED == true ]] && echo ", http 127.0.0.1:$HTTP_PORT"), heap $HEAP)"
  cd "$RUN_DIR"
  setsid "$JAVA" "${jvm_opts[@]}" -cp "$(classpath):$RUN_DIR/plugins/*" "$MAIN_CLASS" \
    "--home-dir=$RUN_DIR" "--config-dir=$CONF_DIR" </dev/null >"$LOG_DIR/console.log" 2>&1 8>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  cd - >/dev/null

  rc=0
  wait_ready "$pid" "$log_from" "$NEO_USER" || rc=$?
  if [[ $rc == 2 && "$NEO_USER" != neo4j ]]; then
    # set-initial-password only covers the built-in 'neo4j' user: create the configured one through it.
    log "creating user '$NEO_USER'"
    rc=0
    # shellcheck disable=SC2016 # $u/$p are Cypher parameters
    bolt_query --db system neo4j "$NEO_PASSWORD" \
      'CREATE USER $u IF NOT EXISTS SET PASSWORD $p CHANGE NOT REQUIRED' "u=$NEO_USER" "p=$NEO_PASSWORD" || rc=$?
    if [[ $rc == 0 ]]; then
      bolt_query "$NEO_USER" "$NEO_PASSWORD" 'RETURN 1' || rc=$?
    fi
  fi
  ready_or_die "$rc" "$pid" true
  log "ready in $((SECONDS - started_at))s (pid $pid): bolt://127.0.0.1:$BOLT_PORT user=$NEO_USER"
}

cmd_down() {
  local pid
  if pid=$(our_pid); then
    log "stopping (pid $pid) ..."
    stop_pid "$pid"
    log "stopped"
  else
    [[ -f "$PID_FILE" ]] && { rm -f "$PID_FILE"; log "removed stale pid file"; }
    log "not running"
  fi
}

cmd_status() {
  local pid
  if ! pid=$(our_pid); then
    log "stopped"
    return 3
  fi
  build_tool
  if bolt_query "$NEO_USER" "$NEO_PASSWORD" 'RETURN 1' 2>/dev/null; then
    log "running (pid $pid), bolt://127.0.0.1:$BOLT_PORT$([[ $HTTP_ENABLED == true ]] && echo ", http://127.0.0.1:$HTTP_PORT")"
    return 0
  fi
  log "running (pid $pid) but not answering authenticated Bolt queries"
  return 1
}

cmd_reset() {
  cmd_down
  rm -rf "$DATA_DIR"
  log "data directory removed ($DATA_DIR)"
}

with_lock() {
  mkdir -p "$RUN_DIR"
  exec 8>"$RUN_DIR/.lock"
  flock 8
  "$@"
}

case "${1:-}" in
  up) with_lock cmd_up ;;
  down) with_lock cmd_down ;;
  status) cmd_status ;;
  reset) with_lock cmd_reset ;;
  *)
    echo "usage: $0 up|down|status|reset" >&2
    exit 64
    ;;
esac
