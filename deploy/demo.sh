#!/usr/bin/env bash
# The README's first command (`make demo`): start the local Kafka broker and a wiredesk
# worker, ingest the sample articles and show what came out. `make stop` ends both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
STATE=.wiredesk
PIDFILE=$STATE/worker.pid
LOG=$STATE/worker.log
PORT=${WIREDESK_WEB_PORT:-6066}
mkdir -p "$STATE"

worker_alive() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

if [[ ${1:-} == stop ]]; then
  if worker_alive; then
    kill "$(cat "$PIDFILE")" && echo "worker stopped"
    for _ in $(seq 30); do worker_alive || break; sleep 1; done
  fi
  rm -f "$PIDFILE"
  [[ -z ${WIREDESK_BROKER_URL:-} ]] && $BIN/wiredesk broker stop
  exit 0
fi

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if [[ -z ${WIREDESK_BROKER_URL:-} ]]; then
  step "Starting Apache Kafka (first run resolves it from Maven Central; later runs reuse it)"
  $BIN/wiredesk broker start
fi
step "Creating topics"
$BIN/wiredesk topics create

if worker_alive; then
  step "Worker already running (pid $(cat "$PIDFILE"))"
else
  step "Starting the wiredesk worker (log: $LOG)"
  nohup $BIN/wiredesk worker >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
fi
for i in $(seq 90); do
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
  worker_alive || { echo "worker died; last lines of $LOG:"; tail -20 "$LOG"; exit 1; }
  sleep 1
  [[ $i == 90 ]] && { echo "worker did not answer on :$PORT in 90 s"; tail -20 "$LOG"; exit 1; }
done

step "Ingesting the sample articles"
samples=(tests/fixtures/articles)
[[ -d ../shared/seed ]] && samples+=(../shared/seed)
$BIN/wiredesk ingest "${samples[@]}"

step "Waiting for the outputs (the worker first joins its consumer group)"
for _ in $(seq 120); do
  n=$($BIN/wiredesk tail quotes.v1 2>/dev/null | wc -l)
  (( n > 0 )) && break
  sleep 1
done
sleep 2
for t in events.v1 quotes.v1 figures.v1; do
  step "A few records of wiredesk.$t"
  $BIN/wiredesk tail "$t" -n 3 2>&1 | cut -c1-400
done
step "Where to look"
cat <<INFO
  the desk page:    http://127.0.0.1:$PORT/      (live column, articles marked up, searches)
  health and lag:   curl http://127.0.0.1:$PORT/health
  any topic:        $BIN/wiredesk tail quotes.v1      (events.v1, figures.v1, entities.v1, articles.v1)
  dead letters:     $BIN/wiredesk dlq list
  one article:      $BIN/wiredesk process tests/fixtures/articles/geneva_talks.txt
  worker log:       $LOG
  stop everything:  make stop
INFO
