#!/usr/bin/env bash
# Small GetItem throughput on loopback (issue 6), side by side in one run with S3 GetObject,
# same wrk load, one mockaws server holding both:
#   nginx             a static file holding the bytes of mockaws's GetItem answer
#   mockaws GetItem   a ~1 KiB item (JSON 1.0 POST with a SigV4-looking Authorization header,
#                     as an SDK sends it; the item is loaded from a fixture)
#   mockaws GetObject a 1 KiB object from the same server (path-style GET), the S3 figure
#   moto GetItem      the same GetItem against moto's server (if it imports; shorter run)
# Target (docs/ARCHITECTURE.md): GetItem at least half of nginx's rate. Also printed: the CPU time each
# server used per request (utime + stime, nginx's workers included), steadier than
# requests/s on a shared machine.
#
#   bench/getitem_bench.sh                    defaults: ~1 KiB item and object, 10 s, 2 threads, 32 conns
#   SIZE=4096 DURATION=5s CONNECTIONS=64 bench/getitem_bench.sh
#   MOTO=0 bench/getitem_bench.sh             skip moto
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
wait_http() {  # wait_http URL [curl args...]: up to 10 s for any HTTP answer
  local url="$1"; shift
  for _ in $(seq 1 200); do
    curl -sS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing answered at $url" >&2; return 1
}
ddb_auth="AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00"
s3_auth=(-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00"
         -H "x-amz-date: 20261129T000000Z" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
ddb() {  # ddb URL OPERATION JSON-BODY: the answer on stdout
  curl -fsS -X POST "$1" -H "Authorization: $ddb_auth" -H "x-amz-date: 20261129T000000Z" \
    -H "X-Amz-Target: DynamoDB_20120810.$2" -H "Content-Type: application/x-amz-json-1.0" --data-binary "$3"
}

row() {  # row NAME WRK-OUTPUT-FILE
  awk -v name="$1" '
    /Requests\/sec:/          { rps = $2 }
    /^ +Latency / && !lat     { lat = $2; lat_seen = 1 }
    /^ +99%/                  { p99 = $2 }
    /Non-2xx or 3xx/          { non2xx = $NF }
    /Socket errors:/          { errs = $0; sub(/.*Socket errors: /, "", errs) }
    /requests in/             { total = $1 }
    END { printf "%-18s %12s %10s %10s %10s %8s  %s\n", name, rps, total, lat, p99,
                 (non2xx == "" ? 0 : non2xx), (errs == "" ? "-" : errs) }' "$2"
}
source "$here/wrkstat.sh"

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores; wrk -t$threads -c$conns -d$duration (moto: -d$moto_duration); item and object ~$size bytes"

# ---- the data: one item (its payload attribute makes it ~size bytes) and one object ----
mkdir -p "$work/www" "$work/tmp"
python3 - "$size" "$work/fixture.json" "$work/getitem.json" "$work/getitem.lua" "$ddb_auth" <<'PY'
import base64, hashlib, json, sys
size, fx, body_path, lua_path, auth = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
out, block = bytearray(), b"getitem-bench"
while len(out) < size:
    block = hashlib.sha256(block).digest()
    out += block
data = bytes(out[:size])
payload = base64.b64encode(data).decode()[: max(1, size - 40)]
table = {"TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
         "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
         "items": [{"pk": {"S": "small"}, "n": {"N": "42"}, "payload": {"S": payload}}]}
json.dump({"dynamodb": {"tables": [table]},
           "s3": {"buckets": [{"name": "bench", "objects": [
               {"key": "small.bin", "body_base64": base64.b64encode(data).decode()}]}]}},
          open(fx, "w"))
body = json.dumps({"TableName": "bench", "Key": {"pk": {"S": "small"}}})
open(body_path, "w").write(body)
open(lua_path, "w").write(
    "-- wrk script: DynamoDB GetItem as an SDK sends it (mockaws does not verify signatures)\n"
    'wrk.method = "POST"\nwrk.path = "/"\n'
    f"wrk.body = {json.dumps(body)}\n"
    'wrk.headers["Content-Type"] = "application/x-amz-json-1.0"\n'
    'wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"\n'
    'wrk.headers["X-Amz-Date"] = "20261129T000000Z"\n'
    f'wrk.headers["Authorization"] = {json.dumps(auth)}\n')
PY

# ---- mockaws: the item and the object in one server ----
mport="$(free_port)"
"$bin" --host 127.0.0.1 --port "$mport" --log-level error --fixtures "$work/fixture.json" \
  >"$work/mockaws.log" 2>&1 &
mpid=$!
pids+=($mpid)
murl="http://127.0.0.1:$mport/"
wait_http "$murl"
ddb "$murl" GetItem "$(cat "$work/getitem.json")" >"$work/www/getitem.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["Item"]["n"]["N"] == "42", d' "$work/www/getitem.json" ||
  { echo "mockaws answered GetItem wrongly: $(head -c 300 "$work/www/getitem.json")" >&2; exit 1; }
ourl="http://127.0.0.1:$mport/bench/small.bin"
curl -fsS "${s3_auth[@]}" -o /dev/null "$ourl"

# ---- nginx serving mockaws's GetItem answer as a static file ----
chmod -R a+rX "$work"
nport="$(free_port)"
cat >"$work/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  open_file_cache max=16;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    root $work/www;
    default_type application/x-amz-json-1.0;
  }
}
CONF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' 2>"$work/nginx.stderr" &
npid=$!
pids+=($npid)
nurl="http://127.0.0.1:$nport/getitem.json"
wait_http "$nurl"

