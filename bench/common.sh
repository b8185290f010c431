# Shared by the edge benchmarks (big_object.sh, load.sh): start one mockaws on
# loopback, stop it (and anything else in $pids) on exit, read its memory.
# Source it; it sets $bin, $work, $pids and defines the functions below.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${MOCKAWS_BIN:-$here/../build/bin/mockaws}"
[[ -x "$bin" ]] || { echo "no mockaws binary at $bin (build first)" >&2; exit 1; }
work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_mockaws [FLAGS...]: sets $port, $pid, $endpoint
start_mockaws() {
  "$bin" --host 127.0.0.1 --port 0 --port-file "$work/port" --log-level error "$@" \
    >"$work/mockaws.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 200); do [[ -s "$work/port" ]] && break; sleep 0.05; done
  [[ -s "$work/port" ]] || { cat "$work/mockaws.log" >&2; exit 1; }
  port="$(cat "$work/port")"
  endpoint="http://127.0.0.1:$port"
}

# since START: seconds elapsed since START (date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# memory PID: one line of RSS, anonymous and file-backed, in MiB
memory() {
  awk '/^VmRSS:/ {rss=$2} /^RssAnon:/ {anon=$2} /^RssFile:/ {file=$2} /^RssShmem:/ {shm=$2}
       /^VmHWM:/ {hwm=$2} /^VmSize:/ {vsz=$2}
       END {printf "RSS %.1f MiB (anonymous %.1f, file-backed %.1f, shmem %.1f), peak RSS %.1f MiB, address space %.1f MiB\n",
            rss/1024, anon/1024, file/1024, shm/1024, hwm/1024, vsz/1024}' "/proc/$1/status"
}

# smaps PID: the anonymous / file split as smaps_rollup counts it, in MiB
smaps() {
  awk '/^Rss:/ {rss=$2} /^Anonymous:/ {anon=$2} /^Pss_File:/ {pf=$2} /^Pss_Anon:/ {pa=$2}
       END {printf "smaps_rollup: Rss %.1f MiB, Anonymous %.1f MiB, Pss_Anon %.1f MiB, Pss_File %.1f MiB\n",
            rss/1024, anon/1024, pa/1024, pf/1024}' "/proc/$1/smaps_rollup"
}

auth_s3="Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
auth_ddb="Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
