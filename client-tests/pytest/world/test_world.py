"""Issue 17's done-when: 200 tests, each writing objects and items into a
world of 10,000 of each, restored before each test, none seeing another's
writes.

Test i writes its own keys (t/iii/...) and items (tiii-...), deletes one world
object and item (number i) and overwrites another (number 200 + i). Before
writing, every test checks that no test's own keys are visible and that the
world objects and items tests 0..199 delete or overwrite are all there as
generated; after writing, that exactly its own writes are visible. Tests run
in order, so from the second on each depends on the restore having undone
every earlier test."""
import pytest
from boto3.dynamodb.conditions import Attr

from conftest import BUCKET, ITEM_SIZE, OBJECT_SIZE, PREFIX, TABLE, WORLD_SIZE

TESTS = 200
WRITES = 3


@pytest.fixture(scope="module")
def aws(mockaws):
    # clients made once, for all 200 tests
    return mockaws.client("s3"), mockaws.client("dynamodb"), mockaws.resource("dynamodb").Table(TABLE)


def world_key(n):
    return f"{PREFIX}{n:05d}"


def world_pk(n):
    return f"{n:010d}"


def touched():
    """Every world number some test deletes or overwrites: 0 .. 2*TESTS-1."""
    return range(2 * TESTS)


def assert_world_intact(s3, table):
    # the S3 objects tests touch are world/00000..00399: one listing of the
    # first 1000 keys shows each there with the generated size
    page = s3.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "00", MaxKeys=1000)
    sizes = {o["Key"]: o["Size"] for o in page.get("Contents", [])}
    assert len(sizes) == 1000
    missing = [world_key(n) for n in touched() if sizes.get(world_key(n)) != OBJECT_SIZE]
    assert not missing, f"world objects deleted or changed by another test: {missing[:5]}"
    # the DynamoDB items tests touch, fetched by key
    pks = [world_pk(n) for n in touched()]
    got = {}
    for i in range(0, len(pks), 100):
        keys = [{"pk": pk} for pk in pks[i:i + 100]]
        resp = table.meta.client.batch_get_item(RequestItems={TABLE: {"Keys": keys}})
        assert not resp.get("UnprocessedKeys"), resp.get("UnprocessedKeys")
        for item in resp["Responses"][TABLE]:
            got[item["pk"]] = item["data"]
    bad = [pk for pk in pks if got.get(pk) != "x" * ITEM_SIZE]
    assert not bad, f"world items deleted or changed by another test: {bad[:5]}"


def count_items(table, **scan):
    n, kw = 0, dict(Select="COUNT", **scan)
    while True:
        resp = table.scan(**kw)
        n += resp["Count"]
        if "LastEvaluatedKey" not in resp:
            return n
        kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def own_keys(s3):
    page = s3.list_objects_v2(Bucket=BUCKET, Prefix="t/")
    return sorted(o["Key"] for o in page.get("Contents", []))


def own_items(table):
    items, kw = [], {"FilterExpression": Attr("pk").begins_with("t")}
    while True:
        resp = table.scan(**kw)
        items += resp["Items"]
        if "LastEvaluatedKey" not in resp:
            return sorted(i["pk"] for i in items)
        kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


@pytest.mark.parametrize("i", range(TESTS))
def test_writes_stay_in_their_test(i, mockaws_fresh, aws):
    s3, ddb, table = aws
    marker = f"test-{i:03d}"

    # what every test starts from: the world, and nobody's writes
    assert own_keys(s3) == []
    assert own_items(table) == []
    assert count_items(table) == WORLD_SIZE
    assert_world_intact(s3, table)
    assert mockaws_fresh.journal(service="s3", operation="PutObject") == []

    # write: new objects and items, and change the world
    for n in range(WRITES):
        s3.put_object(Bucket=BUCKET, Key=f"t/{i:03d}/{n}", Body=marker.encode())
    s3.delete_object(Bucket=BUCKET, Key=world_key(i))
    s3.put_object(Bucket=BUCKET, Key=world_key(TESTS + i), Body=marker.encode())
    with table.batch_writer() as batch:
        for n in range(WRITES):
            batch.put_item(Item={"pk": f"t{i:03d}-{n}", "data": marker})
    table.delete_item(Key={"pk": world_pk(i)})
    table.update_item(Key={"pk": world_pk(TESTS + i)}, UpdateExpression="SET #d = :m",
                      ExpressionAttributeNames={"#d": "data"},
                      ExpressionAttributeValues={":m": marker})

    # exactly this test's writes are visible
    assert own_keys(s3) == [f"t/{i:03d}/{n}" for n in range(WRITES)]
    assert s3.get_object(Bucket=BUCKET, Key=f"t/{i:03d}/0")["Body"].read() == marker.encode()
    assert own_items(table) == [f"t{i:03d}-{n}" for n in range(WRITES)]
    assert count_items(table) == WORLD_SIZE + WRITES - 1
    assert "Item" not in table.get_item(Key={"pk": world_pk(i)})
    assert table.get_item(Key={"pk": world_pk(TESTS + i)})["Item"]["data"] == marker
    assert len(mockaws_fresh.journal(service="s3", operation="PutObject")) == WRITES + 1


def test_the_full_world_is_listed_after_the_others(mockaws_fresh, aws):
    """Once, after the 200: every one of the 10,000 objects, listed page by page."""
    s3, _, table = aws
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys += [(o["Key"], o["Size"]) for o in page.get("Contents", [])]
    assert keys == [(world_key(n), OBJECT_SIZE) for n in range(WORLD_SIZE)]
    assert count_items(table) == WORLD_SIZE