# ---- moto (optional): the same table and item ----
moto_port=""
if [[ "${MOTO:-1}" != 0 ]]; then
  py="$(python3 -c 'import sys; print(sys.executable)')"
  if "$py" -c 'import moto.server' 2>/dev/null; then
    moto_port="$(free_port)"
    "$py" -m moto.server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
    pids+=($!)
    motourl="http://127.0.0.1:$moto_port/"
    if wait_http "$motourl" &&
       ddb "$motourl" CreateTable "$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["dynamodb"]["tables"][0]; t.pop("items"); print(json.dumps(t))' "$work/fixture.json")" >/dev/null &&
       ddb "$motourl" PutItem "$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["dynamodb"]["tables"][0]; print(json.dumps({"TableName": "bench", "Item": t["items"][0]}))' "$work/fixture.json")" >/dev/null; then :
    else moto_port=""; echo "# moto did not take the table: skipped" >&2; fi
  else
    echo "# moto's server cannot be imported: skipped" >&2
  fi
fi

hdr_bytes() { curl -sS -D - -o /dev/null "$@" | wc -c; }
echo "# GetItem answer: $(wc -c <"$work/www/getitem.json") bytes of body; GetObject: $size bytes of body"
printf "%-18s %12s %10s %10s %10s %8s  %s\n" server "req/s" requests "lat avg" "lat p99" non-2xx "socket errors"
t0="$(cpu_ticks "$npid")"
wrk -t"$threads" -c"$conns" -d"$duration" --latency "$nurl" >"$work/wrk-nginx.txt"
ncpu="$(cpu_per_req "$t0" "$(cpu_ticks "$npid")" "$work/wrk-nginx.txt")"
row nginx "$work/wrk-nginx.txt"
t0="$(cpu_ticks "$mpid")"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$work/getitem.lua" "$murl" >"$work/wrk-getitem.txt"
gcpu="$(cpu_per_req "$t0" "$(cpu_ticks "$mpid")" "$work/wrk-getitem.txt")"
row "mockaws GetItem" "$work/wrk-getitem.txt"
t0="$(cpu_ticks "$mpid")"
wrk -t"$threads" -c"$conns" -d"$duration" --latency "${s3_auth[@]}" "$ourl" >"$work/wrk-getobject.txt"
ocpu="$(cpu_per_req "$t0" "$(cpu_ticks "$mpid")" "$work/wrk-getobject.txt")"
row "mockaws GetObject" "$work/wrk-getobject.txt"
if [[ -n "$moto_port" ]]; then
  wrk -t"$threads" -c"$conns" -d"$moto_duration" --timeout 5s --latency -s "$work/getitem.lua" \
    "http://127.0.0.1:$moto_port/" >"$work/wrk-moto.txt"
  row "moto GetItem" "$work/wrk-moto.txt"
fi
echo "# server CPU per request (utime + stime): nginx ${ncpu} us, mockaws GetItem ${gcpu} us, GetObject ${ocpu} us; load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$(rps "$work/wrk-getitem.txt")" "$(rps "$work/wrk-nginx.txt")" "$(rps "$work/wrk-getobject.txt")" <<'PY'
import sys
g, n, o = map(float, sys.argv[1:])
print(f"GetItem / nginx = {g / n:.2f} ({'meets' if g / n >= 0.6 else 'MISSES'} the 0.6 target); "
      f"GetItem / GetObject = {g / o:.2f}")
PY
if [[ -n "${VERBOSE:-}" ]]; then cat "$work"/wrk-*.txt; fi
