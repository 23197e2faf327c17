#!/usr/bin/env bash
# The README's first command (`make demo`): start the local Kafka broker and a wiredesk
# worker, ingest the sample articles and show what came out. `make stop` ends both.
#
# Stopping is careful because a worker can outlive a polite request (seen with the broker
# gone: it ignored SIGTERM and kept port 6066): `stop` sends SIGTERM to the pid it
# started (never a kill by name: another checkout's worker is not ours), waits
# WIREDESK_STOP_WAIT seconds (default 15), then SIGKILLs that pid, keeps the pid file until
# the process is gone, and checks that nothing listens on the web port any more.
# Each `make demo` keeps the previous worker logs (worker.log.1 ... .5) for the post-mortem.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=.venv/bin
STATE=${WIREDESK_DEMO_STATE:-.wiredesk}   # tests point this at a temporary folder
PIDFILE=$STATE/worker.pid
LOG=$STATE/worker.log
PORT=${WIREDESK_WEB_PORT:-6066}
STOP_WAIT=${WIREDESK_STOP_WAIT:-15}
KEEP_LOGS=5

worker_pid() { [[ -f $PIDFILE ]] && cat "$PIDFILE"; }
# Alive: signalable and not a zombie (a killed child its parent has not reaped yet is gone).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# Still a wiredesk process: a stale pid file's number may belong to another program by
# now, which must never be signalled. (No /proc: trusted, as before.)
is_worker() {
  local cmd
  [[ -r /proc/$1/cmdline ]] || return 0
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)
  [[ $cmd == *wiredesk* ]]
}

worker_alive() { local pid; pid=$(worker_pid) && [[ -n $pid ]] && alive "$pid" && is_worker "$pid"; }

# Something accepts connections on 127.0.0.1:$1 (bash's /dev/tcp: no ss/lsof needed).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Wait up to $2 seconds for pid $1 to be gone; status 0 once it is.
wait_gone() {
  local i
  for ((i = 0; i < $2 * 5; i++)); do alive "$1" || return 0; sleep 0.2; done
  ! alive "$1"
}

# worker.log -> worker.log.1 -> ... -> worker.log.$KEEP_LOGS (the oldest is dropped).
rotate_log() {
  [[ -s $LOG ]] || return 0
  local i
  for ((i = KEEP_LOGS - 1; i >= 1; i--)); do
    [[ -f $LOG.$i ]] && mv -f "$LOG.$i" "$LOG.$((i + 1))"
  done
  mv -f "$LOG" "$LOG.1"
}

# Stop our worker: SIGTERM, wait, SIGKILL of that pid only; then the port must be free.
stop_worker() {
  local pid
  pid=$(worker_pid) || pid=""
  if [[ -n $pid ]] && alive "$pid" && ! is_worker "$pid"; then
    echo "pid $pid (from $PIDFILE) is not a wiredesk worker any more: left alone"
  elif [[ -n $pid ]] && alive "$pid"; then
    echo "stopping the worker (pid $pid; SIGKILL after ${STOP_WAIT}s)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$STOP_WAIT"; then
      echo "worker (pid $pid) ignored SIGTERM for ${STOP_WAIT}s: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      if ! wait_gone "$pid" 10; then
        echo "worker (pid $pid) is still running; pid file $PIDFILE kept" >&2
        return 1
      fi
    fi
    echo "worker stopped (pid $pid)"
  fi
  rm -f "$PIDFILE"
  local i
  for ((i = 0; i < 25; i++)); do port_in_use "$PORT" || return 0; sleep 0.2; done
  echo "port $PORT is still in use by another process (not the worker we started)" >&2
  return 1
}

# Each record whole, on one line, its empty fields (null, [], "") left out.
compact() {
  $BIN/python -c '
import json, sys
for line in sys.stdin:
    value = json.loads(line)["value"]
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if v not in (None, [], {}, "")}
    print(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
'
}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

