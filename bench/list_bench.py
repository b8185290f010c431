#!/usr/bin/env python3
"""ListObjectsV2 page cost at scale (issue 3): a 1000-key page from a bucket of 1,000,000
keys against the same page from a bucket of 1,000 keys, side by side in one run.

Each bucket is loaded with the fixture `generate` form passed with --fixtures, one server
per size. Pages are fetched over one keep-alive connection per server with raw
http.client requests (no SDK: its overhead would hide the server's), alternating between
the two servers, and every answer is checked (status, KeyCount, first key). Reported:
median and p90 page latency per case and the big/small ratio (target: <= 1.5), load time
(exec to ready, i.e. to the port file) and resident memory (VmRSS) per object against an
idle server.

Cases (the same request against both buckets):
  start           the first page
  start-after     a page from the middle (start-after = the middle key); with 1,000 keys
                  in the small bucket the middle pages hold 500 keys at both sizes
  token           the same page from the middle by continuation token
  prefix+delim    prefix k/ and delimiter / (a 1000-key page, no roll-up)
  delim-rollup    delimiter / alone: the whole bucket rolls up into one CommonPrefix
  dirs            prefix d/ and delimiter / over 1000 "directories" of N/1000 keys each:
                  1000 CommonPrefixes per page, each rolling up N/1000 keys

  bench/list_bench.py                          defaults: 1,000,000 vs 1,000 keys, 200 pages
  bench/list_bench.py --count 200000 --reps 50
  MOCKAWS_BIN=path bench/list_bench.py
Everything listens on 127.0.0.1 and is stopped on exit.
"""
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00")


# the cases the criterion is about: pages of keys
KEY_PAGES = ("start", "start-after", "token", "prefix+delim")


def digits(n):
    return len(str(n))


def gen_key(prefix, i, count):
    return f"{prefix}{i:0{digits(count)}d}"


