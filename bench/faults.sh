#!/usr/bin/env bash
# The cost of fault rules that do not match: STS GetCallerIdentity throughput
# with no rules, then with 100 rules that never match (half literal, half
# regular expressions, all on other services / operations), alternating
# ROUNDS times on one server, so that both see the same machine state.
#
#   bench/faults.sh                  defaults: 5 rounds of 5 s, 2 threads, 32 connections
#   ROUNDS=3 DURATION=3s bench/faults.sh
# Loopback only; everything is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${MOCKAWS_BIN:-$here/../build/bin/mockaws}"
rounds="${ROUNDS:-5}"
duration="${DURATION:-5s}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 1; }

work="$(mktemp -d)"
"$bin" --host 127.0.0.1 --port 0 --port-file "$work/port" --log-level error >"$work/log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do [[ -s "$work/port" ]] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$work/port")"

rules=$(python3 "$here/faults_rules.py")

rps() { wrk -t"$threads" -c"$conns" -d"$duration" -s "$here/sts.lua" "$url/" | awk '/Requests\/sec/ {print $2}'; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores; wrk -t$threads -c$conns -d$duration, $rounds rounds"
none=() with=()
for r in $(seq 1 "$rounds"); do
  curl -fsS -X DELETE "$url/_mockaws/faults" >/dev/null
  none+=("$(rps)")
  curl -fsS -X POST "$url/_mockaws/faults" -H 'Content-Type: application/json' -d "$rules" >/dev/null
  with+=("$(rps)")
  echo "round $r: no rules ${none[-1]} req/s, 100 non-matching rules ${with[-1]} req/s"
done
python3 - "${none[@]}" -- "${with[@]}" <<'PY'
import statistics, sys
args = sys.argv[1:]
i = args.index("--")
none, with_ = [float(x) for x in args[:i]], [float(x) for x in args[i + 1:]]
a, b = statistics.median(none), statistics.median(with_)
print(f"median: no rules {a:.0f} req/s, 100 rules {b:.0f} req/s, ratio {b / a:.3f} "
      f"({'within' if b >= 0.95 * a else 'NOT within'} 5%)")
PY