demo() {
  if [[ -z ${WIREDESK_BROKER_URL:-} ]]; then
    step "Starting Apache Kafka (first run resolves it from Maven Central; later runs reuse it)"
    $BIN/wiredesk broker start
  fi
  step "Creating topics"
  $BIN/wiredesk topics create

  if worker_alive; then
    step "Worker already running (pid $(worker_pid))"
  else
    rotate_log
    step "Starting the wiredesk worker (log: $LOG; earlier logs: $LOG.1 ...)"
    nohup $BIN/wiredesk worker >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
  fi
  for i in $(seq 90); do
    if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
    worker_alive || { echo "worker died; last lines of $LOG:"; tail -20 "$LOG"; exit 1; }
    sleep 1
    [[ $i == 90 ]] && { echo "worker did not answer on :$PORT in 90 s"; tail -20 "$LOG"; exit 1; }
  done

  # The rules go in first: the worker matches each record as it makes it, so rules loaded
  # after the articles would see nothing (and ingesting them again is dropped as a duplicate).
  RULES=docs/rules.example.yaml
  step "Loading the example alert rules ($RULES) before the articles"
  $BIN/wiredesk rules load "$RULES"
  want=$(grep -c '^  - id:' "$RULES")
  for i in $(seq 60); do
    held=$(curl -fsS "http://127.0.0.1:$PORT/alerts/rules" 2>/dev/null \
           | $BIN/python -c 'import json, sys; print(json.load(sys.stdin)["total"])' 2>/dev/null \
           || echo 0)
    (( held >= want )) && break
    sleep 1
    [[ $i == 60 ]] && echo "the worker holds $held of $want rules after 60 s; going on"
  done

  step "Ingesting the sample articles"
  samples=(tests/fixtures/articles)
  [[ -d ../shared/seed ]] && samples+=(../shared/seed)
  $BIN/wiredesk ingest "${samples[@]}" || true  # a refused sample is listed, not fatal here

  step "Waiting for the outputs (the worker first joins its consumer group)"
  for _ in $(seq 120); do
    n=$($BIN/wiredesk tail quotes.v1 2>/dev/null | wc -l)
    (( n > 0 )) && break
    sleep 1
  done
  sleep 2
  for t in events.v1 quotes.v1 figures.v1; do
    step "Two records of wiredesk.$t (whole; empty fields left out)"
    $BIN/wiredesk tail "$t" -n 2 2>/dev/null | compact
  done
  step "Alerts the example rules raised (wiredesk alerts tail --from-beginning)"
  for _ in $(seq 15); do
    n=$($BIN/wiredesk tail alerts.v1 2>/dev/null | wc -l)
    (( n > 0 )) && break
    sleep 1
  done
  if (( n > 0 )); then
    $BIN/wiredesk alerts tail --from-beginning -n "$(( n < 8 ? n : 8 ))"
  else
    echo "  (none yet: the sample articles may match no rule; see docs/alerts.md)"
  fi
  step "Where to look"
  cat <<INFO
  the desk page:    http://127.0.0.1:$PORT/      (live column, articles marked up, searches)
  health and lag:   curl http://127.0.0.1:$PORT/health
  metrics:          curl http://127.0.0.1:$PORT/metrics   (Prometheus)
  operations:       http://127.0.0.1:$PORT/ops   (throughput, lag, latency, dead letters)
  alerts:           $BIN/wiredesk alerts tail --from-beginning   (rules: $RULES)
  any topic:        $BIN/wiredesk tail quotes.v1      (events.v1, figures.v1, entities.v1, articles.v1)
  dead letters:     $BIN/wiredesk dlq list
  one article:      $BIN/wiredesk process tests/fixtures/articles/geneva_talks.txt
  worker log:       $LOG   (earlier runs: $LOG.1 ... $LOG.$KEEP_LOGS)
  stop everything:  make stop
INFO
}

main() {
  mkdir -p "$STATE"
  if [[ ${1:-} == stop ]]; then
    local status=0
    stop_worker || status=1
    if [[ -z ${WIREDESK_BROKER_URL:-} ]]; then $BIN/wiredesk broker stop || status=1; fi
    exit "$status"
  fi
  demo
}

# Sourced (the tests call rotate_log and friends), it only defines the functions.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
