#!/usr/bin/env bash
# The journal stream's cost to everyone else (issue 18): STS GetCallerIdentity
# throughput with no listener and with LISTENERS (10) following
# GET /_mockaws/journal/stream (curl -N, each writing what it gets to a file),
# in alternating turns of wrk -t2 -cCONNECTIONS -dDURATION, ROUNDS times, on
# one server with --threads THREADS (2).
#
# Printed per turn: requests/s, mean and p99 latency, the server's CPU time per
# request (utime + stime over wrk's requests), and what the listeners got:
# entries and the entries gap events covered (those the journal ring, 10000
# entries, dropped before a listener read them), summed over listeners. The
# curl listeners run on the same cores as the server and wrk.
#
#   bench/stream.sh                          defaults: 5 s turns, 2 rounds, 10 listeners
#   DURATION=10s ROUNDS=3 LISTENERS=20 bench/stream.sh
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
source "$here/wrkstat.sh"
duration="${DURATION:-5s}"
rounds="${ROUNDS:-2}"
listeners="${LISTENERS:-10}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
start_mockaws --threads "$threads"

# got FILES...: "ENTRIES GAPPED" summed over the files
got() {
  python3 - "$@" <<'PY'
import json, sys
entries = gapped = 0
for path in sys.argv[1:]:
    event = None
    for line in open(path, errors="replace"):
        if line.startswith("event: "):
            event = line[7:].strip()
        elif line.startswith("data: ") and event == "gap":
            g = json.loads(line[6:])
            gapped += g["to"] - g["from"] + 1
        elif line.startswith("data: ") and event == "entry":
            entries += 1
print(entries, gapped)
PY
}

turn() {  # turn N-LISTENERS ROUND
  local n="$1" round="$2" i lpids=() files=()
  for ((i = 0; i < n; i++)); do
    files+=("$work/listener-$round-$i")
    curl -sN -o "${files[$i]}" "$endpoint/_mockaws/journal/stream" &
    lpids+=($!)
  done
  # every listener attached (the stream's count is not exposed: its headers came back)
  for ((i = 0; i < n; i++)); do
    for _ in $(seq 1 200); do [[ -e "${files[$i]}" ]] && break; sleep 0.05; done
  done
  local before after
  before="$(cpu_ticks "$pid")"
  wrk -t2 -c"$conns" -d"$duration" --latency -s "$here/sts.lua" "$endpoint" >"$work/wrk" 2>&1
  after="$(cpu_ticks "$pid")"
  # let the listeners catch up with the journal's end (or give up after 10 s)
  local want=0 have
  if ((n)); then
    want="$(curl -s "$endpoint/_mockaws/journal" | python3 -c 'import json,sys; e=json.load(sys.stdin)["entries"]; print(e[-1]["seq"] if e else 0)')"
    for _ in $(seq 1 200); do
      have="$(grep -h '^id: ' "${files[@]}" 2>/dev/null | awk -v w="$want" '$2 >= w {c++} END {print c+0}')"
      ((have >= n)) && break
      sleep 0.05
    done
    kill "${lpids[@]}" 2>/dev/null || true
    wait "${lpids[@]}" 2>/dev/null || true
  fi
  local lat p99
  lat="$(awk '/^ +Latency / { print $2; exit }' "$work/wrk")"
  p99="$(awk '/^ +99%/ { print $2 }' "$work/wrk")"
  printf "%-4s %9s listeners %10s req/s %9s mean %9s p99 %7s us CPU/req  %s\n" "$round" "$n" \
    "$(rps "$work/wrk")" "$lat" "$p99" "$(cpu_per_req "$before" "$after" "$work/wrk")" \
    "$( ((n)) && { read -r e g < <(got "${files[@]}"); echo "listeners got $e entries, $g in gaps (of $(total "$work/wrk") requests x $n)"; } || echo -)"
  curl -s -X DELETE -o /dev/null "$endpoint/_mockaws/journal"
}

echo "mockaws --threads $threads; wrk -t2 -c$conns -d$duration, STS GetCallerIdentity; $(nproc) CPUs"
for ((r = 1; r <= rounds; r++)); do
  turn 0 "$r"
  turn "$listeners" "$r"
done
