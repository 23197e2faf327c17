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
$BIN/wiredesk ingest "${samples[@]}"

step "Waiting for the outputs (the worker first joins its consumer group)"
for _ in $(seq 120); do
  n=$($BIN/wiredesk tail quotes.v1 2>/dev/null | wc -l)
  (( n > 0 )) && break
  sleep 1
done
sleep 2
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
  worker log:       $LOG
  stop everything:  make stop
INFO
