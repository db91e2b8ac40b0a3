#!/usr/bin/env bash
# Run a single-node OpenSearch 2.19.x for local development and CI, assembled
# natively (no Docker) from artifacts on Maven Central and run on Java 11+.
#
#   scripts/services/opensearch.sh up|down|status
#
# The published integ-test-zip distribution only carries the server and the
# transport-netty4 module, so the core modules this project needs
# (analysis-common, mapper-extras, lang-painless, reindex) are fetched as
# separate jars and laid out as modules/<name>/ with their own
# plugin-descriptor.properties (and plugin-security.policy where the module
# needs extra permissions).
#
# Environment (defaults in brackets):
#   OPENSEARCH_PORT           HTTP port [9200]
#   OPENSEARCH_TRANSPORT_PORT transport port [9300]
#   OPENSEARCH_HEAP           JVM heap, at most 1g [512m]
#   OPENSEARCH_START_TIMEOUT  seconds `up` waits for yellow health [120]
#   OPENSEARCH_RUN_USER       unprivileged user used when invoked as root [opensearch]
#   OPENSEARCH_CLUSTER_NAME   cluster name [stylegraph]
#   OPENSEARCH_NODE_NAME      node name [<cluster>-node]
#   OPENSEARCH_SEED_HOSTS     other nodes' transport addresses, comma-separated;
#                             empty: a single-node cluster [empty]
#   OPENSEARCH_INITIAL_MANAGER_NODES  names of the first cluster managers [the node]
#   OPENSEARCH_NODE_ROLES     node.roles, comma-separated (e.g. data,ingest) [all]
# (scripts/services/opensearch-cluster.sh uses the last four for a 2-node cluster.)
#   OPENSEARCH_JAVA_HOME / JAVA_HOME  Java to run with [java on PATH]
#   STYLEGRAPH_CACHE          download/assembly cache [$HOME/.cache/stylegraph]
#   STYLEGRAPH_RUN_DIR        runtime state (data, logs, pid) [<repo>/.run]
#
# Layout: the assembled node lives in $STYLEGRAPH_CACHE/opensearch/opensearch-<ver>
# (a stamp file skips re-assembly, so later starts need no network); each run
# dir gets a hard-linked mirror of it (<run>/opensearch/node) next to data/,
# logs/, config/ (regenerated on every start), tmp/ and opensearch.pid.
#
# OpenSearch refuses to run as root: when invoked as root the node runs as
# OPENSEARCH_RUN_USER (created as a system user if missing) via setpriv. Only
# the run dir's writable parts are chowned to it; if a parent of the run dir
# is not traversable for that user (e.g. a repo below /root), o+x is added to
# that parent. Running from the mirror means the cache itself (typically in
# /root/.cache, below a mode-700 /root) never needs to be reachable.
set -euo pipefail

OS_VERSION=2.19.6
# Bump when the assembly recipe below changes, so cached nodes are rebuilt.
ASSEMBLY_REV=1

log() { printf '[opensearch] %s\n' "$*"; }
die() { printf '[opensearch] ERROR: %s\n' "$*" >&2; exit 1; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)

: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE_BASE=${STYLEGRAPH_CACHE:-$HOME/.cache/stylegraph}
RUN_BASE=${STYLEGRAPH_RUN_DIR:-$REPO_ROOT/.run}
mkdir -p "$CACHE_BASE" "$RUN_BASE"
CACHE_DIR=$(cd "$CACHE_BASE" && pwd)/opensearch
RUN_DIR=$(cd "$RUN_BASE" && pwd)/opensearch

NODE_HOME=$CACHE_DIR/opensearch-$OS_VERSION
STAMP=$NODE_HOME/.stylegraph-assembled
# The node runs from a hard-linked mirror of NODE_HOME inside the run dir, so
# an unprivileged user can run it even when the cache sits below a private
# directory such as /root (mode 700).
RUN_HOME=$RUN_DIR/node
DATA_DIR=$RUN_DIR/data
LOG_DIR=$RUN_DIR/logs
CONF_DIR=$RUN_DIR/config
TMP_DIR=$RUN_DIR/tmp
PID_FILE=$RUN_DIR/opensearch.pid
STARTUP_LOG=$LOG_DIR/startup.log
CLUSTER_NAME=${OPENSEARCH_CLUSTER_NAME:-stylegraph}
NODE_NAME=${OPENSEARCH_NODE_NAME:-$CLUSTER_NAME-node}
SEED_HOSTS=${OPENSEARCH_SEED_HOSTS:-}
MANAGER_NODES=${OPENSEARCH_INITIAL_MANAGER_NODES:-$NODE_NAME}
NODE_ROLES=${OPENSEARCH_NODE_ROLES:-}
MAIN_LOG=$LOG_DIR/$CLUSTER_NAME.log

