#!/usr/bin/env bash
# Where the server's CPU goes on the hot path (issue 12): one mockaws holding a
# 1 KiB object and a ~1 KiB item, wrk -t2 -c32 on each in turn, `perf record -g`
# attached to the server for the whole wrk run. Prints, per case, requests/s,
# the server's CPU per request (utime + stime), the share of samples by shared
# library and the top functions by self share (bench/perf_by_lib.py). The first wrk pass runs without
# perf (requests/s, CPU per request), the second under `perf record`. On a VM
# without hardware counters perf samples the cpu-clock; instruction counts then
# come from valgrind (see bench/README.md).
#
#   bench/profile.sh                          both cases, 8 s each
#   CASES=getitem DURATION=5s TOP=30 bench/profile.sh
#   KEEP=/tmp/prof bench/profile.sh           keep perf.data files there
#   CALLGRAPH=dwarf KEEP=/tmp/prof bench/profile.sh   call chains through libc
#                                             and libjansson (no frame pointers
#                                             there); then perf report --children
# Needs perf, wrk, curl, python3. With kernel.perf_event_paranoid >= 2 only
# user-space samples are taken (the kernel's share then shows as missing
# samples, not as a row).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
duration="${DURATION:-8s}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
top="${TOP:-25}"
callgraph="${CALLGRAPH:-fp}"
cases="${CASES:-getobject getitem}"
keep="${KEEP:-$work}"
mkdir -p "$keep"
for tool in perf wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

python3 "$here/hot_fixture.py" "$work/fixture.json" "$work/getitem.lua"

start_mockaws --fixtures "$work/fixture.json"
s3_hdr=(-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00"
        -H "x-amz-date: 20261129T000000Z" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
curl -fsS -o /dev/null "${s3_hdr[@]}" "$endpoint/bench/small.bin"

ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
hz="$(getconf CLK_TCK)"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores; wrk -t$threads -c$conns -d$duration; $("$bin" --version | head -1)"

for c in $cases; do
  case "$c" in
    getobject) wrk_args=("${s3_hdr[@]}" "$endpoint/bench/small.bin") ;;
    getitem)   wrk_args=(-s "$work/getitem.lua" "$endpoint/") ;;
    *) echo "unknown case $c" >&2; exit 1 ;;
  esac
  t0="$(ticks)"
  wrk -t"$threads" -c"$conns" -d"$duration" "${wrk_args[@]}" >"$work/wrk-$c.txt"
  t1="$(ticks)"
  perf record -q --call-graph "$callgraph" -p "$pid" -o "$keep/perf-$c.data" -- \
    wrk -t"$threads" -c"$conns" -d"$duration" "${wrk_args[@]}" >"$work/wrk2-$c.txt" 2>/dev/null
  n="$(awk '/requests in/ { print $1 }' "$work/wrk-$c.txt")"
  rps="$(awk '/Requests\/sec:/ { print $2 }' "$work/wrk-$c.txt")"
  non2xx="$(awk '/Non-2xx/ { print $NF }' "$work/wrk-$c.txt")"
  python3 - "$c" "$rps" "$n" "$t0" "$t1" "$hz" "${non2xx:-0}" <<'PY'
import sys
c, rps, n, t0, t1, hz, bad = sys.argv[1:]
cpu = (float(t1) - float(t0)) / float(hz) / float(n) * 1e6
print(f"\n## {c}: {float(rps):,.0f} req/s, {cpu:.1f} us CPU/req, non-2xx {bad}")
PY
  # By library and function, the binary's own addresses resolved with nm
  # (perf_by_lib.py: the executable carries its static dependencies).
  python3 "$here/perf_by_lib.py" "$keep/perf-$c.data" "$bin" "$(dirname "$bin")/.." "$top"
done
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg)"
