#!/bin/sh
# Checks the Debian package lists in deps/ against the build:
#  - every pkg-config module CMakeLists.txt requires before its tests section
#    comes from a package in deps/build.txt; the test section's modules and the
#    client tests' programs from deps/build.txt or deps/test.txt;
#  - every shared library the built binary links (but libc's) comes from a
#    package in deps/runtime.txt;
#  - every library the binary opens at run time instead (a deps/runtime.txt
#    line "PACKAGE # dlopen FILE") is named in the binary, not linked by it,
#    and installed by PACKAGE; and every shared-object name the sources
#    spell out ("libNAME.so.N") has such a line;
#  - the Makefile and the Dockerfile read these lists rather than their own.
# Usage: check_packages.sh SOURCE_DIR MOCKAWS_BINARY
set -eu
src=$1
bin=$2
fail=0
list() { sed -e 's/#.*//' "$@" | tr -s ' \t' '\n' | sed '/^$/d'; }
has() {  # has PACKAGE FILE...
  pkg=$1; shift
  list "$@" | grep -qx "$pkg"
}
owner() {  # owner PATH: the Debian package that installed PATH (usr-merge aware)
  for p in "$1" "$(readlink -f "$1")" "${1#/usr}" "/usr$1"; do
    o=$(dpkg -S "$p" 2>/dev/null | head -n1 | cut -d: -f1) && [ -n "$o" ] && { echo "$o"; return; }
  done
  echo ""
}
complain() { echo "packages: $*" >&2; fail=1; }

modules() {  # modules FILE [stop-marker]: the pkg-config modules pkg_check_modules asks for
  if [ -n "${2:-}" ]; then sed "/$2/q" "$1"; else cat "$1"; fi |
    grep -o 'pkg_check_modules([^)]*)' |
    sed -e 's/pkg_check_modules(//' -e 's/)//' |
    awk '{for (i = 2; i <= NF; i++) if ($i != "REQUIRED" && $i != "IMPORTED_TARGET" && $i != "QUIET") print $i}'
}
check_module() {  # check_module MODULE LIST...
  m=$1; shift
  dir=$(pkg-config --variable=pcfiledir "$m" 2>/dev/null) || { complain "pkg-config module $m is not installed"; return; }
  pkg=$(owner "$dir/$m.pc")
  [ -n "$pkg" ] || { complain "no Debian package owns $dir/$m.pc"; return; }
  has "$pkg" "$@" || complain "CMake requires $m, from $pkg, which is not in $*"
}

for m in $(modules "$src/CMakeLists.txt" '# ---- tests ----'); do
  check_module "$m" "$src/deps/build.txt"
done
for m in $(modules "$src/CMakeLists.txt") $(modules "$src/client-tests/CMakeLists.txt"); do
  check_module "$m" "$src/deps/build.txt" "$src/deps/test.txt"
done

# Programs the client tests look for; python3, node and aws are not Debian
# packages on every machine (deps/test.txt says how they are found).
for prog in $(grep -o 'find_program([A-Z_0-9]* [a-z0-9]*' "$src/client-tests/CMakeLists.txt" | awk '{print $2}'); do
  case $prog in python3|node|aws) continue ;; esac
  path=$(command -v "$prog" || true)
  [ -n "$path" ] || { complain "the client tests need $prog, which is not installed"; continue; }
  pkg=$(owner "$path")
  [ -n "$pkg" ] || { complain "no Debian package owns $path"; continue; }
  has "$pkg" "$src/deps/build.txt" "$src/deps/test.txt" || complain "the client tests run $prog, from $pkg, which is not in deps/test.txt"
done

for lib in $(objdump -p "$bin" | awk '$1 == "NEEDED" {print $2}'); do
  # libc is in every image; the sanitizer runtimes only in sanitizer builds
  case $lib in libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|ld-linux*|libasan.so.*|libubsan.so.*|liblsan.so.*|libtsan.so.*) continue ;; esac
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
  [ -n "$path" ] || { complain "$bin links $lib, which ldconfig does not know"; continue; }
  pkg=$(owner "$path")
  [ -n "$pkg" ] || { complain "no Debian package owns $path"; continue; }
  pkg=${pkg%%:*}
  has "$pkg" "$src/deps/runtime.txt" || complain "$bin links $lib, from $pkg, which is not in deps/runtime.txt"
done

# The one allowance: a library the code opens with g_module_open (libsoup,
# S3's POST Object) has no NEEDED entry, so its package is listed with a
# "dlopen FILE" note. The note must be true: the binary carries FILE's name
# (the string it opens), does not link it, and PACKAGE ships it.
needed=$(objdump -p "$bin" | awk '$1 == "NEEDED" {print $2}')
sed -n 's/^[[:space:]]*\([^#[:space:]]\{1,\}\)[[:space:]]*#[[:space:]]*dlopen[[:space:]]\{1,\}\([^[:space:]]\{1,\}\).*/\1 \2/p' \
    "$src/deps/runtime.txt" |
  while read -r pkg file; do
    if echo "$needed" | grep -qx "$file"; then
      complain "deps/runtime.txt says $file is dlopen'ed, but $bin links it"
    elif ! grep -qaF "$file" "$bin"; then
      complain "deps/runtime.txt says $bin dlopens $file, but $bin does not name it"
    else
      path=$(ldconfig -p | awk -v l="$file" '$1 == l {print $NF; exit}')
      if [ -z "$path" ]; then
        complain "$bin opens $file at run time, which ldconfig does not know"
      else
        o=$(owner "$path")
        [ "${o%%:*}" = "$pkg" ] || complain "$bin opens $file, from ${o:-no package}, but deps/runtime.txt says $pkg"
      fi
    fi
    [ $fail -eq 0 ] || exit 1
  done || fail=1
for file in $(grep -rhoE '"lib[A-Za-z0-9_.+-]*\.so(\.[0-9]+)*"' "$src/server/src" "$src/server/cli" | tr -d '"' | sort -u); do
  grep -Eq "#[[:space:]]*dlopen[[:space:]]+$file([[:space:]]|\$)" "$src/deps/runtime.txt" ||
    complain "the sources open $file at run time, which deps/runtime.txt does not list as dlopen'ed"
done

grep -q 'deps/build.txt' "$src/Makefile" || complain "the Makefile does not read deps/build.txt"
grep -q 'deps/test.txt' "$src/Makefile" || complain "the Makefile does not read deps/test.txt"
grep -q 'deps/build.txt' "$src/Dockerfile" || complain "the Dockerfile does not read deps/build.txt"
grep -q 'deps/runtime.txt' "$src/Dockerfile" || complain "the Dockerfile does not read deps/runtime.txt"
if grep -Eq 'apt-get install[^$]*lib[a-z0-9.+-]*-dev' "$src/Dockerfile" "$src/Makefile" "$src/README.md"; then
  complain "a package list is written out by hand outside deps/"
fi

[ $fail -eq 0 ] && echo "packages: deps/ agrees with CMakeLists.txt, the client tests and $(basename "$bin")"
exit $fail