PORT=${OPENSEARCH_PORT:-9200}
TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-9300}
HEAP=${OPENSEARCH_HEAP:-512m}
START_TIMEOUT=${OPENSEARCH_START_TIMEOUT:-120}
RUN_USER=${OPENSEARCH_RUN_USER:-opensearch}
BASE_URL=http://127.0.0.1:$PORT

[[ $PORT =~ ^[0-9]+$ ]] || die "OPENSEARCH_PORT must be a number, got '$PORT'"
[[ $TRANSPORT_PORT =~ ^[0-9]+$ ]] || die "OPENSEARCH_TRANSPORT_PORT must be a number, got '$TRANSPORT_PORT'"
[[ $START_TIMEOUT =~ ^[0-9]+$ ]] || die "OPENSEARCH_START_TIMEOUT must be a number of seconds, got '$START_TIMEOUT'"

# ---------------------------------------------------------------- HTTP helper
# http_get PATH [MAX_SECONDS] -> prints "<status>\n<body>"; returns non-zero
# when nothing answers. Uses curl, else wget, else bash's /dev/tcp.
http_get() {
  local path=$1 max=${2:-5} out code
  if command -v curl >/dev/null 2>&1; then
    out=$(curl -sS -m "$max" -w '\n%{http_code}' "$BASE_URL$path" 2>/dev/null) || return 1
    code=${out##*$'\n'}
    [[ $code =~ ^[1-5][0-9][0-9]$ ]] || return 1
    printf '%s\n%s' "$code" "${out%$'\n'*}"
  elif command -v wget >/dev/null 2>&1; then
    out=$(wget -q -S -O - -T "$max" --content-on-error "$BASE_URL$path" 2>&1) || true
    code=$(printf '%s\n' "$out" | sed -n 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' | tail -n1)
    [[ -n $code ]] || return 1
    printf '%s\n%s' "$code" "$(printf '%s\n' "$out" | grep -v '^  ')"
  else
    local resp
    resp=$(timeout "$max" bash -c '
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$2" >&3
      cat <&3' _ "$PORT" "$path" 2>/dev/null) || return 1
    code=$(printf '%s\n' "$resp" | head -n1 | sed -n 's/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p')
    [[ -n $code ]] || return 1
    printf '%s\n%s' "$code" "${resp#*$'\r\n\r\n'}"
  fi
}

port_answers() { http_get / 2 >/dev/null; }

is_ready() {
  local r
  r=$(http_get "/_cluster/health?wait_for_status=yellow&timeout=${1:-1}s" $(( ${1:-1} + 5 ))) || return 1
  [[ ${r%%$'\n'*} == 200 ]]
}

# ----------------------------------------------------------- process helpers
read_pid() { [[ -f $PID_FILE ]] && tr -dc '0-9' <"$PID_FILE"; }

# Alive and not a zombie (a node that died during `up` is our unreaped child).
proc_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# Our process: alive and its command line refers to our node home.
pid_is_ours() {
  local pid=$1
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$RUN_HOME"
}

running_pid() {
  local pid
  pid=$(read_pid) || return 1
  pid_is_ours "$pid" || return 1
  printf '%s' "$pid"
}

show_logs() {
  local f
  for f in "$STARTUP_LOG" "$MAIN_LOG"; do
    if [[ -s $f ]]; then
      printf '[opensearch] ---- last 50 lines of %s ----\n' "$f" >&2
      tail -n 50 "$f" >&2
    fi
  done
}

# ------------------------------------------------------------------- java
find_java_home() {
  local jh=${OPENSEARCH_JAVA_HOME:-${JAVA_HOME:-}}
  if [[ -z $jh ]]; then
    local j
    j=$(command -v java 2>/dev/null) || die "java not found: install Java 17 (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
    j=$(readlink -f "$j")
    jh=$(dirname "$(dirname "$j")")
  fi
  [[ -x $jh/bin/java ]] || die "no java at $jh/bin/java (check OPENSEARCH_JAVA_HOME / JAVA_HOME)"
  local v
  v=$("$jh/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [[ -n $v && $v -ge 11 ]] || die "OpenSearch $OS_VERSION needs Java 11 or newer; $jh/bin/java is '${v:-unknown}'"
  printf '%s' "$jh"
}

# ------------------------------------------------------------------- heap
heap_setting() {
  [[ $HEAP =~ ^([0-9]+)([kKmMgG]?)$ ]] || die "OPENSEARCH_HEAP must look like 512m or 1g, got '$HEAP'"
  local n=${BASH_REMATCH[1]} u=${BASH_REMATCH[2]} mb
  case $u in
    k|K) mb=$(( n / 1024 )) ;;
    g|G) mb=$(( n * 1024 )) ;;
    m|M) mb=$n ;;
    '') mb=$(( n / 1024 / 1024 )) ;;
  esac
  if (( mb > 1024 )); then
    log "OPENSEARCH_HEAP=$HEAP is above the 1g limit; using 1g" >&2
    mb=1024
  fi
  (( mb >= 128 )) || die "OPENSEARCH_HEAP=$HEAP is too small (minimum 128m)"
  printf '%sm' "$mb"
}

