#!/usr/bin/env bash
# What request capture costs (issue 18), in one run, the same wrk load on three servers:
#   main      a binary without the feature (MAIN_BIN; default: main's tree built once into build-main/)
#   off       this tree's binary, capture off (the default)
#   on        this tree's binary with --capture-bodies 4096 (CAPTURE to change it)
# The load is S3 GetObject of a SIZE-byte object (default 1 KiB, so the whole answer is captured),
# SigV4-looking Authorization header as an SDK sends. wrk runs in turns (main, off, on; ROUNDS times,
# default 3, of DURATION, default 5 s): requests/s and the server's CPU time per request (steadier
# than requests/s on a shared machine).
#
#   bench/capture.sh
#   MAIN_BIN=/path/to/main/mockaws ROUNDS=2 DURATION=10s bench/capture.sh
# Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail
source "$(dirname "$0")/common.sh"
size="${SIZE:-1024}"
capture="${CAPTURE:-4096}"
duration="${DURATION:-5s}"
rounds="${ROUNDS:-3}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
main_bin="${MAIN_BIN:-}"
if [[ -z "$main_bin" ]]; then
  # main's tree as it is committed, built once (the default build type)
  main_src="$here/../build-main/src"
  main_bin="$here/../build-main/build/bin/mockaws"
  if [[ ! -x "$main_bin" ]]; then
    rm -rf "$main_src" && mkdir -p "$main_src"
    git -C "$here/.." archive "${MAIN_REF:-main}" | tar -x -C "$main_src"
    cmake -S "$main_src" -B "$here/../build-main/build" >/dev/null
    cmake --build "$here/../build-main/build" -j2 --target mockaws >/dev/null
  fi
fi
[[ -x "$main_bin" ]] || { echo "no main binary at $main_bin" >&2; exit 1; }
source "$here/wrkstat.sh"

hargs=(-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00"
       -H "x-amz-date: 20261129T000000Z" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")

python3 - "$size" "$work/fixture.json" <<'PY'
import base64, json, sys
size, fx = int(sys.argv[1]), sys.argv[2]
data = bytes((i * 7 + 13) % 251 for i in range(size))
json.dump({"s3": {"buckets": [{"name": "bench", "objects": [
    {"key": "o.bin", "body_base64": base64.b64encode(data).decode()}]}]}}, open(fx, "w"))
PY

declare -A ports spid
launch() {  # launch NAME BINARY FLAGS...
  local name="$1" b="$2"; shift 2
  rm -f "$work/port"
  bin="$b" start_mockaws --fixtures "$work/fixture.json" "$@"
  ports[$name]="$port"
  spid[$name]="$pid"
  curl -fsS -o /dev/null "${hargs[@]}" "$endpoint/bench/o.bin" || { echo "$name does not serve the object" >&2; exit 1; }
}
launch main "$main_bin"
launch off "$bin"
launch on "$bin" --capture-bodies "$capture"
# the capture is really on: the last GetObject's answer is in its entry
seq="$(curl -fsS "http://127.0.0.1:${ports[on]}/_mockaws/journal" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][-1]["seq"])')"
curl -fsS "http://127.0.0.1:${ports[on]}/_mockaws/journal/$seq" |
  python3 -c 'import json,sys; e=json.load(sys.stdin); assert e["response"]["body_size"] > 0, e' ||
  { echo "the capture server captured nothing" >&2; exit 1; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores; wrk -t$threads -c$conns -d$duration, $rounds rounds; GetObject of $size bytes; on = --capture-bodies $capture"
printf "%-6s %5s %10s %10s %12s\n" server round "req/s" "p99" "CPU/req us"
declare -A sum_rps sum_cpu
for r in $(seq 1 "$rounds"); do
  for name in main off on; do
    t0="$(cpu_ticks "${spid[$name]}")"
    wrk -t"$threads" -c"$conns" -d"$duration" --latency "${hargs[@]}" \
      "http://127.0.0.1:${ports[$name]}/bench/o.bin" >"$work/wrk.txt"
    cpu="$(cpu_per_req "$t0" "$(cpu_ticks "${spid[$name]}")" "$work/wrk.txt")"
    if grep -q "Non-2xx" "$work/wrk.txt"; then echo "$name answered non-2xx" >&2; cat "$work/wrk.txt" >&2; exit 1; fi
    p99="$(awk '/^ +99%/ { print $2 }' "$work/wrk.txt")"
    printf "%-6s %5s %10s %10s %12s\n" "$name" "$r" "$(rps "$work/wrk.txt")" "$p99" "$cpu"
    sum_rps[$name]="$(python3 -c "print(${sum_rps[$name]:-0} + $(rps "$work/wrk.txt"))")"
    sum_cpu[$name]="$(python3 -c "print(${sum_cpu[$name]:-0} + $cpu)")"
  done
done
for name in main off on; do
  python3 -c "print(f'# mean $name: {${sum_rps[$name]} / $rounds:.0f} req/s, {${sum_cpu[$name]} / $rounds:.1f} us CPU per request')"
done
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg); memory of the 'on' server: $(awk '/VmRSS/ { print $2, $3 }' "/proc/${spid[on]}/status")"
