#!/usr/bin/env bash
# What --auth verify costs on S3 GetObject (issue 15): two servers with the same 1 KiB object,
# one --auth off, one --auth verify, the same wrk load in turns (off, verify, off, verify), each
# request carrying a real SigV4 signature by botocore (key test, secret test; valid for the
# 15 minutes of allowed skew, so keep DURATION short). Prints requests/s and the CPU time
# the server used per request, the steadier figure on a shared machine.
#
#   bench/auth_bench.sh                  defaults: 5 s per turn, 2 threads, 32 connections
#   DURATION=10s ROUNDS=3 bench/auth_bench.sh
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
source "$here/wrkstat.sh"
duration="${DURATION:-5s}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
rounds="${ROUNDS:-2}"
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 1; }

python3 - "$work/fixture.json" <<'PY'
import base64, json, sys
json.dump({"s3": {"buckets": [{"name": "bench", "objects": [
    {"key": "small.bin", "body_base64": base64.b64encode(bytes(range(256)) * 4).decode()}]}]}},
    open(sys.argv[1], "w"))
PY

# signed_lua PORT: a wrk script sending GetObject signed for that server's Host
signed_lua() {
  python3 - "$1" <<'PY'
import sys
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url = f"http://127.0.0.1:{sys.argv[1]}/bench/small.bin"
req = AWSRequest(method="GET", url=url)
S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(req)
print('wrk.method = "GET"')
print('wrk.path = "/bench/small.bin"')
for k, v in req.headers.items():
    if k.lower() != "host":
        print(f'wrk.headers["{k}"] = "{v}"')
PY
}

declare -A ports spids
for mode in off verify; do
  rm -f "$work/port"
  start_mockaws --fixtures "$work/fixture.json" --auth "$mode"
  ports[$mode]=$port
  spids[$mode]=$pid
  signed_lua "$port" >"$work/$mode.lua"
done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$threads -c$conns -d$duration; GetObject of 1 KiB"
printf '%-8s %12s %12s %8s\n' mode requests/s cpu-us/req non2xx
for r in $(seq 1 "$rounds"); do
  for mode in off verify; do
    before="$(cpu_ticks "${spids[$mode]}")"
    wrk -t"$threads" -c"$conns" -d"$duration" -s "$work/$mode.lua" "http://127.0.0.1:${ports[$mode]}" >"$work/wrk.$mode"
    after="$(cpu_ticks "${spids[$mode]}")"
    non2xx="$(awk '/Non-2xx/ { print $NF }' "$work/wrk.$mode")"
    printf '%-8s %12s %12s %8s\n' "$mode" "$(rps "$work/wrk.$mode")" "$(cpu_per_req "$before" "$after" "$work/wrk.$mode")" "${non2xx:-0}"
  done
done
