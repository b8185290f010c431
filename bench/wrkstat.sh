# wrk figures and CPU time per request, for the benchmarks that source it.
rps() { awk '/Requests\/sec:/ { print $2 }' "$1"; }
total() { awk '/requests in/ { print $1 }' "$1"; }
# CPU ticks (utime + stime) of a process and of its direct children (nginx's workers)
cpu_ticks() {
  local pid="$1" sum=0 p
  for p in "$pid" $(pgrep -P "$pid" || true); do
    [[ -r "/proc/$p/stat" ]] || continue
    sum=$(( sum + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat") ))
  done
  echo "$sum"
}
hz="$(getconf CLK_TCK)"
cpu_per_req() {  # cpu_per_req TICKS-BEFORE TICKS-AFTER WRK-FILE: microseconds
  python3 -c 'import sys; b, a, n, hz = map(float, sys.argv[1:]); print(f"{(a - b) / hz / n * 1e6:.1f}")' \
    "$1" "$2" "$(total "$3")" "$hz"
}

