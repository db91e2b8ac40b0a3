# Shared by the service scripts that run one background process recorded in
# a pid file. The sourcing script defines log, answering, up, and sets PORT,
# TIMEOUT, PID_FILE and LOG.

# wait_started waits for the process just started (pid in PID_FILE) to
# answer, and on failure prints the tail of its log and exits.
wait_started() {
  local t=0
  until answering; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      log "exited during start; last log lines:"; tail -n 40 "$LOG" >&2; exit 1
    fi
    sleep 0.25; t=$((t + 1))
    if [[ $t -gt $((TIMEOUT * 4)) ]]; then log "not ready after ${TIMEOUT}s"; tail -n 40 "$LOG" >&2; exit 1; fi
  done
  log "ready on 127.0.0.1:$PORT"
}

# down stops only the process this script started.
down() {
  if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")"
    for _ in $(seq 1 50); do kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 0.1; done
    rm -f "$PID_FILE"; log "stopped"
  else
    log "not started by this script"
  fi
}

status() { if answering; then log "up on 127.0.0.1:$PORT"; else log "down"; return 1; fi; }

# dispatch runs the command named by the script's first argument.
dispatch() {
  case "${1:-}" in
    up) up ;; down) down ;; status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
  esac
}
