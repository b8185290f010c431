"""Restoring a world over HTTP, side by side with the peers' ways to a clean
world (bench/snapshot.sh runs it).

mockaws: a world of --objects S3 objects and --items DynamoDB items (fixture
`generate`), snapshotted once; then --iter times POST
/_mockaws/snapshots/world/restore followed by a PutObject and a PutItem
through boto3 (the first writes after a restore, which copy the paths they
change). Then the other way to the same clean world on the same server: POST
/_mockaws/reset and the fixture posted again (--reloads times).

moto: POST /moto-api/reset and the world made again through boto3 (S3
put_object one by one, DynamoDB batch_write_item by 25), which is the only way
moto has; at --moto-objects / --moto-items (smaller: it is slow), then the
same two writes. Wall-clock milliseconds, p50 / p99 / max.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import boto3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port, proc, what):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    sys.exit(f"{what} did not listen within 60 s")


class Control:
    """Keep-alive JSON requests to one server."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read()
        if resp.status != 200:
            sys.exit(f"{method} {path}: {resp.status} {text[:300]!r}")
        return json.loads(text) if text else None


def clients(port):
    kw = dict(endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id="test",
              aws_secret_access_key="test")
    return boto3.client("s3", **kw), boto3.client("dynamodb", **kw)


def writes(s3, ddb, i):
    s3.put_object(Bucket="world", Key=f"after-{i}", Body=b"written after a restore")
    ddb.put_item(TableName="world", Item={"pk": {"S": f"after-{i}"}})


def report(what, ms):
    ms = sorted(ms)
    n = len(ms)
    print(f"{what:<46} n={n:<5} p50 {ms[n // 2]:9.2f} ms  p99 {ms[min(n - 1, n * 99 // 100)]:9.2f} ms  "
          f"max {ms[-1]:9.2f} ms", flush=True)


TABLE = dict(TableName="world", BillingMode="PAY_PER_REQUEST",
             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])


def fixture(objects, items):
    return {"s3": {"buckets": [{"name": "world", "objects": [
                {"generate": {"prefix": "k/", "count": objects, "size": 100}}]}]},
            "dynamodb": {"table_delay_ms": 0, "tables": [dict(TABLE, generate={"count": items, "size": 100})]}}


def bench_mockaws(args):
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "world.json")
        with open(path, "w") as f:
            json.dump(fixture(args.objects, args.items), f)
        proc = subprocess.Popen([args.mockaws, "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
                                 "--fixtures", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_up(port, proc, "mockaws")
            ctl = Control(port)
            s3, ddb = clients(port)
            writes(s3, ddb, -1)  # the clients' first-request set-up, out of the figures
            print(f"# mockaws: {args.objects} S3 objects, {args.items} DynamoDB items (100 B each)")
            print(f"# snapshot: {ctl.call('POST', '/_mockaws/snapshots', {'name': 'world'})}")
            restore, with_writes, alone = [], [], []
            for i in range(args.iter):
                a = time.perf_counter()
                ctl.call("POST", "/_mockaws/snapshots/world/restore")
                b = time.perf_counter()
                writes(s3, ddb, i)
                c = time.perf_counter()
                writes(s3, ddb, args.iter + i)  # the same writes on paths already copied
                alone.append((time.perf_counter() - c) * 1000)
                restore.append((b - a) * 1000)
                with_writes.append((c - a) * 1000)
            report("mockaws restore (HTTP)", restore)
            report("mockaws restore + PutObject + PutItem", with_writes)
            report("(PutObject + PutItem through boto3, no restore)", alone)
            doc = fixture(args.objects, args.items)
            reload = []
            for i in range(args.reloads):
                a = time.perf_counter()
                ctl.call("POST", "/_mockaws/reset")
                ctl.call("POST", "/_mockaws/state", doc)
                writes(s3, ddb, i)
                reload.append((time.perf_counter() - a) * 1000)
            report("mockaws reset + fixture reload + writes", reload)
        finally:
            proc.terminate()
            proc.wait()


def bench_moto(args):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(port, proc, "moto")
        ctl = Control(port)
        s3, ddb = clients(port)
        print(f"# moto: {args.moto_objects} S3 objects, {args.moto_items} DynamoDB items (100 B each), "
              f"made through boto3 after each /moto-api/reset")
        body = b"x" * 100
        times = []
        for i in range(args.moto_runs):
            a = time.perf_counter()
            ctl.call("POST", "/moto-api/reset")
            s3.create_bucket(Bucket="world")
            for k in range(args.moto_objects):
                s3.put_object(Bucket="world", Key=f"k/{k:08d}", Body=body)
            ddb.create_table(**TABLE)
            for k in range(0, args.moto_items, 25):
                ddb.batch_write_item(RequestItems={"world": [
                    {"PutRequest": {"Item": {"pk": {"S": f"{j:08d}"}, "data": {"S": "x" * 100}}}}
                    for j in range(k, min(k + 25, args.moto_items))]})
            writes(s3, ddb, i)
            times.append((time.perf_counter() - a) * 1000)
        report("moto reset + world via boto3 + writes", times)
        scale = (args.objects + args.items) / max(1, args.moto_objects + args.moto_items)
        if scale != 1:
            print(f"# moto scaled linearly to {args.objects}+{args.items}: p50 ~ {sorted(times)[len(times) // 2] * scale:.0f} ms"
                  f" (x{scale:g})")
    finally:
        proc.terminate()
        proc.wait()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mockaws", required=True)
    p.add_argument("--objects", type=int, default=10000)
    p.add_argument("--items", type=int, default=10000)
    p.add_argument("--iter", type=int, default=1000)
    p.add_argument("--reloads", type=int, default=10)
    p.add_argument("--moto", type=int, default=1)
    p.add_argument("--moto-objects", type=int, default=1000)
    p.add_argument("--moto-items", type=int, default=1000)
    p.add_argument("--moto-runs", type=int, default=3)
    args = p.parse_args()
    bench_mockaws(args)
    if args.moto:
        bench_moto(args)


if __name__ == "__main__":
    main()
