#!/usr/bin/env bash
# Throughput on loopback, side by side in one run, with the same wrk load:
#   nginx     a static file holding the bytes of mockaws's GetCallerIdentity answer
#   mockaws   STS GetCallerIdentity (form POST, bench/sts.lua)
#   moto      the same request against moto's server (if it imports; shorter run)
#
#   bench/throughput.sh                      defaults: 10 s, 2 threads, 32 connections
#   DURATION=5s CONNECTIONS=64 bench/throughput.sh
#   MOTO=0 bench/throughput.sh               skip moto
# Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${MOCKAWS_BIN:-$here/../build/bin/mockaws}"
duration="${DURATION:-10s}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
moto_duration="${MOTO_DURATION:-5s}"
[[ -x "$bin" ]] || { echo "no mockaws binary at $bin (build first)" >&2; exit 1; }
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid _
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # moto can linger after SIGTERM while its request threads drain: 5 s, then KILL.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
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
sts_curl_args=(-X POST --data "Action=GetCallerIdentity&Version=2011-06-15"
  -H "Content-Type: application/x-www-form-urlencoded; charset=utf-8"
  -H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")

# CPU time (utime + stime, in clock ticks) of a process, its threads and its
# direct children (nginx's workers). CPU per request varies much less than
# requests/s when something else is using the machine.
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [[ -r /proc/$p/stat ]] || continue
    total=$((total + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat")))
  done
  echo "$total"
}
hz="$(getconf CLK_TCK)"

# bench NAME PID WRK-ARGS...: runs wrk, prints one table row
bench() {
  local name="$1" pid="$2"; shift 2
  local before after
  before="$(cpu_ticks "$pid")"
  wrk "$@" >"$work/wrk-$name.txt"
  after="$(cpu_ticks "$pid")"
  row "$name" "$work/wrk-$name.txt" "$(( (after - before) * 1000000 / hz ))"
}

# wrk output -> one table row
row() {  # row NAME WRK-OUTPUT-FILE SERVER-CPU-US
  awk -v name="$1" -v cpu="$3" '
    /Requests\/sec:/          { rps = $2 }
    /^ +Latency / && !lat     { lat = $2; lat_seen = 1 }
    /^ +99%/                  { p99 = $2 }
    /Non-2xx or 3xx/          { non2xx = $NF }
    /Socket errors:/          { errs = $0; sub(/.*Socket errors: /, "", errs) }
    /requests in/             { total = $1 }
    END { printf "%-8s %12s %10s %10s %10s %12.1f %8s  %s\n", name, rps, total, lat, p99,
                 (total > 0 ? cpu / total : 0), (non2xx == "" ? 0 : non2xx),
                 (errs == "" ? "-" : errs) }' "$2"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores; wrk -t$threads -c$conns -d$duration (moto: -d$moto_duration)"

# ---- mockaws ----
mport="$(free_port)"
"$bin" --host 127.0.0.1 --port "$mport" --log-level error >"$work/mockaws.log" 2>&1 &
mockaws_pid=$!
pids+=($mockaws_pid)
wait_http "http://127.0.0.1:$mport/_mockaws/health" || { cat "$work/mockaws.log" >&2; exit 1; }
curl -fsS "${sts_curl_args[@]}" "http://127.0.0.1:$mport/" >"$work/answer.xml"

# ---- nginx serving the same bytes as a static file ----
mkdir -p "$work/www" "$work/tmp"
cp "$work/answer.xml" "$work/www/answer.xml"
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
  # nginx at its best for one small file: no open()/stat() per request.
  sendfile on;
  tcp_nopush on;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
    default_type text/xml;
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' 2>"$work/nginx.stderr" &
nginx_pid=$!
pids+=($nginx_pid)
wait_http "http://127.0.0.1:$nport/answer.xml" || { cat "$work/nginx.stderr" "$work/nginx-error.log" >&2 2>/dev/null; exit 1; }

# ---- moto (optional) ----
moto_port=""
if [[ "${MOTO:-1}" != 0 ]]; then
  py="$(python3 -c 'import sys; print(sys.executable)')"
  if "$py" -c 'import moto.server' 2>/dev/null; then
    moto_port="$(free_port)"
    "$py" -m moto.server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
    moto_pid=$!
    pids+=($moto_pid)
    wait_http "http://127.0.0.1:$moto_port/" "${sts_curl_args[@]}" || moto_port=""
  else
    echo "# moto's server cannot be imported: skipped" >&2
  fi
fi

echo "# response size: $(wc -c <"$work/answer.xml") bytes of body"
printf "%-8s %12s %10s %10s %10s %12s %8s  %s\n" server "req/s" requests "lat avg" "lat p99" \
  "cpu us/req" non-2xx "socket errors"
bench nginx "$nginx_pid" -t"$threads" -c"$conns" -d"$duration" --latency \
  "http://127.0.0.1:$nport/answer.xml"
bench mockaws "$mockaws_pid" -t"$threads" -c"$conns" -d"$duration" --latency -s "$here/sts.lua" \
  "http://127.0.0.1:$mport/"
if [[ -n "$moto_port" ]]; then
  bench moto "$moto_pid" -t"$threads" -c"$conns" -d"$moto_duration" --timeout 5s --latency \
    -s "$here/sts.lua" "http://127.0.0.1:$moto_port/"
fi
if [[ -n "${VERBOSE:-}" ]]; then cat "$work"/wrk-*.txt; fi