class Server(scale.Server):
    def get(self, path):
        """(seconds, status, body) of an S3 GET over the keep-alive connection."""
        return self.request("GET", path, headers={"Authorization": AUTH,
                                                  "X-Amz-Date": "20261129T000000Z",
                                                  "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})


def fixture(count, dirs):
    """Bucket 'keys' with count keys under k/, bucket 'dirs' with 1000 prefixes of
    count/1000 keys each."""
    per_dir = max(1, count // 1000)
    return {"s3": {"buckets": [
        {"name": "keys", "objects": [{"generate": {"prefix": "k/", "count": count, "size": 16}}]},
        {"name": "dirs", "objects": [{"generate": {"prefix": f"d/{d:04d}/", "count": per_dir,
                                                   "size": 16}} for d in range(1000)]}
        if dirs else {"name": "dirs", "objects": []},
    ]}}


def list_path(bucket, **params):
    q = {"list-type": "2", "encoding-type": "url"}
    q.update({k.replace("_", "-"): v for k, v in params.items()})
    return f"/{bucket}?{urllib.parse.urlencode(q)}"


def tag(body, name):
    m = re.search(rf"<{name}>([^<]*)</{name}>".encode(), body)
    return m.group(1).decode() if m else None


def cases_for(server, count, dirs, mid_page):
    """Request paths per case, and what each answer must hold: (path, keycount, first).
    The middle cases ask for mid_page keys (1000, or half the small bucket when that is
    smaller) starting from the middle of the bucket, so both sizes return full pages."""
    start = count // 2 if count >= 2 * mid_page + 2 else (count - mid_page) // 2
    mid = gen_key("k/", start, count)
    after_mid = gen_key("k/", start + 1, count)
    _, status, body = server.get(list_path("keys", start_after=mid, max_keys="1"))
    token = tag(body, "NextContinuationToken")
    if status != 200 or not token:
        raise SystemExit(f"{server.name}: no continuation token from the middle: {body[:300]!r}")
    page = str(mid_page)
    cases = {
        "start": (list_path("keys", max_keys="1000"), 1000, gen_key("k/", 0, count)),
        "start-after": (list_path("keys", start_after=mid, max_keys=page), mid_page, after_mid),
        # the token continues after the one key that the max-keys=1 page returned
        "token": (list_path("keys", continuation_token=token, max_keys=page), mid_page,
                  gen_key("k/", start + 2, count)),
        "prefix+delim": (list_path("keys", prefix="k/", delimiter="/"), 1000,
                         gen_key("k/", 0, count)),
        "delim-rollup": (list_path("keys", delimiter="/"), 1, None),
    }
    if dirs:
        cases["dirs"] = (list_path("dirs", prefix="d/", delimiter="/"), 1000, None)
    return cases


def check(server, case, spec, status, body):
    path, keycount, first = spec
    if status != 200:
        raise SystemExit(f"{server.name} {case}: status {status}: {body[:300]!r}")
    got = tag(body, "KeyCount")
    if got != str(keycount):
        raise SystemExit(f"{server.name} {case}: KeyCount {got}, expected {keycount}")
    if first is not None:
        key = urllib.parse.unquote_plus(tag(body, "Key") or "")
        if key != first:
            raise SystemExit(f"{server.name} {case}: first key {key!r}, expected {first!r}")


pct = scale.pct


def main():
    ap = scale.arg_parser(__doc__, "keys in the big bucket", "keys in the small bucket", reps=200, warmup=20)
    ap.add_argument("--no-dirs", action="store_true", help="skip the 'dirs' bucket")
    args = scale.parse(ap)
    dirs = not args.no_dirs

    with scale.workspace("mockaws-list-bench-") as (work, servers):
        idle = Server(args.bin, work, "idle")
        servers.append(idle)
        time.sleep(0.2)
        idle_rss = idle.rss_kib()
        small = Server(args.bin, work, "small", fixture(args.small, dirs))
        servers.append(small)
        big = Server(args.bin, work, "big", fixture(args.count, dirs))
        servers.append(big)
        sizes = {"small": (small, args.small), "big": (big, args.count)}
        objects = {name: n + (max(1, n // 1000) * 1000 if dirs else 0)
                   for name, (_, n) in sizes.items()}
        rss_loaded = {name: s.rss_kib() for name, (s, _) in sizes.items()}

        mid_page = min(1000, args.small // 2)
        cases = {name: cases_for(s, n, dirs, mid_page) for name, (s, n) in sizes.items()}
        timings = scale.alternate(sizes, cases, args.warmup, args.reps,
                                  lambda server, spec: server.get(spec[0]), check)
        rss_after = {name: s.rss_kib() for name, (s, _) in sizes.items()}

        print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())} {os.uname().sysname} "
              f"{os.uname().release} {os.uname().machine}, {os.cpu_count()} cores; "
              f"{args.reps} pages per case and size after {args.warmup} warm-up, "
              f"one keep-alive connection per server, alternating")
        print(f"# middle pages (start-after, token) hold {mid_page} keys at both sizes")
        print(f"# buckets: keys = {args.count:,} vs {args.small:,} generated keys (16 B each)"
              + ("; dirs = 1000 prefixes x count/1000 keys" if dirs else ""))
        print()
        result = {"count": args.count, "small": args.small, "reps": args.reps}
        # the criterion is about the 1000-key pages; roll-ups are informational
        worst, worst_all = scale.ratio_table(timings, args.small, args.count, result, KEY_PAGES)
        print()
        print("| server | objects | exec to ready | VmRSS loaded | VmRSS after listing | "
              "RSS over idle per object |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        print(f"| idle | 0 | {idle.ready_s * 1e3:.1f} ms | {idle_rss / 1024:.1f} MiB | - | - |")
        for name, (server, _) in sizes.items():
            per = (rss_loaded[name] - idle_rss) * 1024 / objects[name]
            result[name] = {"objects": objects[name], "ready_s": server.ready_s,
                            "rss_kib": rss_loaded[name], "rss_after_kib": rss_after[name],
                            "bytes_per_object": per}
            print(f"| {name} | {objects[name]:,} | {server.ready_s * 1e3:.1f} ms | "
                  f"{rss_loaded[name] / 1024:.1f} MiB | {rss_after[name] / 1024:.1f} MiB | "
                  f"{per:.0f} B |")
        result["idle_rss_kib"] = idle_rss
        result["worst_ratio"] = worst
        result["worst_ratio_all_cases"] = worst_all
        print()
        verdict = "meets" if worst <= scale.TARGET else "MISSES"
        print(f"worst big/small median ratio of the key pages ({', '.join(KEY_PAGES)}): "
              f"{worst:.2f} ({verdict} the issue's 1.5x target)")
        print(f"worst over every case, delimiter roll-ups included: {worst_all:.2f} "
              f"(informational: a roll-up page seeks once per common prefix, O(page log n))")
        return scale.finish(result, worst, args.json)


if __name__ == "__main__":
    sys.exit(main())
