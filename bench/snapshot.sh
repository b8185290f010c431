#!/usr/bin/env bash
# Restoring a snapshot of 10,000 S3 objects and 10,000 DynamoDB items, with
# the first PutObject + PutItem after each restore: in-process (bench_snapshot,
# the C API) and over HTTP (snapshot_http.py, boto3 writes), side by side in
# the same run with the other ways to a clean world: mockaws reset + fixture
# reload, and moto's /moto-api/reset + the world made again through boto3
# (smaller for moto, and scaled: it takes minutes at full size).
#
#   bench/snapshot.sh                 (builds build/bench/bench_snapshot)
#   OBJECTS=10000 ITEMS=10000 ITER=2000 RELOADS=10 MOTO=0 MOTO_OBJECTS=1000 MOTO_ITEMS=1000 bench/snapshot.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${BUILD:-$here/../build}"
bin="${MOCKAWS_BIN:-$build/bin/mockaws}"
[[ -x "$bin" ]] || { echo "no mockaws binary at $bin (build first)" >&2; exit 1; }
objects="${OBJECTS:-10000}" items="${ITEMS:-10000}"
py="$(python3 -c 'import sys; print(sys.executable)')"

cmake --build "$build" --target bench_snapshot >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## in-process (C API)"
"$build/bench/bench_snapshot" "$objects" "$items" "${ITER:-2000}" "${RELOADS:-10}"
echo "## over HTTP"
moto="${MOTO:-1}"
if [[ "$moto" == 1 ]] && ! "$py" -c 'import moto.server' 2>/dev/null; then
  echo "moto's server cannot be imported by $py: measuring mockaws alone" >&2
  moto=0
fi
"$py" "$here/snapshot_http.py" --mockaws "$bin" --objects "$objects" --items "$items" --iter "${ITER:-1000}" \
  --reloads "${RELOADS:-10}" --moto "$moto" --moto-objects "${MOTO_OBJECTS:-1000}" \
  --moto-items "${MOTO_ITEMS:-1000}" --moto-runs "${MOTO_RUNS:-3}"
