#!/bin/sh
# The README's client snippets against `mockaws env --client NAME` for the
# default endpoint: each block between
#   <!-- mockaws env --client NAME -->   and   <!-- end -->
# holds one fenced code block whose lines must equal that output byte for
# byte, and every client `mockaws env --client list` names must have one.
#
#   check_readme_clients.sh README.md MOCKAWS_BIN            fails on a difference
#   check_readme_clients.sh --write README.md MOCKAWS_BIN    rewrites each block's body
set -eu

write=0
if [ "${1:-}" = --write ]; then write=1; shift; fi
readme=$1 bin=$2
endpoint=http://127.0.0.1:4566
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" env --client list | awk '{print $1}' >"$tmp/names"
[ -s "$tmp/names" ] || { echo "mockaws env --client list named no client" >&2; exit 1; }
while read -r name; do
  "$bin" env --client "$name" --endpoint "$endpoint" >"$tmp/want.$name"
done <"$tmp/names"

# awk splits the README: the lines inside each marked block's fence go to
# got.NAME; with --write, the README is printed with each body replaced.
awk -v dir="$tmp" -v write="$write" '
  function flush_want(name,   line, f) {
    f = dir "/want." name
    while ((getline line < f) > 0) print line
    close(f)
  }
  /^<!-- mockaws env --client [a-z0-9-]+ -->$/ { name = $5; state = 1; print; next }
  state == 1 && /^```/ { state = 2; print; if (write) flush_want(name); next }
  state == 2 && /^```$/ { state = 3; print; next }
  state == 2 { print > (dir "/got." name); if (!write) print; next }
  state == 3 && /^<!-- end -->$/ { print name > (dir "/seen"); state = 0; print; next }
  { print }
' "$readme" >"$tmp/out"

if [ "$write" = 1 ]; then
  cp "$tmp/out" "$readme"
  exit 0
fi

fail=0
while read -r name; do
  if ! grep -qx "$name" "$tmp/seen" 2>/dev/null; then
    echo "README: no <!-- mockaws env --client $name --> block" >&2
    fail=1
  elif ! cmp -s "$tmp/want.$name" "$tmp/got.$name"; then
    echo "README: the $name snippet differs from mockaws env --client $name --endpoint $endpoint:" >&2
    diff -u "$tmp/got.$name" "$tmp/want.$name" >&2 || true
    fail=1
  fi
done <"$tmp/names"
[ "$fail" = 0 ] || echo "(tools/check_readme_clients.sh --write README.md BIN rewrites the blocks)" >&2
exit "$fail"