# --------------------------------------------------------------- assembly
# Module layout: artifact coordinates (groupId:artifactId:version) per module
# folder. Versions of third-party jars are the ones the 2.19.6 module POMs
# declare. Jars already in the server's lib/ (opensearch-common, reactor-core,
# reactive-streams, ...) must not be repeated here (jar hell).
module_artifacts() {
  cat <<EOF
lang-painless org.opensearch.plugin:lang-painless:$OS_VERSION
lang-painless org.opensearch.plugin:opensearch-scripting-painless-spi:$OS_VERSION
lang-painless org.antlr:antlr4-runtime:4.13.1
lang-painless org.ow2.asm:asm:9.7
lang-painless org.ow2.asm:asm-analysis:9.7
lang-painless org.ow2.asm:asm-commons:9.7
lang-painless org.ow2.asm:asm-tree:9.7
lang-painless org.ow2.asm:asm-util:9.7
analysis-common org.opensearch.plugin:analysis-common:$OS_VERSION
mapper-extras org.opensearch.plugin:mapper-extras-client:$OS_VERSION
reindex org.opensearch.plugin:reindex-client:$OS_VERSION
reindex org.opensearch.client:opensearch-rest-client:$OS_VERSION
reindex org.opensearch:opensearch-ssl-config:$OS_VERSION
reindex org.apache.httpcomponents:httpclient:4.5.14
reindex org.apache.httpcomponents:httpcore:4.4.16
reindex org.apache.httpcomponents:httpasyncclient:4.1.5
reindex org.apache.httpcomponents:httpcore-nio:4.4.16
reindex commons-codec:commons-codec:1.18.0
reindex commons-logging:commons-logging:1.2
EOF
}

# name|classname|extended.plugins|description
module_descriptors() {
  cat <<'EOF'
lang-painless|org.opensearch.painless.PainlessPlugin||An easy, safe and fast scripting language for OpenSearch
analysis-common|org.opensearch.analysis.common.CommonAnalysisPlugin|lang-painless|Adds "built in" analyzers to OpenSearch.
mapper-extras|org.opensearch.index.mapper.MapperExtrasPlugin||Adds advanced field mappers
reindex|org.opensearch.index.reindex.ReindexPlugin||The Reindex module adds APIs to reindex from one index to another or update documents in place.
EOF
}

recipe() {
  printf 'opensearch=%s rev=%s\n' "$OS_VERSION" "$ASSEMBLY_REV"
  module_artifacts
  module_descriptors
}

write_pom() {
  local pom=$1 items="" mod gav g a v
  while read -r mod gav; do
    IFS=: read -r g a v <<<"$gav"
    items+="
            <artifactItem><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version><type>jar</type><outputDirectory>\${stage}/modules/$mod</outputDirectory></artifactItem>"
  done < <(module_artifacts)
  cat >"$pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.stylegraph</groupId>
  <artifactId>opensearch-node-assembly</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.6.1</version>
        <executions>
          <execution>
            <id>distribution</id>
            <phase>validate</phase>
            <goals><goal>unpack</goal></goals>
            <configuration>
              <artifactItems>
                <artifactItem><groupId>org.opensearch.distribution.integ-test-zip</groupId><artifactId>opensearch</artifactId><version>$OS_VERSION</version><type>zip</type><outputDirectory>\${stage}/dist</outputDirectory></artifactItem>
              </artifactItems>
            </configuration>
          </execution>
          <execution>
            <id>modules</id>
            <phase>validate</phase>
            <goals><goal>copy</goal></goals>
            <configuration>
              <artifactItems>$items
              </artifactItems>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
EOF
}

