#!/usr/bin/env bash
# Load and soak on loopback with the mixed S3 + DynamoDB requests of mix.lua:
#   1. 1,000 connections for 60 s (wrk -c1000; the open-file limit raised)
#   2. a soak of at least 2,000,000 requests on 64 connections (each wrk
#      thread stops at its share; bounded by SOAK_MAX in time as well)
# Prints wrk's summary, latency percentiles, answers other than 2xx, socket
# errors, and the server's memory before and after each phase.
#
#   bench/load.sh
#   LOAD_CONNECTIONS=1000 LOAD_DURATION=60s SOAK_REQUESTS=2000000 SOAK_MAX=1200s bench/load.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
command -v wrk >/dev/null || { echo "wrk is needed (make bench-deps)" >&2; exit 1; }
load_conns="${LOAD_CONNECTIONS:-1000}"
load_duration="${LOAD_DURATION:-60s}"
soak_requests="${SOAK_REQUESTS:-2000000}"
soak_conns="${SOAK_CONNECTIONS:-64}"
soak_max="${SOAK_MAX:-1200s}"
threads="${THREADS:-2}"
# wrk needs a descriptor per connection
ulimit -n "$(ulimit -Hn)"

start_mockaws
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$port" <<'PY'
import http.client, json, sys
port = int(sys.argv[1])
s3 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
ddb = s3.replace("/s3/", "/dynamodb/")
c = http.client.HTTPConnection("127.0.0.1", port)
def call(method, path, body=None, headers=None):
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse(); data = r.read()
    assert r.status == 200, (method, path, r.status, data)
call("PUT", "/mix-bucket", headers={"Authorization": s3})
for k in range(1, 1001):
    call("PUT", f"/mix-bucket/k{k}", body=b"x" * 1024, headers={"Authorization": s3})
call("POST", "/", body=json.dumps({
    "TableName": "mix", "BillingMode": "PAY_PER_REQUEST",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                             {"AttributeName": "sk", "AttributeType": "N"}]}),
    headers={"Authorization": ddb, "X-Amz-Target": "DynamoDB_20120810.CreateTable",
             "Content-Type": "application/x-amz-json-1.0"})
import time
for _ in range(200):  # CreateTable answers CREATING; wait for ACTIVE
    c.request("POST", "/", body='{"TableName":"mix"}', headers={
        "Authorization": ddb, "X-Amz-Target": "DynamoDB_20120810.DescribeTable",
        "Content-Type": "application/x-amz-json-1.0"})
    if json.loads(c.getresponse().read())["Table"]["TableStatus"] == "ACTIVE":
        break
    time.sleep(0.1)
else:
    sys.exit("table mix never became ACTIVE")
PY

echo
echo "## 1. $load_conns connections for $load_duration (wrk -t$threads)"
echo "before: $(memory "$pid")"
wrk -t"$threads" -c"$load_conns" -d"$load_duration" --timeout 10s --latency -s "$here/mix.lua" "$endpoint" \
  | grep -vE '^\s+[0-9.]+%\s' | sed 's/^/  /'
echo "after:  $(memory "$pid")"

echo
echo "## 2. soak: $soak_requests requests on $soak_conns connections (wrk -t$threads, at most $soak_max)"
echo "before: $(memory "$pid")"
start=$(date +%s.%N)
: >"$work/done"
MIX_LIMIT=$(( (soak_requests + threads - 1) / threads )) MIX_DONE_FILE="$work/done" \
  wrk -t"$threads" -c"$soak_conns" -d"$soak_max" --timeout 10s --latency -s "$here/mix.lua" "$endpoint" \
  >"$work/soak.txt" &
wrk_pid=$!
pids+=("$wrk_pid")
# wrk sleeps out -d even when every thread has stopped: interrupt it then
# (SIGINT makes it print its summary).
while kill -0 "$wrk_pid" 2>/dev/null; do
  if [[ "$(wc -l <"$work/done")" -ge "$threads" ]]; then kill -INT "$wrk_pid"; break; fi
  sleep 0.5
done
wait "$wrk_pid" || true
grep -vE '^\s+[0-9.]+%\s' "$work/soak.txt" | sed 's/^/  /'
echo "took $(since "$start") s"
echo "after:  $(memory "$pid")"
curl -fsS "$endpoint/_mockaws/health" -o /dev/null && echo "server healthy at the end"
