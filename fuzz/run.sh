#!/bin/sh
# Runs every fuzz target (or those named) for SECONDS each on its seed corpus,
# one after the other, and fails when any finds a crash, a leak, undefined
# behaviour, an input slower than TIMEOUT seconds or memory beyond RSS_MB.
#
# Usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# New inputs go to BUILD_DIR/fuzz-corpus/<target> (the committed seeds in
# fuzz/corpus/ are only read); a failing input is written to
# BUILD_DIR/fuzz-artifacts/<target>-crash-<sha1> (or leak-, timeout-, oom-).
set -eu
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
targets=${*:-$(cd "$here/corpus" && ls)}

# halt_on_error: libFuzzer reports UBSan's first finding as a crash
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}

failed=""
passed=0
mkdir -p "$build/fuzz-artifacts"
for t in $targets; do
  bin=$build/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz: no target $bin (build with -DMOCKAWS_FUZZ=ON)" >&2; exit 2; }
  mkdir -p "$build/fuzz-corpus/$t"
  echo "fuzz: $t for ${seconds}s"
  if "$bin" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" -max_len=16384 \
       -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$t-" \
       "$build/fuzz-corpus/$t" "$here/corpus/$t" > "$build/fuzz-artifacts/$t.log" 2>&1; then
    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$build/fuzz-artifacts/$t.log" |
      tr '\n' ' ' | sed 's/^/  /; s/$/\n/'
    passed=$((passed + 1))
  else
    echo "fuzz: $t FAILED; its log ($build/fuzz-artifacts/$t.log) ends:" >&2
    tail -n 40 "$build/fuzz-artifacts/$t.log" >&2
    failed="$failed $t"
  fi
done
nfailed=$(echo $failed | wc -w)
echo "fuzz: $passed passed, $nfailed failed"
[ -z "$failed" ] || { echo "fuzz: failed:$failed" >&2; exit 1; }
