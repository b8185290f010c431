#!/usr/bin/env bash
# What --auth verify and --auth enforce cost (issue 15: "enforce costs under 20% of throughput on
# GetObject and GetItem against off, in one bench run"). Three servers on the same fixture (a
# 1 KiB object and a ~1 KiB item, hot_fixture.py), --auth off, verify and enforce; on each, the
# root key makes an IAM user through the IAM API (boto3) whose inline policy allows
# s3:GetObject on bench/* and dynamodb:GetItem on the table, and every request is signed by
# botocore with that user's key: in enforce the whole evaluation runs (the user's identity
# policies from IAM, the bucket's policy looked up), not the root's shortcut. The same wrk load
# in turns (off, verify, enforce; GetObject then GetItem; ROUNDS times). The signatures are
# fixed when the script starts, valid for the 15 minutes of allowed skew: keep the run short.
# Prints requests/s and the CPU time the server used per request (the steadier figure on a
# shared machine); exits 1 if any answer was not 2xx (a refusal would be measured, not a read).
#
#   bench/auth_bench.sh                  defaults: 5 s per turn, 2 rounds, 2 threads, 32 connections
#   DURATION=10s ROUNDS=3 bench/auth_bench.sh
#   PERF=/tmp/prof bench/auth_bench.sh   then one more turn of each op on the enforce server under
#                                        `perf record -g` (kept there), by library and function
#                                        (perf_by_lib.py; TOP=N functions, default 25)
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
source "$here/wrkstat.sh"
duration="${DURATION:-5s}"
threads="${THREADS:-2}"
conns="${CONNECTIONS:-32}"
rounds="${ROUNDS:-2}"
modes=(off verify enforce)
ops=(GetObject GetItem)
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 1; }

python3 "$here/hot_fixture.py" "$work/fixture.json"

# signed_lua PORT PREFIX: makes the IAM user on the server at PORT (as the root), writes
# PREFIX.GetObject.lua and PREFIX.GetItem.lua, wrk scripts signed with the user's key
signed_lua() {
  python3 - "$1" "$2" <<'PY'
import json, sys
import boto3
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
port, prefix = sys.argv[1], sys.argv[2]
endpoint = f"http://127.0.0.1:{port}"
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
iam.create_user(UserName="bench")
iam.put_user_policy(UserName="bench", PolicyName="read", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bench/*"},
        {"Effect": "Allow", "Action": "dynamodb:GetItem",
         "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/bench"}]}))
key = iam.create_access_key(UserName="bench")["AccessKey"]
creds = Credentials(key["AccessKeyId"], key["SecretAccessKey"])

def lua(path, req):
    with open(path, "w") as f:
        f.write(f'wrk.method = "{req.method}"\nwrk.path = {json.dumps(req.url.split(port, 1)[1])}\n')
        if req.data:
            f.write(f"wrk.body = {json.dumps(req.data)}\n")
        for k, v in req.headers.items():
            if k.lower() != "host":
                f.write(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n")

req = AWSRequest(method="GET", url=f"{endpoint}/bench/small.bin")
S3SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
lua(f"{prefix}.GetObject.lua", req)
req = AWSRequest(method="POST", url=f"{endpoint}/",
                 data=json.dumps({"TableName": "bench", "Key": {"pk": {"S": "small"}}}),
                 headers={"Content-Type": "application/x-amz-json-1.0",
                          "X-Amz-Target": "DynamoDB_20120810.GetItem"})
SigV4Auth(creds, "dynamodb", "us-east-1").add_auth(req)
lua(f"{prefix}.GetItem.lua", req)
PY
}

declare -A ports spids
for mode in "${modes[@]}"; do
  rm -f "$work/port"
  start_mockaws --fixtures "$work/fixture.json" --auth "$mode"
  ports[$mode]=$port
  spids[$mode]=$pid
  signed_lua "$port" "$work/$mode"
done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$threads -c$conns -d$duration; GetObject of 1 KiB, GetItem of ~1 KiB, signed by an IAM user"
printf '%-10s %-8s %12s %12s %8s\n' op mode requests/s cpu-us/req non2xx
failed=0
for r in $(seq 1 "$rounds"); do
  for op in "${ops[@]}"; do
    for mode in "${modes[@]}"; do
      out="$work/wrk.$op.$mode"
      before="$(cpu_ticks "${spids[$mode]}")"
      wrk -t"$threads" -c"$conns" -d"$duration" -s "$work/$mode.$op.lua" "http://127.0.0.1:${ports[$mode]}" >"$out"
      after="$(cpu_ticks "${spids[$mode]}")"
      non2xx="$(awk '/Non-2xx/ { print $NF }' "$out")"
      [[ -z "$non2xx" ]] || failed=1
      printf '%-10s %-8s %12s %12s %8s\n' "$op" "$mode" "$(rps "$out")" "$(cpu_per_req "$before" "$after" "$out")" "${non2xx:-0}"
    done
  done
done
if [[ -n "${PERF:-}" ]]; then
  mkdir -p "$PERF"
  for op in "${ops[@]}"; do
    perf record -q -g -p "${spids[enforce]}" -o "$PERF/perf-enforce-$op.data" -- \
      wrk -t"$threads" -c"$conns" -d"$duration" -s "$work/enforce.$op.lua" "http://127.0.0.1:${ports[enforce]}" \
      >"$work/wrk.perf" 2>/dev/null
    echo; echo "## enforce, $op, under perf: $(rps "$work/wrk.perf") req/s"
    python3 "$here/perf_by_lib.py" "$PERF/perf-enforce-$op.data" "$bin" "$(dirname "$bin")/.." "${TOP:-25}"
  done
fi
exit "$failed"
