#!/usr/bin/env python3
"""Checks over client-supplied lists at n and 10n (issue 11): every duplicate and limit
check must cost time linear in the list, so 10n takes about 10x n, where a pairwise
check takes about 100x.

Each case is one request whose list has n (then 10n) entries, sent with raw http.client
(no SDK: its serialization would hide the server's cost) to one server, median of --reps
runs, every answer checked for the status and error code the case expects:

  sns-create-tags     SNS CreateTopic with n distinct tags: TagLimitExceeded (quota of 50)
  sns-tag-resource    SNS TagResource with n distinct tags: TagLimitExceeded
  ddb-attrs-to-get    DynamoDB GetItem, AttributesToGet of n names, the last one repeated:
                      "Duplicate value in attribute name" (a pairwise check finds it last)
  ddb-set-add         DynamoDB UpdateItem ADD of an n-member string set to an n-member set
  ddb-tag-resource    DynamoDB TagResource with n distinct tags: LimitExceededException
  ec2-delete-tags     EC2 DeleteTags of n tag entries from one instance

  bench/linear_checks.py                    defaults: n = 2000, 10n = 20000, 3 reps
  bench/linear_checks.py --n 4000 --reps 5
  MOCKAWS_BIN=path bench/linear_checks.py   (e.g. a build of the code before the fix)
The server listens on 127.0.0.1 and is stopped on exit.
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def auth(service):
    return (f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host, Signature=00")


class Server:
    def __init__(self, binary):
        self.tmp = tempfile.mkdtemp(prefix="linear-bench-")
        port_file = os.path.join(self.tmp, "port")
        self.proc = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, "--log-level", "error"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("mockaws did not start")
            time.sleep(0.02)
        self.port = int(open(port_file).read())
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def post(self, headers, body):
        self.conn.request("POST", "/", body=body.encode(), headers=headers)
        r = self.conn.getresponse()
        return r.status, r.read().decode(errors="replace")

    def form(self, service, params):
        return self.post({"Authorization": auth(service), "Content-Type": "application/x-www-form-urlencoded"},
                         urllib.parse.urlencode(params))

    def ddb(self, op, doc):
        return self.post({"Authorization": auth("dynamodb"), "X-Amz-Target": f"DynamoDB_20120810.{op}",
                          "Content-Type": "application/x-amz-json-1.0"}, json.dumps(doc))

    def stop(self):
        self.conn.close()
        self.proc.terminate()
        self.proc.wait(10)


def expect(answer, status, needle):
    got_status, body = answer
    if got_status != status or needle not in body:
        raise SystemExit(f"unexpected answer: {got_status} {body[:300]}")


def sns_tags(n):
    p = {}
    for i in range(1, n + 1):
        p[f"Tags.member.{i}.Key"] = f"k{i}"
        p[f"Tags.member.{i}.Value"] = "v"
    return p


TABLE = {"TableName": "bench", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
         "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/bench"


def setup(s):
    expect(s.form("sns", {"Action": "CreateTopic", "Version": "2010-03-31", "Name": "bench"}), 200, "TopicArn")
    expect(s.ddb("CreateTable", TABLE), 200, "TableDescription")
    out = s.form("ec2", {"Action": "RunInstances", "Version": "2016-11-15", "ImageId": "ami-ab939b9c031512198",
                         "MinCount": "1", "MaxCount": "1"})
    expect(out, 200, "<instanceId>")
    return out[1].split("<instanceId>")[1].split("<")[0]


def cases(instance):
    def sns_create(s, n):
        expect(s.form("sns", {"Action": "CreateTopic", "Version": "2010-03-31", "Name": "t", **sns_tags(n)}),
               400, "TagLimitExceeded")

    def sns_tag(s, n):
        expect(s.form("sns", {"Action": "TagResource", "Version": "2010-03-31",
                              "ResourceArn": "arn:aws:sns:us-east-1:123456789012:bench", **sns_tags(n)}),
               400, "TagLimitExceeded")

    def attrs_to_get(s, n):
        names = [f"a{i}" for i in range(n)] + [f"a{n - 1}"]
        expect(s.ddb("GetItem", {"TableName": "bench", "Key": {"pk": {"S": "p"}}, "AttributesToGet": names}),
               400, "Duplicate value in attribute name")

    def set_add(s, n):
        expect(s.ddb("PutItem", {"TableName": "bench", "Item": {"pk": {"S": "p"},
                                                                  "s": {"SS": [f"x{i}" for i in range(n)]}}}),
               200, "{")
        expect(s.ddb("UpdateItem", {"TableName": "bench", "Key": {"pk": {"S": "p"}}, "UpdateExpression": "ADD s :m",
                                    "ExpressionAttributeValues": {":m": {"SS": [f"y{i}" for i in range(n)]}}}),
               200, "{")

    def ddb_tag(s, n):
        tags = [{"Key": f"k{i}", "Value": "v"} for i in range(n)]
        expect(s.ddb("TagResource", {"ResourceArn": TABLE_ARN, "Tags": tags}), 400, "LimitExceededException")

    def delete_tags(s, n):
        p = {"Action": "DeleteTags", "Version": "2016-11-15", "ResourceId.1": instance}
        for i in range(1, n + 1):
            p[f"Tag.{i}.Key"] = f"k{i}"
        expect(s.form("ec2", p), 200, "<DeleteTagsResponse")

    return [("sns-create-tags", sns_create), ("sns-tag-resource", sns_tag), ("ddb-attrs-to-get", attrs_to_get),
            ("ddb-set-add", set_add), ("ddb-tag-resource", ddb_tag), ("ec2-delete-tags", delete_tags)]


def timed(fn, s, n, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn(s, n)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    binary = os.environ.get("MOCKAWS_BIN", os.path.join(HERE, "..", "build", "bin", "mockaws"))
    s = Server(binary)
    try:
        instance = setup(s)
        n, big = args.n, 10 * args.n
        cases(instance)[0][1](s, n)  # warm-up: first-touch allocations
        print(f"{'case':<18} {'n=' + str(n):>12} {'10n=' + str(big):>12} {'ratio':>7}")
        for name, fn in cases(instance):
            a = timed(fn, s, n, args.reps)
            b = timed(fn, s, big, args.reps)
            print(f"{name:<18} {a * 1000:>10.1f}ms {b * 1000:>10.1f}ms {b / a:>7.1f}", flush=True)
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(main())
