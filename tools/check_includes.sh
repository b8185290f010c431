#!/bin/sh
# Checks two rules of how server/src includes itself:
#  1. The modules of server/src/core include one another without a circle.
#     A module is a .c and its .h of the same name; module A depends on B
#     when A's .c or .h includes B's header ("core/B.h", or "B.h" beside
#     it). Any cycle in that graph (A needs B while B needs A, however long
#     the way round) fails the check; tsort finds it.
#  2. No file under server/src/services includes anything from core/: a
#     service asks the server for what it needs through services/svc_api.h
#     (docs/ARCHITECTURE.md, "What a service implements").
# Usage: check_includes.sh SOURCE_DIR [--graph]   (--graph: print the edges)
#        check_includes.sh --self-test           (the checks fail where they must)
set -eu

if [ "${1:-}" = "--self-test" ]; then
  me=$0
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/server/src/core" "$tmp/server/src/services/xyz"
  printf '#include "core/b.h"\n' >"$tmp/server/src/core/a.h"
  : >"$tmp/server/src/core/b.h"
  printf '#include "services/svc_api.h"\n' >"$tmp/server/src/services/xyz/xyz.c"
  sh "$me" "$tmp" >/dev/null || { echo "includes self-test: a clean tree was refused" >&2; exit 1; }
  for bad in '#include "core/server.h"' '#  include "core/route.h" /* x */' '#include "../../core/jtext.h"' \
             '#include <core/fsref.h>'; do
    printf '%s\n' "$bad" >"$tmp/server/src/services/xyz/xyz.c"
    if sh "$me" "$tmp" >/dev/null 2>&1; then
      echo "includes self-test: a service including core was let through: $bad" >&2; exit 1
    fi
  done
  printf '#include "services/svc_api.h"\n' >"$tmp/server/src/services/xyz/xyz.c"
  printf '#include "a.h"\n' >"$tmp/server/src/core/b.h"
  if sh "$me" "$tmp" >/dev/null 2>&1; then
    echo "includes self-test: a circle in core was let through" >&2; exit 1
  fi
  echo "includes self-test: both rules refuse what they must"
  exit 0
fi

core=$1/server/src/core
services=$1/server/src/services
[ -d "$core" ] || { echo "includes: no $core" >&2; exit 2; }
[ -d "$services" ] || { echo "includes: no $services" >&2; exit 2; }

# Rule 2: any include, quoted or angled, whose path has a core/ part.
into_core=$(find "$services" -type f \( -name '*.c' -o -name '*.h' \) -exec \
  grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]*/)?core/' {} + || true)
if [ -n "$into_core" ]; then
  echo "includes: server/src/services must not include core/ (use services/svc_api.h):" >&2
  printf '%s\n' "$into_core" | sed "s|^$1/||" >&2
  exit 1
fi

edges() {
  for f in "$core"/*.c "$core"/*.h; do
    [ -f "$f" ] || continue
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
echo "includes: server/src/core: $(printf '%s\n' "$graph" | wc -l) module edges, no circle; server/src/services includes nothing from core"
