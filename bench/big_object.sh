#!/usr/bin/env bash
# Memory of a server holding one 5 GiB S3 object: PUT streamed by curl from
# /dev/zero (nothing of that size on disk beforehand), then RSS split into
# anonymous and file-backed (the object lives in an unlinked temporary file
# in $TMPDIR, mapped), then a full GET to /dev/null and a DELETE.
#
#   bench/big_object.sh               5 GiB
#   SIZE=$((1024**3)) bench/big_object.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
size="${SIZE:-$((5 * 1024 * 1024 * 1024))}"
start_mockaws
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); object of $size bytes"
echo "idle:        $(memory "$pid")"
curl -fsS -X PUT -H "$auth_s3" "$endpoint/big-bucket" -o /dev/null
start=$(date +%s.%N)
head -c "$size" /dev/zero | curl -fsS -T - -H "Content-Length: $size" -H "Expect:" -H "$auth_s3" \
  "$endpoint/big-bucket/object" -o /dev/null
put_s=$(since "$start")
echo "PUT:         ${put_s} s"
echo "after PUT:   $(memory "$pid")"
echo "             $(smaps "$pid")"
echo "HEAD:        $(curl -fsSI -H "$auth_s3" "$endpoint/big-bucket/object" | tr -d '\r' | grep -iE '^(content-length|etag)' | tr '\n' ' ')"
start=$(date +%s.%N)
got=$(curl -fsS -H "$auth_s3" "$endpoint/big-bucket/object" -o /dev/null -w '%{size_download}')
get_s=$(since "$start")
echo "GET:         $got bytes in ${get_s} s"
echo "after GET:   $(memory "$pid")"
echo "             $(smaps "$pid")"
curl -fsS -X DELETE -H "$auth_s3" "$endpoint/big-bucket/object" -o /dev/null
sleep 0.5
echo "after DELETE: $(memory "$pid")"
