#!/usr/bin/env python3
"""ListObjectVersions page cost at scale (issue 13): a 1000-entry page from a bucket of
1,000,000 versions against the same page from a bucket of 1,000 versions, side by side
in one run, in the style of list_bench.py (whose server handling it shares).

Each server loads a versioned bucket with the fixture `generate` form (`"versioning":
"Enabled"`, each key written `versions` times) through --fixtures:
  keys   count/10 keys of 10 versions each
  deep   one key with count versions (a page from its middle seeks inside one key)
Pages are fetched over one keep-alive connection per server with raw http.client
requests, alternating between the two servers, and every answer is checked (status,
number of <Version> entries, the first key). Reported: median and p90 per case and the
big/small ratio (target, as for ListObjectsV2: <= 1.5), load time and VmRSS per version.

Cases (the same request against both buckets):
  start           the first page of `keys`
  key-marker      a page from the middle of `keys` by key-marker alone
  version-marker  the same by key-marker + version-id-marker (from a max-keys=1 page)
  deep            a page from the middle of `deep` by key-marker + version-id-marker
  prefix+delim    prefix k/ and delimiter /: a 1000-entry page

  bench/list_versions_bench.py                      defaults: 1,000,000 vs 1,000, 200 pages
  bench/list_versions_bench.py --count 200000 --reps 50
  MOCKAWS_BIN=path bench/list_versions_bench.py
Everything listens on 127.0.0.1 and is stopped on exit.
"""
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402
from list_bench import HERE, Server, gen_key, tag  # noqa: E402

PER_KEY = 10


def fixture(count):
    keys = max(1, count // PER_KEY)
    return {"s3": {"buckets": [
        {"name": "keys", "versioning": "Enabled",
         "objects": [{"generate": {"prefix": "k/", "count": keys, "size": 16, "versions": PER_KEY}}]},
        {"name": "deep", "versioning": "Enabled",
         "objects": [{"generate": {"prefix": "d", "count": 1, "size": 16, "versions": count}}]},
    ]}}


def versions_path(bucket, **params):
    q = {"versions": "", "encoding-type": "url"}
    q.update({k.replace("_", "-"): v for k, v in params.items()})
    return f"/{bucket}?{urllib.parse.urlencode(q)}"


def markers(server, bucket, **params):
    """(NextKeyMarker, NextVersionIdMarker) of a one-entry page."""
    _, status, body = server.get(versions_path(bucket, max_keys="1", **params))
    km, vm = tag(body, "NextKeyMarker"), tag(body, "NextVersionIdMarker")
    if status != 200 or not km or not vm:
        raise SystemExit(f"{server.name}: no markers from {bucket}: {body[:300]!r}")
    return urllib.parse.unquote(km), vm


def cases_for(server, count, page):
    """Request paths per case: (path, entries, first key)."""
    keys = max(1, count // PER_KEY)
    mid = keys // 2 if keys >= 2 * (page // PER_KEY) + 2 else (keys - page // PER_KEY) // 2
    mid_key = gen_key("k/", mid, keys)
    km, vm = markers(server, "keys", key_marker=mid_key)
    deep_from = deep_marker(server, count)
    page_s = str(page)
    return {
        "start": (versions_path("keys", max_keys="1000"), 1000, gen_key("k/", 0, keys)),
        "key-marker": (versions_path("keys", key_marker=mid_key, max_keys=page_s), page,
                       gen_key("k/", mid + 1, keys)),
        "version-marker": (versions_path("keys", key_marker=km, version_id_marker=vm, max_keys=page_s),
                           page, km),
        "deep": (versions_path("deep", key_marker="d0", version_id_marker=deep_from, max_keys=page_s),
                 page, "d0"),
        "prefix+delim": (versions_path("keys", prefix="k/", delimiter="/"), 1000, gen_key("k/", 0, keys)),
    }


def deep_marker(server, count):
    """A version id about the middle of the deep key, reached by paging through its
    first half 1000 versions at a time (once, before the timed pages)."""
    km, vm = "d0", None
    seen, target = 0, count // 2
    step = 1000
    while seen + step <= target:
        q = {"key_marker": km, "max_keys": str(step)}
        if vm:
            q["version_id_marker"] = vm
        _, status, body = server.get(versions_path("deep", **q) if vm else
                                     versions_path("deep", max_keys=str(step)))
        nvm = tag(body, "NextVersionIdMarker")
        if status != 200 or not nvm:
            break
        vm = nvm
        seen += step
    if vm is None:
        vm = markers(server, "deep")[1]
    return vm


def check(server, case, spec, status, body):
    path, entries, first = spec
    if status != 200:
        raise SystemExit(f"{server.name} {case}: status {status}: {body[:300]!r}")
    got = body.count(b"<Version>")
    if got != entries:
        raise SystemExit(f"{server.name} {case}: {got} versions, expected {entries}")
    key = urllib.parse.unquote(tag(body, "Key") or "")
    if key != first:
        raise SystemExit(f"{server.name} {case}: first key {key!r}, expected {first!r}")


def main():
    ap = scale.arg_parser(__doc__, "versions in each big bucket", "versions in each small bucket", reps=200, warmup=20)
    args = scale.parse(ap)

    with scale.workspace("mockaws-versions-bench-") as (work, servers):
        idle = Server(args.bin, work, "idle")
        servers.append(idle)
        time.sleep(0.2)
        idle_rss = idle.rss_kib()
        small = Server(args.bin, work, "small", fixture(args.small))
        servers.append(small)
        big = Server(args.bin, work, "big", fixture(args.count))
        servers.append(big)
        sizes = {"small": (small, args.small), "big": (big, args.count)}
        rss_loaded = {name: s.rss_kib() for name, (s, _) in sizes.items()}

        page = min(1000, args.small // 2)
        cases = {name: cases_for(s, n, page) for name, (s, n) in sizes.items()}
        timings = scale.alternate(sizes, cases, args.warmup, args.reps,
                                  lambda server, spec: server.get(spec[0]), check)

        print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())} {os.uname().sysname} "
              f"{os.uname().release} {os.uname().machine}, {os.cpu_count()} cores; "
              f"{args.reps} pages per case and size after {args.warmup} warm-up, "
              f"one keep-alive connection per server, alternating")
        print(f"# buckets: keys = {args.count:,} vs {args.small:,} versions ({PER_KEY} per key), "
              f"deep = one key of as many versions; middle pages hold {page} entries")
        print()
        result = {"count": args.count, "small": args.small, "reps": args.reps}
        worst, _ = scale.ratio_table(timings, args.small, args.count, result)
        print()
        print("| server | versions | exec to ready | VmRSS loaded | RSS over idle per version |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, (server, n) in sizes.items():
            versions = 2 * n
            per = (rss_loaded[name] - idle_rss) * 1024 / versions
            result[name] = {"versions": versions, "ready_s": server.ready_s,
                            "rss_kib": rss_loaded[name], "bytes_per_version": per}
            print(f"| {name} | {versions:,} | {server.ready_s * 1e3:.1f} ms | "
                  f"{rss_loaded[name] / 1024:.1f} MiB | {per:.0f} B |")
        result["worst_ratio"] = worst
        print()
        verdict = "meets" if worst <= scale.TARGET else "MISSES"
        print(f"worst big/small median ratio: {worst:.2f} ({verdict} the 1.5x target)")
        return scale.finish(result, worst, args.json)


if __name__ == "__main__":
    sys.exit(main())
