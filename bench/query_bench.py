#!/usr/bin/env python3
"""DynamoDB Query page cost at scale (issue 6): a page from a partition of 1,000,000 items
against the same page from a partition of 1,000 items, side by side in one run.

Each table is loaded with the dynamodb fixture's `generate` form (one partition "p", numeric
sort keys 0..N-1, a 100-byte payload), one server per size. Pages are fetched over one
keep-alive connection per server with raw http.client requests (no SDK: its overhead would
hide the server's), alternating between the two servers, and every answer is checked
(status, Count, first sort key, LastEvaluatedKey). Reported: median and p90 page latency per
case and the big/small ratio (target: <= 1.5), load time (exec to ready, i.e. to the port
file) and resident memory (VmRSS) per item against an idle server.

Cases (the same request against both tables; pages of --page items):
  start        KeyConditionExpression pk = :p, the first page
  middle       the page after ExclusiveStartKey sk = N/2 (how a paginator continues)
  between      pk = :p AND sk BETWEEN N/2 AND N/2 + page - 1 (a range seek)
  backward     ScanIndexForward false from ExclusiveStartKey sk = N/2
  filtered     the middle page through a FilterExpression that keeps none of it
  scan-middle  Scan from ExclusiveStartKey sk = N/2 (Scan pages are O(page) too)

  bench/query_bench.py                          defaults: 1,000,000 vs 1,000 items, 300 pages
  bench/query_bench.py --count 200000 --reps 100
  MOCKAWS_BIN=path bench/query_bench.py
Everything listens on 127.0.0.1 and is stopped on exit.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00")


class Server(scale.Server):
    def call(self, op, body):
        """(seconds, status, parsed answer) of a DynamoDB call over the keep-alive
        connection."""
        dt, status, raw = self.request("POST", "/", body=json.dumps(body).encode(), headers={
            "Authorization": AUTH, "X-Amz-Date": "20261129T000000Z",
            "X-Amz-Target": f"DynamoDB_20120810.{op}",
            "Content-Type": "application/x-amz-json-1.0"})
        return dt, status, json.loads(raw)


def fixture(count, size):
    return {"dynamodb": {"tables": [{
        "TableName": "items", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}],
        "generate": {"partition": "p", "count": count, "size": size}}]}}


def cases_for(count, page):
    """Per case: (operation, body, expected count, expected first sk, LastEvaluatedKey expected)."""
    mid = count // 2
    if mid + page > count or mid - page < 0:
        raise SystemExit(f"{count} items are too few for pages of {page} from the middle")
    key = {":p": {"S": "p"}}
    esk = {"pk": {"S": "p"}, "sk": {"N": str(mid)}}
    q = {"TableName": "items", "KeyConditionExpression": "pk = :p", "Limit": page}
    return {
        "start": ("Query", dict(q, ExpressionAttributeValues=key), page, 0, True),
        "middle": ("Query", dict(q, ExpressionAttributeValues=key, ExclusiveStartKey=esk),
                   page, mid + 1, True),
        "between": ("Query", {"TableName": "items",
                              "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                              "ExpressionAttributeValues": dict(key, **{
                                  ":a": {"N": str(mid)}, ":b": {"N": str(mid + page - 1)}})},
                    page, mid, False),
        "backward": ("Query", dict(q, ExpressionAttributeValues=key, ExclusiveStartKey=esk,
                                   ScanIndexForward=False), page, mid - 1, True),
        "filtered": ("Query", dict(q, ExclusiveStartKey=esk, FilterExpression="#d = :z",
                                   ExpressionAttributeNames={"#d": "data"},
                                   ExpressionAttributeValues=dict(key, **{":z": {"S": "none"}})),
                     0, None, True),
        "scan-middle": ("Scan", {"TableName": "items", "Limit": page, "ExclusiveStartKey": esk},
                        page, mid + 1, True),
    }


def check(server, case, spec, status, body):
    _, _, count, first, lek = spec
    if status != 200:
        raise SystemExit(f"{server.name} {case}: status {status}: {str(body)[:300]}")
    if body.get("Count") != count:
        raise SystemExit(f"{server.name} {case}: Count {body.get('Count')}, expected {count}")
    got = int(body["Items"][0]["sk"]["N"]) if body.get("Items") else None
    if got != first:
        raise SystemExit(f"{server.name} {case}: first sk {got}, expected {first}")
    if ("LastEvaluatedKey" in body) != lek:
        raise SystemExit(f"{server.name} {case}: LastEvaluatedKey {body.get('LastEvaluatedKey')}")


pct = scale.pct


def main():
    ap = scale.arg_parser(__doc__, "items in the big partition", "items in the small partition", reps=300, warmup=30)
    ap.add_argument("--page", type=int, default=100, help="items per page (Limit)")
    ap.add_argument("--size", type=int, default=100, help="payload bytes per item")
    args = scale.parse(ap)

    with scale.workspace("mockaws-query-bench-") as (work, servers):
        idle = Server(args.bin, work, "idle")
        servers.append(idle)
        time.sleep(0.2)
        idle_rss = idle.rss_kib()
        small = Server(args.bin, work, "small", fixture(args.small, args.size))
        servers.append(small)
        big = Server(args.bin, work, "big", fixture(args.count, args.size))
        servers.append(big)
        sizes = {"small": (small, args.small), "big": (big, args.count)}
        rss_loaded = {name: s.rss_kib() for name, (s, _) in sizes.items()}
        cases = {name: cases_for(n, args.page) for name, (_, n) in sizes.items()}
        timings = scale.alternate(sizes, cases, args.warmup, args.reps,
                                  lambda server, spec: server.call(spec[0], spec[1]), check)

        print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())} {os.uname().sysname} "
              f"{os.uname().release} {os.uname().machine}, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}; {args.reps} pages per case and size "
              f"after {args.warmup} warm-up, one keep-alive connection per server, alternating")
        print(f"# one partition of {args.count:,} vs {args.small:,} generated items "
              f"({args.size} B payload, numeric sort keys); pages of {args.page} items")
        print()
        result = {"count": args.count, "small": args.small, "page": args.page, "reps": args.reps}
        worst, _ = scale.ratio_table(timings, args.small, args.count, result)
        print()
        print("| server | items | exec to ready | VmRSS loaded | RSS over idle per item |")
        print("| --- | ---: | ---: | ---: | ---: |")
        print(f"| idle | 0 | {idle.ready_s * 1e3:.1f} ms | {idle_rss / 1024:.1f} MiB | - |")
        for name, (server, n) in sizes.items():
            per = (rss_loaded[name] - idle_rss) * 1024 / n
            result[name] = {"items": n, "ready_s": server.ready_s,
                            "rss_kib": rss_loaded[name], "bytes_per_item": per}
            print(f"| {name} | {n:,} | {server.ready_s * 1e3:.1f} ms | "
                  f"{rss_loaded[name] / 1024:.1f} MiB | {per:.0f} B |")
        result["idle_rss_kib"] = idle_rss
        result["worst_ratio"] = worst
        print()
        verdict = "meets" if worst <= scale.TARGET else "MISSES"
        print(f"worst big/small median ratio: {worst:.2f} ({verdict} the issue's 1.5x target)")
        return scale.finish(result, worst, args.json)


if __name__ == "__main__":
    sys.exit(main())
