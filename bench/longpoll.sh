#!/usr/bin/env bash
# Parked SQS long polls against everyone else (issue 16): "the long poll does
# not block other clients". One mockaws (--threads THREADS, default 2), in
# turns of wrk -t2 -cCONNECTIONS -dDURATION, ROUNDS times:
#
#   GetObject      of a 1 KiB object, with no long poll and with POLLS (100)
#                  ReceiveMessage long polls parked (WaitTimeSeconds 20, held by
#                  bench/longpoll_clients.py on POLLS keep-alive connections,
#                  far more than the worker threads)
#   SendMessage    to a queue nobody polls, the same two ways
#   paced sends    RATE (200) messages a second to the polled queue, one at a
#                  time, each to an empty queue with the polls parked: the
#                  server's CPU time per message (its SendMessage, the woken
#                  ReceiveMessage runs, the poll's DeleteMessage and next poll)
#                  is the cost of waking them
#   SendMessage    to the polled queue with wrk: each message answers one poll
#   to the polls   (whose client deletes it and polls again); the queue soon
#                  holds a backlog that the polls take without parking
#
# Printed per turn: requests/s, mean and p99 latency, and the server's CPU time
# per request (utime + stime over the requests wrk made; steadier than
# requests/s on a shared machine), and what the polls got. A parked poll costs
# no worker: the idle turns should match within noise. Exits 1 when a poll was
# answered early in an idle turn (it was not parked) or any request failed.
#
#   bench/longpoll.sh                       defaults: 5 s turns, 2 rounds, 100 polls
#   DURATION=10s ROUNDS=3 POLLS=200 THREADS=4 bench/longpoll.sh
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
source "$here/wrkstat.sh"
duration="${DURATION:-5s}"
rounds="${ROUNDS:-2}"
polls="${POLLS:-100}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
rate="${RATE:-200}"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

# a polled queue per round (polled1, ...): the wrk turn leaves a backlog behind
python3 - "$work/fixture.json" "$rounds" <<'PY'
import base64, json, sys
body = bytes(range(256)) * 4
queues = [{"name": "other"}] + [{"name": f"polled{r}"} for r in range(1, int(sys.argv[2]) + 1)]
json.dump({"s3": {"buckets": [{"name": "bench", "objects": [
              {"key": "small.bin", "body_base64": base64.b64encode(body).decode()}]}]},
           "sqs": {"queues": queues}}, open(sys.argv[1], "w"))
PY
start_mockaws --threads "$threads" --fixtures "$work/fixture.json"
other="$endpoint/123456789012/other"

signed() {  # signed SERVICE: the lua lines of an SDK-looking signature (not checked)
  printf 'wrk.headers["X-Amz-Date"] = "20261129T000000Z"\n'
  printf 'wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"\n' "$1"
}
{ printf 'wrk.path = "/bench/small.bin"\nwrk.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"\n'; signed s3; } \
  >"$work/get.lua"
send_lua() {  # send_lua QUEUE_URL FILE
  { printf 'wrk.method = "POST"\nwrk.body = %s\n' "'{\"QueueUrl\": \"$1\", \"MessageBody\": \"hello from wrk\"}'"
    printf 'wrk.headers["Content-Type"] = "application/x-amz-json-1.0"\n'
    printf 'wrk.headers["X-Amz-Target"] = "AmazonSQS.SendMessage"\n'
    signed sqs; } >"$2"
}
send_lua "$other" "$work/send_other.lua"

status=0
poller=""
status_file="$work/polls"
polls_start() {  # polls_start QUEUE_URL
  rm -f "$status_file"
  python3 "$here/longpoll_clients.py" poll "$endpoint" "$1" "$polls" "$status_file" &
  poller=$!
  pids+=("$poller")
  for _ in $(seq 1 400); do
    [[ -s "$status_file" ]] && [[ "$(awk '{print $2}' "$status_file")" -ge "$polls" ]] && break
    sleep 0.05
  done
  sleep 1 # their handlers have run and parked them
}
polls_stop() { kill -TERM "$poller"; wait "$poller" 2>/dev/null || true; poller=""; }
poll_field() { awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }' "$status_file"; }

