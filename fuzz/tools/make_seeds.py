#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ (run from anywhere):

  wire_*       one request per input case of botocore's protocol vectors
               (server/tests/vectors), and the requests boto3 really sends
               for each service (captured, see capture.py)
  pipeline     the captured boto3 requests, alone and as each service's
               session (up to 8 requests an input), and control API calls
  ddb_expr     the expressions of server/tests/test_dynamodb_expr.c and a
               few more over the target's own names and values
  ddb_num      the numbers of server/tests/test_dynamodb_num.c, in pairs too
  chunked      the bodies of server/tests/test_chunked.c and boto3's uploads
  fixtures     fixtures/*.json and the scenarios' fixtures
  fault_rules  the scenarios of scenarios/ and their rules, and rules of
               every kind of action and schedule

Usage: make_seeds.py BUILT_MOCKAWS_BINARY   (the capture needs boto3)
The corpora are rewritten whole; seeds are named by content."""
import base64
import glob
import hashlib
import json
import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
sys.path.insert(0, HERE)

corpora = {}


def seed(target, data, name=None):
    if isinstance(data, str):
        data = data.encode()
    name = name or hashlib.sha1(data).hexdigest()[:12]
    corpora.setdefault(target, {})[re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60]] = data


def raw(method, uri, headers, body=b""):
    if isinstance(body, str):
        body = body.encode()
    lines = ["%s %s HTTP/1.1" % (method, uri)] + ["%s: %s" % kv for kv in headers]
    if body:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# ---- protocol vectors ----
PROTO_FILES = {"rest_xml": "rest-xml.json", "json": "json_1_0.json", "query": "query.json", "ec2": "ec2.json"}


def vector_seeds():
    for target, f in PROTO_FILES.items():
        suites = json.load(open(os.path.join(ROOT, "server/tests/vectors/botocore-protocols/input", f)))
        for suite in suites:
            for case in suite["cases"]:
                ser = case["serialized"]
                body = ser.get("body") or ""
                headers = list(ser.get("headers", {}).items())
                if ser.get("host"):
                    headers.insert(0, ("Host", ser["host"]))
                seed("wire_" + target, case["id"].encode() + b"\n" +
                     raw(ser.get("method", "POST"), ser.get("uri", "/"), headers, body), case["id"])


# ---- boto3 sessions ----
def s3_session(client):
    s3 = client("s3")
    s3.create_bucket(Bucket="fuzz-bucket")
    s3.put_object(Bucket="fuzz-bucket", Key="a/b.txt", Body=b"hello world", ContentType="text/plain",
                  Metadata={"k": "v"}, Tagging="env=test&team=x")
    s3.put_object(Bucket="fuzz-bucket", Key="sum.bin", Body=b"\x00\x01\x02" * 10, ChecksumAlgorithm="CRC32")
    s3.get_object(Bucket="fuzz-bucket", Key="a/b.txt", Range="bytes=0-4")
    s3.head_object(Bucket="fuzz-bucket", Key="a/b.txt", IfNoneMatch='"x"')
    s3.list_objects_v2(Bucket="fuzz-bucket", Prefix="a/", Delimiter="/", MaxKeys=1)
    s3.copy_object(Bucket="fuzz-bucket", Key="copy.txt", CopySource="fuzz-bucket/a/b.txt",
                   MetadataDirective="REPLACE", Metadata={"n": "1"})
    s3.put_bucket_tagging(Bucket="fuzz-bucket", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.get_object_tagging(Bucket="fuzz-bucket", Key="a/b.txt")
    s3.delete_objects(Bucket="fuzz-bucket", Delete={"Objects": [{"Key": "copy.txt"}, {"Key": "nope"}], "Quiet": False})
    s3.list_buckets()


def s3_multipart_session(client):
    s3 = client("s3")
    s3.create_bucket(Bucket="mp-bucket")
    up = s3.create_multipart_upload(Bucket="mp-bucket", Key="big", ContentType="application/octet-stream")
    p1 = s3.upload_part(Bucket="mp-bucket", Key="big", UploadId=up["UploadId"], PartNumber=1, Body=b"x" * 64)
    s3.list_parts(Bucket="mp-bucket", Key="big", UploadId=up["UploadId"])
    s3.complete_multipart_upload(Bucket="mp-bucket", Key="big", UploadId=up["UploadId"],
                                 MultipartUpload={"Parts": [{"ETag": p1["ETag"], "PartNumber": 1}]})
    s3.list_object_versions(Bucket="mp-bucket")
    s3.delete_object(Bucket="mp-bucket", Key="big")


def dynamodb_session(client):
    d = client("dynamodb")
    d.create_table(TableName="fuzz-t", BillingMode="PAY_PER_REQUEST",
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "N"},
                                         {"AttributeName": "g", "AttributeType": "S"}],
                   GlobalSecondaryIndexes=[{"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                            "Projection": {"ProjectionType": "ALL"}}])
    for _ in range(50):
        if d.describe_table(TableName="fuzz-t").get("Table", {}).get("TableStatus") == "ACTIVE":
            break
        time.sleep(0.1)
    d.put_item(TableName="fuzz-t", Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}, "l": {"L": [{"N": "1.5"}]},
                                    "m": {"M": {"s": {"SS": ["p", "q"]}}}, "b": {"B": b"\x00\xff"}},
               ConditionExpression="attribute_not_exists(pk)")
    d.update_item(TableName="fuzz-t", Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                  UpdateExpression="SET #c = if_not_exists(#c, :z) + :one, l = list_append(l, :l) REMOVE m.s ADD n :one",
                  ExpressionAttributeNames={"#c": "count"},
                  ExpressionAttributeValues={":z": {"N": "0"}, ":one": {"N": "1"}, ":l": {"L": [{"S": "x"}]}},
                  ReturnValues="ALL_NEW")
    d.query(TableName="fuzz-t", KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
            FilterExpression="size(l) > :n OR contains(g, :s)", ProjectionExpression="pk, l[0], m.s",
            ExpressionAttributeValues={":p": {"S": "a"}, ":a": {"N": "0"}, ":b": {"N": "9"}, ":n": {"N": "0"},
                                       ":s": {"S": "x"}}, ScanIndexForward=False, Limit=5)
    d.query(TableName="fuzz-t", IndexName="byg", KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}})
    d.scan(TableName="fuzz-t", Segment=0, TotalSegments=2, Select="COUNT")
    d.batch_write_item(RequestItems={"fuzz-t": [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "2"}}}},
                                           {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}}]})
    d.transact_write_items(TransactItems=[
        {"Put": {"TableName": "fuzz-t", "Item": {"pk": {"S": "c"}, "sk": {"N": "3"}}}},
        {"ConditionCheck": {"TableName": "fuzz-t", "Key": {"pk": {"S": "b"}, "sk": {"N": "2"}},
                            "ConditionExpression": "attribute_exists(pk)"}}])
    d.get_item(TableName="fuzz-t", Key={"pk": {"S": "b"}, "sk": {"N": "2"}}, ConsistentRead=True)
    d.describe_table(TableName="fuzz-t")


def sns_session(client):
    sns = client("sns")
    arn = sns.create_topic(Name="fuzz", Attributes={"DisplayName": "F"}, Tags=[{"Key": "k", "Value": "v"}])["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:123456789012:q",
                  Attributes={"FilterPolicy": '{"kind": ["a", {"prefix": "b"}]}', "RawMessageDelivery": "true"},
                  ReturnSubscriptionArn=True)
    sns.publish(TopicArn=arn, Message="hello", Subject="s",
                MessageAttributes={"kind": {"DataType": "String", "StringValue": "a"},
                                   "n": {"DataType": "Number", "StringValue": "1.5"},
                                   "b": {"DataType": "Binary", "BinaryValue": b"\x01"}})
    sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[{"Id": "1", "Message": "m1"}, {"Id": "2", "Message": "m2"}])
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
                                                 "Resource": arn}]}))
    sns.list_subscriptions_by_topic(TopicArn=arn)
    sns.list_topics()
    sns.delete_topic(TopicArn=arn)


def sts_session(client):
    sts = client("sts")
    sts.get_caller_identity()
    sts.assume_role(RoleArn="arn:aws:iam::210987654321:role/deploy", RoleSessionName="ci", DurationSeconds=900,
                    Tags=[{"Key": "k", "Value": "v"}])
    sts.get_session_token(DurationSeconds=900)


def ec2_session(client):
    ec2 = client("ec2")
    r = ec2.run_instances(ImageId="ami-ab939b9c031512198", InstanceType="t3.micro", MinCount=1, MaxCount=2,
                          TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "w"}]}])
    ids = [i["InstanceId"] for i in r.get("Instances", [])] or ["i-0123456789abcdef0"]
    ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]},
                                    {"Name": "tag:Name", "Values": ["w*"]}], MaxResults=5)
    ec2.create_tags(Resources=ids, Tags=[{"Key": "env", "Value": "t"}])
    ec2.describe_instance_status(InstanceIds=ids, IncludeAllInstances=True)
    ec2.stop_instances(InstanceIds=ids[:1])
    ec2.terminate_instances(InstanceIds=ids)


SESSIONS = [("s3", s3_session), ("s3-multipart", s3_multipart_session), ("dynamodb", dynamodb_session),
            ("sns", sns_session), ("sts", sts_session), ("ec2", ec2_session)]
WIRE_OF = {"s3": ("rest_xml", "s3"), "s3-multipart": ("rest_xml", "s3"), "dynamodb": ("json", "dynamodb"),
           "sns": ("query", "sns"), "sts": ("query", "sts"), "ec2": ("ec2", "ec2")}


def sdk_seeds(binary):
    import capture
    got = capture.sessions(binary, SESSIONS)
    for name, reqs in got.items():
        target, model = WIRE_OF[name]
        for i, r in enumerate(reqs):
            seed("pipeline", r, "%s-%02d" % (name, i))
            seed("wire_" + target, model.encode() + b"\n" + r, "%s-%02d" % (name, i))
            head, body = r.split(b"\r\n\r\n", 1)
            if b"aws-chunked" in head or b"STREAMING-" in head:
                sha = re.search(rb"(?i)x-amz-content-sha256:\s*(\S+)", head)
                seed("chunked", (sha.group(1) if sha else b"") + b"\n" + body, "%s-%02d" % (name, i))
        # requests without a body say so, as a pipelined stream must
        reqs = [r if re.search(rb"(?i)\r\ncontent-length:", r.split(b"\r\n\r\n", 1)[0])
                else r.replace(b"\r\n\r\n", b"\r\nContent-Length: 0\r\n\r\n", 1) for r in reqs]
        # the fuzz server's clock is frozen: tables and instances created by
        # the first request need it moved on to become ACTIVE / running
        setup = 1
        if name in ("dynamodb", "ec2"):
            clock = raw("POST", "/_mockaws/clock", [("Host", "localhost")], '{"advance_ms": 60000}')
            reqs = reqs[:1] + [clock] + [r for r in reqs[1:] if b"DynamoDB_20120810.DescribeTable" not in r]
            setup = 2
        elif name == "s3":
            setup = 2
        # up to 8 requests an input: each later one starts with the setup
        n = 8 - setup
        for i, start in enumerate(range(setup, max(len(reqs), setup + 1), n)):
            seed("pipeline", b"".join(reqs[:setup] + reqs[start:start + n]), "%s-session-%d" % (name, i))


def control_seeds():
    rule = json.dumps({"service": "s3", "operation": "GetObject", "error": "SlowDown", "times": 1})
    seed("pipeline", raw("POST", "/_mockaws/faults", [("Host", "localhost")], rule) +
         raw("GET", "/example-assets/hello.txt", [("Host", "localhost"), (
             "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
                              "SignedHeaders=host, Signature=0")]) +
         raw("GET", "/_mockaws/journal?service=s3&limit=2", [("Host", "localhost")]), "control-fault-then-get")
    seed("pipeline", raw("POST", "/_mockaws/clock", [("Host", "localhost")], '{"mode": "virtual", "advance_ms": 5000}') +
         raw("GET", "/_mockaws/state", [("Host", "localhost")]) +
         raw("POST", "/_mockaws/state", [("Host", "localhost")],
             json.dumps({"s3": {"buckets": [{"name": "loaded", "objects": [{"key": "k", "body": "v"}]}]}})) +
         raw("DELETE", "/_mockaws/faults", [("Host", "localhost")]) + raw("POST", "/_mockaws/reset", []),
         "control-clock-state")
    seed("pipeline", raw("GET", "/_mockaws/health", []) + raw("GET", "/_localstack/health", []) +
         raw("POST", "/_mockaws/scenario", [], json.dumps(json.load(open(os.path.join(ROOT, "scenarios", "sts-retries-exhausted.json"))))) +
         raw("GET", "/_mockaws/scenario/verify", []), "control-scenario")
    # virtual-host S3 and the shipped fixtures' data
    seed("pipeline", raw("GET", "/hello.txt", [("Host", "example-assets.s3.amazonaws.com"), (
        "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
                         "SignedHeaders=host, Signature=0"), ("Range", "bytes=-5")]), "s3-virtual-host-range")
    seed("pipeline", raw("GET", "/example-listing?list-type=2&prefix=logs%2F&max-keys=3&start-after=logs%2F1",
                         [("Host", "localhost"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/"
                                                                   "us-east-1/s3/aws4_request, Signature=0")]),
         "s3-list-fixture")



def s3_post_seeds():
    """A browser form upload (POST Object): a bucket, the form, the object."""
    auth = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=0")
    policy = base64.b64encode(json.dumps({"expiration": "2099-01-01T00:00:00Z", "conditions": [
        {"bucket": "seed-post"}, ["starts-with", "$key", "up/"], ["content-length-range", 0, 64],
        {"success_action_status": "201"}]}).encode()).decode()
    b = "xyzBOUNDARY"
    fields = [("key", "up/${filename}"), ("AWSAccessKeyId", "AKIDEXAMPLE"), ("signature", "c2ln"),
              ("policy", policy), ("success_action_status", "201")]
    form = "".join(f'--{b}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n' for n, v in fields)
    form += f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--{b}--\r\n'
    # a request without Content-Length takes the rest of the input as its body (fuzz_common.c)
    seed("pipeline", raw("PUT", "/seed-post", [("Host", "localhost"), ("Authorization", auth), ("Content-Length", "0")]) +
         raw("POST", "/seed-post", [("Host", "localhost"),
                                    ("Content-Type", f"multipart/form-data; boundary={b}")], form) +
         raw("GET", "/seed-post/up/a.txt", [("Host", "localhost"), ("Authorization", auth)]), "s3-post-form")


# ---- DynamoDB expressions and numbers ----
def c_strings(text):
    """The C string literals of text, concatenated where adjacent, unescaped."""
    return [bytes(s, "utf-8").decode("unicode_escape") for s in re.findall(r'"((?:[^"\\\n]|\\.)*)"', text)]


def expr_seeds():
    src = open(os.path.join(ROOT, "server/tests/test_dynamodb_expr.c")).read()
    macros = dict(re.findall(r'#define (\w+) (".*")\n', src))
    lit = r'("(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*|NULL|[A-Z][A-Z0-9]+)'
    for m in re.finditer(r'expect\((?:COND|UPDATE|PROJ),\s*' + lit + r',\s*' + lit + r',\s*' + lit, src):
        parts = []
        for g in m.groups():
            g = macros.get(g, g)
            parts.append(None if g == "NULL" else "".join(c_strings(g)))
        expr, names, values = parts
        if expr is None:
            continue
        if names is None and values is None:
            seed("ddb_expr", expr)
            continue
        doc = {}
        try:
            if names is not None:
                doc["ExpressionAttributeNames"] = json.loads(names)
            if values is not None:
                doc["ExpressionAttributeValues"] = json.loads(values)
        except ValueError:
            continue
        seed("ddb_expr", json.dumps(doc) + "\n" + expr)
    for e in ["#a = :s AND (b < :n OR NOT attribute_exists(#m.k))",
              "attribute_type(#l[1], :s) AND begins_with(#n, :s) AND contains(#m.k, :s)",
              "b BETWEEN :n AND :n2 OR #a IN (:s, :n, :b)",
              "size(#l) >= :n AND #s <> :t AND #l[2].k = :z",
              "SET #a = :s, b = b + :n, #l = list_append(:l, #l), #m.n = if_not_exists(#m.n, :n2) - :n",
              "REMOVE #l[0], #m.k ADD set :ns DELETE #m.k :ss",
              "SET #l[5] = :m, new = :bs",
              "#a, b, #l[1][0], #m.k, set, bin",
              "#l[0][0][0].x.y"]:
        seed("ddb_expr", e)


def num_seeds():
    src = open(os.path.join(ROOT, "server/tests/test_dynamodb_num.c")).read()
    nums = sorted({s for s in c_strings(src) if re.fullmatch(r"[-+0-9.eE]*", s)})
    for n in nums:
        seed("ddb_num", n)
    pairs = [("1.5", "-1.5"), ("99999999999999999999999999999999999999", "1"), ("1e-130", "1e125"),
             ("123.456", "0.000789"), ("-0", "0e99999"), ("9.9999999999999999999999999999999999999E+125", "-1e88")]
    for a, b in pairs:
        seed("ddb_num", a + "\n" + b)


# ---- aws-chunked ----
def chunked_seeds():
    src = open(os.path.join(ROOT, "server/tests/test_chunked.c")).read()
    defs = {k: "".join(c_strings(v)) for k, v in re.findall(r'#define (SIG_\w+|ECDSA\w*)\s+((?:"[^"]*"\s*\\?\s*)+)', src)}
    for m in re.finditer(r'LIT\(((?:\s*(?:"(?:[^"\\]|\\.)*"|SIG_\w+|ECDSA\w*))+)\s*\)', src):
        body = "".join(defs.get(t, "") if not t.startswith('"') else c_strings(t)[0]
                       for t in re.findall(r'"(?:[^"\\]|\\.)*"|SIG_\w+|ECDSA\w*', m.group(1)))
        trailer = "x-amz-trailer-signature" in body
        signed = "chunk-signature" in body
        sha = ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" if signed and trailer else
               "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" if signed else
               "STREAMING-UNSIGNED-PAYLOAD-TRAILER" if ":" in body else "")
        seed("chunked", sha + "\n" + body)


# ---- fixtures, scenarios, fault rules ----
def small(doc):
    """The document with generated objects / items cut to what the fuzz
    targets load (fuzz_json_unsafe refuses more than 200)."""
    if isinstance(doc, dict):
        out = {k: small(v) for k, v in doc.items()}
        if isinstance(out.get("generate"), dict) and out["generate"].get("count", 0) > 50:
            out["generate"]["count"] = 50
        return out
    if isinstance(doc, list):
        return [small(v) for v in doc]
    return doc


def document_seeds():
    for f in sorted(glob.glob(os.path.join(ROOT, "fixtures", "*.json"))):
        seed("fixtures", json.dumps(small(json.load(open(f))), indent=1), os.path.basename(f))
    for f in sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.json"))):
        sc = json.load(open(f))
        name = os.path.basename(f)
        if isinstance(sc.get("fixtures"), dict):
            seed("fixtures", json.dumps(small(sc["fixtures"]), indent=1), "scenario-" + name)
        seed("fault_rules", json.dumps(small(sc), indent=1), "scenario-" + name)
        if sc.get("faults"):
            seed("fault_rules", json.dumps(sc["faults"], indent=1), "rules-" + name)
    seed("fixtures", json.dumps({"namespaces": [
        {"account": "111122223333", "region": "eu-west-1", "dynamodb": {"tables": [{
            "TableName": "g", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "items": [{"generate": {"count": 20, "size": 100}}]}]}},
        {"sns": {"topics": [{"name": "t", "subscriptions": [{"protocol": "http", "endpoint": "http://127.0.0.1:9/x"}]}]}}]},
        indent=1), "namespaces")
    rules = [
        {"service": "s3", "operation": "Get.*|Head.*", "resource": "example-assets/.*", "error": "SlowDown",
         "after": 1, "times": 2},
        {"service": "dynamodb", "operation": "BatchWriteItem", "partial": {"unprocessed": 0.5}},
        {"service": "sts", "error": {"code": "Throttling", "status": 400, "message": "Rate exceeded"},
         "probability": 0.5, "seed": 3},
        {"service": "s(3|ns)", "delay_ms": {"min": 10, "max": 20}, "every": 3},
        {"account": "2109876[0-9]{5}", "region": "eu-.*", "connection": "reset"},
        {"operation": "Publish", "connection": "timeout", "from_ms": 500, "until_ms": 1000},
        [{"id": "a", "operation": "GetObject", "error": "NoSuchKey", "times": 1},
         {"id": "b", "resource": "(a+)+b", "error": "InternalError"}],
    ]
    for r in rules:
        seed("fault_rules", json.dumps(r))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    vector_seeds()
    sdk_seeds(sys.argv[1])
    control_seeds()
    s3_post_seeds()
    expr_seeds()
    num_seeds()
    chunked_seeds()
    document_seeds()
    for target, seeds in sorted(corpora.items()):
        d = os.path.join(CORPUS, target)
        # regression-* seeds are inputs that once found a bug: they stay
        keep = {}
        if os.path.isdir(d):
            for name in os.listdir(d):
                if name.startswith("regression-"):
                    with open(os.path.join(d, name), "rb") as f:
                        keep[name] = f.read()
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        seeds = {**seeds, **keep}
        for name, data in sorted(seeds.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%-14s %4d seeds %7d bytes" % (target, len(seeds), sum(len(v) for v in seeds.values())))


if __name__ == "__main__":
    main()
