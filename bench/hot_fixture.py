#!/usr/bin/env python3
"""The hot-path benchmarks' data (profile.sh, instr.sh): a fixture with a
1 KiB object (bench/small.bin) and a ~1 KiB DynamoDB item (table bench, key
pk=small), and optionally the wrk script for its GetItem.

    hot_fixture.py FIXTURE.json [GETITEM.lua]
"""
import base64
import json
import sys

GETITEM_BODY = json.dumps({"TableName": "bench", "Key": {"pk": {"S": "small"}}})
GETITEM_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.GetItem",
    "X-Amz-Date": "20261129T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00",
}
GETOBJECT_HEADERS = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, "
                     "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=00",
    "x-amz-date": "20261129T000000Z",
    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
}


def main():
    data = bytes((i * 7 + 3) & 0xff for i in range(1024))
    text = base64.b64encode(data).decode()
    fixture = {
        "s3": {"buckets": [{"name": "bench", "objects": [{"key": "small.bin", "body_base64": text}]}]},
        "dynamodb": {"tables": [{
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "items": [{"pk": {"S": "small"}, "n": {"N": "42"}, "payload": {"S": text[:984]}}]}]},
    }
    with open(sys.argv[1], "w") as f:
        json.dump(fixture, f)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write('wrk.method = "POST"\nwrk.path = "/"\n'
                    f"wrk.body = {json.dumps(GETITEM_BODY)}\n")
            for k, v in GETITEM_HEADERS.items():
                f.write(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n")


if __name__ == "__main__":
    main()
