#!/usr/bin/env bash
# Startup: exec to the first answered request (an STS GetCallerIdentity POST),
# mockaws and moto's server side by side in one run, interleaved.
#
#   bench/startup.sh [RUNS]          (default 20; needs a built build/bin/mockaws)
#   MOCKAWS_BIN=path bench/startup.sh
#   MOTO=0 bench/startup.sh          mockaws alone (and the baselines)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
runs="${1:-20}"
bin="${MOCKAWS_BIN:-$here/../build/bin/mockaws}"
[[ -x "$bin" ]] || { echo "no mockaws binary at $bin (build first)" >&2; exit 1; }

# The real interpreter, not a version-manager shim: a shim would add its own
# start-up time to moto's.
py="$(python3 -c 'import sys; print(sys.executable)')"

servers=("mockaws=$bin --host 127.0.0.1 --port {port}")
if [[ "${MOTO:-1}" == 0 ]]; then
  :
elif "$py" -c 'import moto.server' 2>/dev/null; then
  servers+=("moto=$py -m moto.server -H 127.0.0.1 -p {port}")
else
  echo "moto's server cannot be imported by $py: measuring mockaws alone" >&2
fi

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm), $(nproc) cores, $runs runs each"
echo "# mockaws: $("$bin" --version 2>/dev/null | head -1)"
"$py" -c 'import moto; print("# moto:", moto.__version__)' 2>/dev/null || true
# Baselines from the same clock: exec to exit of /bin/true and of mockaws --version.
exec "$py" "$here/first_request.py" --runs "$runs" --exit "true=/bin/true" --exit "version=$bin --version" \
  "${servers[@]}"
