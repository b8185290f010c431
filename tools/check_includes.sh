#!/bin/sh
# Checks that the modules of server/src/core include one another without a
# circle. A module is a .c and its .h of the same name; module A depends on
# B when A's .c or .h includes B's header ("core/B.h", or "B.h" beside it).
# Any cycle in that graph (A needs B while B needs A, however long the way
# round) fails the check; tsort finds it.
# Usage: check_includes.sh SOURCE_DIR [--graph]   (--graph: print the edges)
set -eu
core=$1/server/src/core
[ -d "$core" ] || { echo "includes: no $core" >&2; exit 2; }

edges() {
  for f in "$core"/*.c "$core"/*.h; do
    a=$(basename "$f"); a=${a%.*}
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\(core\/\)\{0,1\}\([A-Za-z0-9_]*\)\.h".*/\2/p' "$f" |
      while read -r b; do
        # only core's own headers; a module may include itself
        if [ -f "$core/$b.h" ] && [ "$a" != "$b" ]; then echo "$a $b"; fi
      done
  done | sort -u
}

graph=$(edges)
if [ "${2:-}" = "--graph" ]; then printf '%s\n' "$graph"; fi
if ! out=$(printf '%s\n' "$graph" | tsort 2>&1 >/dev/null); then
  echo "includes: server/src/core has an include circle:" >&2
  printf '%s\n' "$out" | sed -n 's/^tsort: //p' >&2
  exit 1
fi
[ -z "$out" ] || { printf '%s\n' "$out" >&2; exit 1; }
echo "includes: server/src/core: $(printf '%s\n' "$graph" | wc -l) module edges, no circle"
