#!/usr/bin/env bash
# Small GetObject throughput on loopback (issue 3), side by side in one run, same wrk load:
#   nginx     a static file holding the object's bytes
#   mockaws   GetObject of the same bytes (path-style, SigV4-looking Authorization header
#             as an SDK sends; the object is loaded from a fixture)
#   moto      the same GetObject against moto's server (if it imports; shorter run)
# Target (issue 3; docs/ARCHITECTURE.md): mockaws at least half of nginx's rate. Also printed: the CPU
# time each server used per request (utime + stime, nginx's workers included), steadier
# than requests/s on a shared machine.
#
#   bench/get_bench.sh                        defaults: 1 KiB object, 10 s, 2 threads, 32 conns
#   SIZE=4096 DURATION=5s CONNECTIONS=64 bench/get_bench.sh
#   MOTO=0 bench/get_bench.sh                 skip moto
# Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${MOCKAWS_BIN:-$here/../build/bin/mockaws}"
size="${SIZE:-1024}"
duration="${DURATION:-10s}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
moto_duration="${MOTO_DURATION:-5s}"
[[ -x "$bin" ]] || { echo "no mockaws binary at $bin (build first)" >&2; exit 1; }
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # wait_http URL [curl args...]: up to 10 s
  local url="$1"; shift
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing answered at $url" >&2; return 1
}
auth=(-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00"
      -H "x-amz-date: 20261129T000000Z" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")

row() {  # row NAME WRK-OUTPUT-FILE
  awk -v name="$1" '
    /Requests\/sec:/          { rps = $2 }
    /^ +Latency / && !lat     { lat = $2; lat_seen = 1 }
    /^ +99%/                  { p99 = $2 }
    /Non-2xx or 3xx/          { non2xx = $NF }
    /Socket errors:/          { errs = $0; sub(/.*Socket errors: /, "", errs) }
    /requests in/             { total = $1 }
    END { printf "%-8s %12s %10s %10s %10s %8s  %s\n", name, rps, total, lat, p99,
                 (non2xx == "" ? 0 : non2xx), (errs == "" ? "-" : errs) }' "$2"
}
source "$here/wrkstat.sh"

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores; wrk -t$threads -c$conns -d$duration (moto: -d$moto_duration); object $size bytes"

# ---- the object: deterministic bytes, as a fixture for mockaws and a file for nginx ----
mkdir -p "$work/www" "$work/tmp"
python3 - "$size" "$work/www/small.bin" "$work/fixture.json" <<'PY'
import base64, hashlib, json, sys
size, path, fx = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out, block = bytearray(), b"get-bench"
while len(out) < size:
    block = hashlib.sha256(block).digest()
    out += block
data = bytes(out[:size])
open(path, "wb").write(data)
json.dump({"s3": {"buckets": [{"name": "bench", "objects": [
    {"key": "small.bin", "body_base64": base64.b64encode(data).decode()}]}]}}, open(fx, "w"))
PY

# ---- mockaws ----
mport="$(free_port)"
"$bin" --host 127.0.0.1 --port "$mport" --log-level error --fixtures "$work/fixture.json" \
  >"$work/mockaws.log" 2>&1 &
mpid=$!
pids+=($mpid)
murl="http://127.0.0.1:$mport/bench/small.bin"
wait_http "$murl" "${auth[@]}"
curl -fsS "${auth[@]}" -o "$work/from-mockaws.bin" "$murl"
cmp "$work/www/small.bin" "$work/from-mockaws.bin" || { echo "mockaws served other bytes" >&2; exit 1; }

# ---- nginx serving the same bytes as a static file ----
chmod -R a+rX "$work"
nport="$(free_port)"
cat >"$work/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
    default_type binary/octet-stream;
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' 2>"$work/nginx.stderr" &
npid=$!
pids+=($npid)
nurl="http://127.0.0.1:$nport/small.bin"
wait_http "$nurl"

# ---- moto (optional) ----
moto_port=""
if [[ "${MOTO:-1}" != 0 ]]; then
  py="$(python3 -c 'import sys; print(sys.executable)')"
  if "$py" -c 'import moto.server' 2>/dev/null; then
    moto_port="$(free_port)"
    "$py" -m moto.server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
    pids+=($!)
    if wait_http "http://127.0.0.1:$moto_port/" "${auth[@]}" &&
       curl -fsS -o /dev/null -X PUT "${auth[@]}" "http://127.0.0.1:$moto_port/bench" &&
       curl -fsS -o /dev/null -X PUT "${auth[@]}" --data-binary "@$work/www/small.bin" \
         "http://127.0.0.1:$moto_port/bench/small.bin"; then :; else moto_port=""; fi
  else
    echo "# moto's server cannot be imported: skipped" >&2
  fi
fi

hdr_bytes() { curl -sS -D - -o /dev/null "$@" | wc -c; }
echo "# response: $size bytes of body; headers: nginx $(hdr_bytes "$nurl") B, mockaws $(hdr_bytes "${auth[@]}" "$murl") B"
printf "%-8s %12s %10s %10s %10s %8s  %s\n" server "req/s" requests "lat avg" "lat p99" non-2xx "socket errors"
hargs=(-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00"
       -H "x-amz-date: 20261129T000000Z" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
t0="$(cpu_ticks "$npid")"
wrk -t"$threads" -c"$conns" -d"$duration" --latency "${hargs[@]}" "$nurl" >"$work/wrk-nginx.txt"
ncpu="$(cpu_per_req "$t0" "$(cpu_ticks "$npid")" "$work/wrk-nginx.txt")"
row nginx "$work/wrk-nginx.txt"
t0="$(cpu_ticks "$mpid")"
wrk -t"$threads" -c"$conns" -d"$duration" --latency "${hargs[@]}" "$murl" >"$work/wrk-mockaws.txt"
mcpu="$(cpu_per_req "$t0" "$(cpu_ticks "$mpid")" "$work/wrk-mockaws.txt")"
row mockaws "$work/wrk-mockaws.txt"
if [[ -n "$moto_port" ]]; then
  wrk -t"$threads" -c"$conns" -d"$moto_duration" --timeout 5s --latency "${hargs[@]}" \
    "http://127.0.0.1:$moto_port/bench/small.bin" >"$work/wrk-moto.txt"
  row moto "$work/wrk-moto.txt"
fi
echo "# server CPU per request (utime + stime): nginx ${ncpu} us, mockaws ${mcpu} us; load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$(rps "$work/wrk-mockaws.txt")" "$(rps "$work/wrk-nginx.txt")" <<'PY'
import sys
m, n = float(sys.argv[1]), float(sys.argv[2])
r = m / n
print(f"mockaws / nginx = {r:.2f} ({'meets' if r >= 0.6 else 'MISSES'} the 0.6 target)")
PY
if [[ -n "${VERBOSE:-}" ]]; then cat "$work"/wrk-*.txt; fi