write_module_metadata() {
  local modules_dir=$1 name cls ext desc
  while IFS='|' read -r name cls ext desc; do
    cat >"$modules_dir/$name/plugin-descriptor.properties" <<EOF
# Written by scripts/services/opensearch.sh (module jar from Maven Central)
description=$desc
version=$OS_VERSION
name=$name
classname=$cls
java.version=11
opensearch.version=$OS_VERSION
custom.foldername=
extended.plugins=$ext
has.native.controller=false
EOF
  done < <(module_descriptors)

  # Same grants as the policies shipped in the official distribution.
  cat >"$modules_dir/lang-painless/plugin-security.policy" <<'EOF'
grant {
  // needed to generate runtime classes
  permission java.lang.RuntimePermission "createClassLoader";
  // needed to find the classloader to load allowlisted classes from
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
  cat >"$modules_dir/reindex/plugin-security.policy" <<'EOF'
grant {
  // reindex opens socket connections using the rest client
  permission java.net.SocketPermission "*", "connect";
};

grant codeBase "${codebase.opensearch-rest-client}" {
  // rest client uses system properties which gets the default proxy
  permission java.net.NetPermission "getProxySelector";
};

grant codeBase "${codebase.httpasyncclient}" {
  // rest client uses system properties which gets the default proxy
  permission java.net.NetPermission "getProxySelector";
};
EOF
}

assemble() {
  local want
  want=$(recipe)
  if [[ -f $STAMP && $(cat "$STAMP") == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: the first start downloads OpenSearch from Maven Central (apt-get install maven)"
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.assemble.lock"
  flock 8
  if [[ -f $STAMP && $(cat "$STAMP") == "$want" ]]; then
    exec 8>&-
    return 0
  fi
  log "assembling OpenSearch $OS_VERSION from Maven Central into $NODE_HOME"
  local stage
  stage=$(mktemp -d "$CACHE_DIR/.stage.XXXXXX")
  write_pom "$stage/pom.xml"
  if ! mvn -B -q -f "$stage/pom.xml" -Dstage="$stage" validate >"$CACHE_DIR/assemble.log" 2>&1; then
    tail -n 40 "$CACHE_DIR/assemble.log" >&2
    rm -rf "$stage"
    die "Maven download failed (full log: $CACHE_DIR/assemble.log)"
  fi
  local home=$stage/dist/opensearch-$OS_VERSION
  [[ -f $home/lib/opensearch-$OS_VERSION.jar ]] || { rm -rf "$stage"; die "unexpected distribution layout in $stage/dist"; }
  mv "$stage"/modules/* "$home/modules/"
  write_module_metadata "$home/modules"
  chmod -R a+rX "$home"
  chmod a+x "$home"/bin/*
  printf '%s\n' "$want" >"$home/.stylegraph-assembled"
  rm -rf "$NODE_HOME"
  mv "$home" "$NODE_HOME"
  rm -rf "$stage"
  exec 8>&-
}

# ------------------------------------------------------------------ config
# yaml_list "a, b" -> ["a", "b"]
yaml_list() { printf '["%s"]' "$(printf '%s' "$1" | sed 's/ *, */", "/g')"; }

write_config() {
  local heap=$1
  mkdir -p "$DATA_DIR" "$LOG_DIR" "$CONF_DIR" "$TMP_DIR"
  cat >"$CONF_DIR/opensearch.yml" <<EOF
# Generated by scripts/services/opensearch.sh on each start; edits are lost.
cluster.name: $CLUSTER_NAME
node.name: $NODE_NAME
path.data: $DATA_DIR
path.logs: $LOG_DIR
network.host: 127.0.0.1
http.port: $PORT
transport.port: $TRANSPORT_PORT
bootstrap.memory_lock: false
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  if [[ -z $SEED_HOSTS ]]; then
    echo 'discovery.type: single-node' >>"$CONF_DIR/opensearch.yml"
  else
    {
      echo "discovery.seed_hosts: $(yaml_list "$SEED_HOSTS")"
      echo "cluster.initial_cluster_manager_nodes: $(yaml_list "$MANAGER_NODES")"
    } >>"$CONF_DIR/opensearch.yml"
  fi
  if [[ -n $NODE_ROLES ]]; then
    echo "node.roles: $(yaml_list "$NODE_ROLES")" >>"$CONF_DIR/opensearch.yml"
  fi
  cat >"$CONF_DIR/jvm.options" <<EOF
-Xms$heap
-Xmx$heap
11-:-XX:+UseG1GC
11-:-XX:G1ReservePercent=25
11-:-XX:InitiatingHeapOccupancyPercent=30
-Djava.io.tmpdir=\${OPENSEARCH_TMPDIR}
-XX:+HeapDumpOnOutOfMemoryError
-XX:HeapDumpPath=$LOG_DIR
-XX:ErrorFile=$LOG_DIR/hs_err_pid%p.log
9-:-Xlog:gc*,gc+age=trace,safepoint:file=$LOG_DIR/gc.log:utctime,pid,tags:filecount=4,filesize=16m
18-:-Djava.security.manager=allow
20-:--add-modules=jdk.incubator.vector
-Djava.util.concurrent.ForkJoinPool.common.threadFactory=org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory
EOF
  # The node runs detached, so drop the console appender (it would only
  # duplicate the log files into startup.log).
  grep -v '^rootLogger.appenderRef.console.ref' "$NODE_HOME/config/log4j2.properties" >"$CONF_DIR/log4j2.properties"
}

# Mirror the assembled node into the run dir (hard links: instant, no space;
# plain copy across filesystems). Files stay read-only for the run user.
mirror_home() {
  if [[ -f $RUN_HOME/.stylegraph-assembled && $(cat "$RUN_HOME/.stylegraph-assembled") == "$(cat "$STAMP")" ]]; then
    return 0
  fi
  rm -rf "$RUN_HOME" "$RUN_HOME.tmp"
  cp -al "$NODE_HOME" "$RUN_HOME.tmp" 2>/dev/null || { rm -rf "$RUN_HOME.tmp"; cp -a "$NODE_HOME" "$RUN_HOME.tmp"; }
  mv "$RUN_HOME.tmp" "$RUN_HOME"
}

# ------------------------------------------------------ privilege handling
ensure_run_user() {
  getent passwd "$RUN_USER" >/dev/null && return 0
  log "creating system user '$RUN_USER' (OpenSearch refuses to run as root)"
  command -v useradd >/dev/null 2>&1 || die "useradd not found; create a user and set OPENSEARCH_RUN_USER"
  local gopt=(--user-group)
  getent group "$RUN_USER" >/dev/null && gopt=(--gid "$RUN_USER")
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "${gopt[@]}" "$RUN_USER" 2>/dev/null \
    || getent passwd "$RUN_USER" >/dev/null \
    || die "could not create user '$RUN_USER'"
}

LAUNCH_PREFIX=()
prepare_privileges() {
  LAUNCH_PREFIX=()
  [[ $(id -u) -eq 0 ]] || return 0
  command -v setpriv >/dev/null 2>&1 || die "setpriv (util-linux) not found"
  ensure_run_user
  local group d
  group=$(id -gn "$RUN_USER")
  # Only the writable state; never chown RUN_HOME (its files are hard links
  # into the cache).
  chown "$RUN_USER:$group" "$RUN_DIR"
  chown -R "$RUN_USER:$group" "$DATA_DIR" "$LOG_DIR" "$CONF_DIR" "$TMP_DIR"
  local as_user=(setpriv --reuid="$RUN_USER" --regid="$group" --init-groups --)
  # Can the user reach the run dir? If a parent directory (e.g. /root, mode
  # 700, when the repo lives there) blocks it, allow traversal (o+x) on it.
  # Checked top-down so each test sees its parents already fixed.
  local ancestors=() path=$RUN_DIR
  while [[ $path != / ]]; do ancestors=("$path" "${ancestors[@]}"); path=$(dirname "$path"); done
  for d in "${ancestors[@]}"; do
    "${as_user[@]}" test -x "$d" 2>/dev/null && continue
    log "allowing '$RUN_USER' to traverse $d (chmod o+x)"
    chmod o+x "$d"
  done
  if ! "${as_user[@]}" sh -c 'for f in "$1" "$2" "$3"; do head -c1 "$f" >/dev/null || exit 1; done
      for d in "$4" "$5"; do : >"$d/.probe.$$" && rm -f "$d/.probe.$$" || exit 1; done' probe \
      "$RUN_HOME/lib/opensearch-$OS_VERSION.jar" "$RUN_HOME/bin/opensearch" "$CONF_DIR/opensearch.yml" \
      "$DATA_DIR" "$LOG_DIR" 2>/dev/null; then
    die "user '$RUN_USER' cannot read $RUN_HOME or write $RUN_DIR; point STYLEGRAPH_RUN_DIR at a directory it can reach"
  fi
  LAUNCH_PREFIX=("${as_user[@]}")
}

# ----------------------------------------------------------------- actions
wait_ready() {
  local pid=$1 deadline=$(( SECONDS + START_TIMEOUT ))
  while (( SECONDS < deadline )); do
    # Just-launched pid: its cmdline only names the node after the exec.
    if ! proc_alive "$pid"; then
      show_logs
      rm -f "$PID_FILE"
      die "OpenSearch exited during startup"
    fi
    if is_ready 1; then
      return 0
    fi
    sleep 1
  done
  show_logs
  log "not ready after ${START_TIMEOUT}s; stopping it" >&2
  stop_pid "$pid" >/dev/null
  die "OpenSearch did not become ready within ${START_TIMEOUT}s"
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for (( i = 0; i < 60; i++ )); do
    pid_is_ours "$pid" || break
    sleep 0.5
  done
  if pid_is_ours "$pid"; then
    log "still running after 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$PID_FILE"
}

cmd_up() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock 9
  local pid
  if pid=$(running_pid); then
    if is_ready 1; then
      log "already running (pid $pid) at $BASE_URL"
      return 0
    fi
    log "already starting (pid $pid); waiting for it"
    wait_ready "$pid"
    log "ready at $BASE_URL"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_answers; then
    if http_get / 2 | grep -qi opensearch; then
      log "port $PORT already serves an OpenSearch not started by this script; leaving it alone"
      return 0
    fi
    die "port $PORT is in use by something that is not OpenSearch"
  fi

  local t0=$SECONDS heap
  heap=$(heap_setting)
  JAVA_HOME_RESOLVED=$(find_java_home)
  assemble
  write_config "$heap"
  mirror_home
  prepare_privileges

  log "starting OpenSearch $OS_VERSION on $BASE_URL (heap $heap, data in $RUN_DIR)"
  : >"$STARTUP_LOG"
  [[ $(id -u) -eq 0 ]] && chown "$RUN_USER:$(id -gn "$RUN_USER")" "$STARTUP_LOG"
  # setsid/env/setpriv and bin/opensearch all exec, so $! ends up as the
  # JVM's pid. fd 9 (the lock) must not leak into the node.
  setsid env -i \
    PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    HOME="$RUN_DIR" LANG=C.UTF-8 HOSTNAME="${HOSTNAME:-localhost}" \
    OPENSEARCH_JAVA_HOME="$JAVA_HOME_RESOLVED" \
    OPENSEARCH_PATH_CONF="$CONF_DIR" \
    OPENSEARCH_TMPDIR="$TMP_DIR" \
    "${LAUNCH_PREFIX[@]}" "$RUN_HOME/bin/opensearch" \
    >>"$STARTUP_LOG" 2>&1 </dev/null 9>&- 8>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  wait_ready "$pid"
  log "ready at $BASE_URL (pid $pid, $(( SECONDS - t0 ))s)"
}

cmd_down() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock 9
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  stop_pid "$pid"
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    if is_ready 1; then
      local h
      h=$(http_get /_cluster/health 3 | tail -n +2 | sed -n 's/.*"status" *: *"\([a-z]*\)".*/\1/p')
      log "running (pid $pid) at $BASE_URL, cluster status ${h:-unknown}"
      return 0
    fi
    log "running (pid $pid) but not ready at $BASE_URL"
    return 1
  fi
  if port_answers; then
    log "not started by this script, but $BASE_URL answers"
    return 0
  fi
  log "not running"
  return 3
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