printf '# %s %s, %s cores, load %s; mockaws --threads %s; wrk -t2 -c%s -d%s; %s polls\n' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -srm)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$threads" "$conns" "$duration" "$polls"
printf '%-6s %-24s %6s %10s %9s %9s %11s  %s\n' round turn polls "req/s" "mean" "p99" "cpu/req" "polls answered (messages)"

turn() {  # turn ROUND NAME POLLS LUA
  local before after out="$work/wrk.out" answered0=0 msgs0=0
  if [[ "$3" != 0 ]]; then answered0="$(poll_field answered)"; msgs0="$(poll_field messages)"; fi
  before="$(cpu_ticks "$pid")"
  wrk -t2 -c"$conns" -d"$duration" --latency -s "$4" "$endpoint" >"$out"
  after="$(cpu_ticks "$pid")"
  local mean p99 non2xx got="-"
  mean="$(awk '/^ +Latency / { print $2; exit }' "$out")"
  p99="$(awk '/^ +99%/ { print $2 }' "$out")"
  non2xx="$(awk '/Non-2xx or 3xx/ { print $NF }' "$out")"
  if [[ -n "$non2xx" ]]; then echo "  $non2xx answers were not 2xx" >&2; status=1; fi
  if [[ "$3" != 0 ]]; then
    local answered=$(( $(poll_field answered) - answered0 )) msgs=$(( $(poll_field messages) - msgs0 ))
    got="$answered ($msgs)"
    if [[ "$2" != *"polled queue"* && "$answered" != 0 ]]; then
      echo "  $answered polls were answered during an idle turn: not parked" >&2; status=1
    fi
    if [[ "$(poll_field errors)" != 0 ]]; then echo "  a poll failed" >&2; status=1; fi
  fi
  printf '%-6s %-24s %6s %10s %9s %9s %9s µs  %s\n' "$1" "$2" "$3" "$(rps "$out")" "$mean" "$p99" \
    "$(cpu_per_req "$before" "$after" "$out")" "$got"
}

paced() {  # paced ROUND
  local before after sent answered0 msgs0 secs="${duration%s}"
  answered0="$(poll_field answered)"; msgs0="$(poll_field messages)"
  before="$(cpu_ticks "$pid")"
  sent="$(python3 "$here/longpoll_clients.py" send "$endpoint" "$polled" "$rate" "$secs")"
  sleep 0.5 # the last message's poll is answered and polls again
  after="$(cpu_ticks "$pid")"
  local per
  per="$(python3 -c 'import sys; b, a, n, hz = map(float, sys.argv[1:]); print(f"{(a - b) / hz / n * 1e6:.1f}")' \
    "$before" "$after" "$sent" "$hz")"
  printf '%-6s %-24s %6s %10s %9s %9s %9s µs  %s\n' "$1" "paced sends ($rate/s)" "$polls" "-" "-" "-" "$per" \
    "$(( $(poll_field answered) - answered0 )) ($(( $(poll_field messages) - msgs0 )) of $sent)"
}

for r in $(seq 1 "$rounds"); do
  polled="$endpoint/123456789012/polled$r"
  send_lua "$polled" "$work/send_polled.lua"
  turn "$r" GetObject 0 "$work/get.lua"
  turn "$r" "SendMessage" 0 "$work/send_other.lua"
  polls_start "$polled"
  turn "$r" GetObject "$polls" "$work/get.lua"
  turn "$r" "SendMessage" "$polls" "$work/send_other.lua"
  paced "$r"
  turn "$r" "SendMessage polled queue" "$polls" "$work/send_polled.lua"
  polls_stop
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
