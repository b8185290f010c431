#!/usr/bin/env python3
"""Shares of a perf profile by library and by function, for a mockaws that
links its dependencies statically (CMakeLists.txt, MOCKAWS_STATIC_DEPS): perf
then sees one object and, on this VM's perf, cannot read its symbols. Each
sampled address in the binary is mapped to its function with nm, and each
function to the archive that defines it (nm of the static archives the link
used) or to mockaws itself.

    perf_by_lib.py PERF.DATA BINARY [BUILD_DIR] [TOP]
"""
import bisect
import collections
import os
import re
import subprocess
import sys


def nm_functions(path):
    out = subprocess.run(["nm", "--defined-only", path], capture_output=True, text=True).stdout
    return [(int(a, 16), n) for a, t, n in (l.split()[:3] for l in out.splitlines() if len(l.split()) >= 3)
            if t in "tTwW"]


def archives(build_dir):
    """The static archives on the executable's link line (CMake's link.txt)."""
    try:
        text = open(os.path.join(build_dir, "CMakeFiles", "mockaws.dir", "link.txt")).read()
    except OSError:
        return []
    return sorted({w for w in text.split() if w.endswith(".a") and os.path.isabs(w)})


def main():
    data, binary = sys.argv[1], sys.argv[2]
    build_dir = sys.argv[3] if len(sys.argv) > 3 else "build"
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    funcs = sorted(nm_functions(binary))
    starts = [a for a, _ in funcs]
    origin = {}
    for ar in archives(build_dir):
        lib = os.path.basename(ar)
        for _, name in nm_functions(ar):
            origin.setdefault(name, lib)
    base = os.path.basename(binary)
    report = subprocess.run(["perf", "report", "-i", data, "--no-children", "-g", "none", "--sort", "dso,sym",
                             "--stdio"], capture_output=True, text=True).stdout
    by_sym, by_lib = collections.Counter(), collections.Counter()
    line_re = re.compile(r"^\s+([0-9.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)")
    for line in report.splitlines():
        m = line_re.match(line)
        if not m:
            continue
        share, dso, _, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
        lib = dso
        if dso == base:
            if sym.startswith("0x"):
                # perf prints the address as an offset into the file; for
                # this PIE the text is mapped at its link address, so they agree.
                i = bisect.bisect_right(starts, int(sym, 16)) - 1
                sym = funcs[i][1] if i >= 0 else sym
            lib = origin.get(sym, "mockaws")
        by_sym[(lib, sym)] += share
        by_lib[lib] += share
    print("### by library (self, % of samples)")
    for lib, share in by_lib.most_common(12):
        print(f"  {share:6.2f}%  {lib}")
    print(f"### top {top} functions (self)")
    for (lib, sym), share in by_sym.most_common(top):
        print(f"  {share:6.2f}%  {lib:28s} {sym}")


if __name__ == "__main__":
    main()
