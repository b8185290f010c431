#!/usr/bin/env bash
# Instructions per request on the hot path (issue 12), counted by valgrind's
# callgrind: the same whatever the machine's load, unlike requests/s. For each
# case the server runs twice under callgrind, answering WARM then WARM + N
# requests over one keep-alive connection; the difference of the two totals,
# divided by N, is the cost of one request (start-up and shutdown cancel out).
# The second run's profile is kept, so that callgrind_annotate can say where.
#
#   bench/instr.sh                        GetObject (1 KiB) and GetItem (~1 KiB), N=2000
#   N=5000 CASES=getitem KEEP=/tmp/cg bench/instr.sh
#   callgrind_annotate --inclusive=yes KEEP/callgrind-getitem.out | head -60
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${MOCKAWS_BIN:-$here/../build/bin/mockaws}"
n="${N:-2000}"
warm="${WARM:-200}"
cases="${CASES:-getobject getitem}"
[[ -x "$bin" ]] || { echo "no mockaws binary at $bin (build first)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
work="$(mktemp -d)"
keep="${KEEP:-$work}"
mkdir -p "$keep"
vpid=""
cleanup() {
  if [[ -n "$vpid" ]]; then kill -TERM "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$here/hot_fixture.py" "$work/fixture.json"

# run CASE COUNT OUT: the total instructions of one server run answering COUNT requests
run() {
  local c="$1" count="$2" out="$3"
  rm -f "$work/port"
  valgrind --tool=callgrind --callgrind-out-file="$out" -q \
    "$bin" --host 127.0.0.1 --port 0 --port-file "$work/port" --log-level error --threads 2 \
    --fixtures "$work/fixture.json" >"$work/server.log" 2>&1 &
  vpid=$!
  for _ in $(seq 1 600); do [[ -s "$work/port" ]] && break; sleep 0.05; done
  [[ -s "$work/port" ]] || { cat "$work/server.log" >&2; exit 1; }
  python3 - "$c" "$count" "$(cat "$work/port")" "$here" <<'PY'
import http.client, sys
case, count, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
import hot_fixture
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
if case == "getobject":
    method, path, body, headers = "GET", "/bench/small.bin", None, hot_fixture.GETOBJECT_HEADERS
else:
    method, path, body, headers = "POST", "/", hot_fixture.GETITEM_BODY, hot_fixture.GETITEM_HEADERS
for _ in range(count):
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    r.read()
    assert r.status == 200, r.status
PY
  kill -TERM "$vpid"
  wait "$vpid" || true
  vpid=""
  awk '/^summary:|^totals:/ { print $2; exit }' "$out"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $("$bin" --version | head -1), $bin; N=$n after $warm"
for c in $cases; do
  a="$(run "$c" "$warm" "$work/base-$c.out")"
  b="$(run "$c" "$((warm + n))" "$keep/callgrind-$c.out")"
  python3 -c 'import sys; a, b, n = map(int, sys.argv[2:]); print(f"{sys.argv[1]}: {(b - a) / n / 1e3:.1f} k instructions per request")' \
    "$c" "$a" "$b" "$n"
done
