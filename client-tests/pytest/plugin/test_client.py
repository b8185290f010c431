"""The control client, through the plugin's fixtures, against a real server."""
import json
import os
import subprocess

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import mockaws as mockaws_pkg

NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})


def test_the_session_sets_the_environment(mockaws_fresh):
    assert os.environ["AWS_ENDPOINT_URL"] == mockaws_fresh.endpoint
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAMOCKAWS00EXAMPLE"
    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"


def test_the_session_environment_is_what_mockaws_env_prints(mockaws_fresh):
    # one source: the plugin sets what `mockaws env` prints (null = unset)
    out = subprocess.run([mockaws_pkg.find_binary(), "env", "--format", "json", "--endpoint",
                          mockaws_fresh.endpoint], check=True, capture_output=True, text=True).stdout
    printed = json.loads(out)
    assert "AWS_ENDPOINT_URL_S3" in printed
    for name, value in printed.items():
        assert os.environ.get(name) == value, name


BOTOCORE = tuple(int(x) for x in botocore.__version__.split(".")[:2])


@pytest.mark.skipif(BOTOCORE < (1, 31), reason=f"botocore {botocore.__version__} ignores "
                    "AWS_ENDPOINT_URL (1.31+ reads it); m.client() is the way there")
def test_a_plain_boto3_client_follows_the_environment(mockaws_fresh):
    boto3.client("sqs").create_queue(QueueName="env-check")
    assert [q["name"] for q in mockaws_fresh.sqs_messages()] == ["env-check"]


def test_m_client_goes_to_the_server(mockaws_fresh):
    mockaws_fresh.client("sqs").create_queue(QueueName="client-check")
    assert [q["name"] for q in mockaws_fresh.sqs_messages()] == ["client-check"]


def test_a_fault_fires_on_a_boto3_call_until_removed(mockaws_fresh):
    s3 = mockaws_fresh.client("s3", config=NO_RETRIES)
    s3.create_bucket(Bucket="faulty")
    [rule_id] = mockaws_fresh.faults.add({"service": "s3", "operation": "PutObject",
                                          "error": {"code": "AccessDenied", "status": 403}})
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="faulty", Key="k", Body=b"x")
    assert e.value.response["Error"]["Code"] == "AccessDenied"
    [listed] = mockaws_fresh.faults.list()
    assert (listed["id"], listed["fired"]) == (rule_id, 1)

    mockaws_fresh.faults.remove(rule_id)
    s3.put_object(Bucket="faulty", Key="k", Body=b"x")
    assert mockaws_fresh.faults.list() == []
    puts = mockaws_fresh.journal(operation="PutObject")
    assert [(p["error"], p["fault"]) for p in puts] == [("AccessDenied", rule_id), (None, None)]


def test_faults_add_takes_a_list_all_or_none(mockaws_fresh):
    ids = mockaws_fresh.faults.add([{"service": "sqs", "error": "QueueDoesNotExist", "id": "a"},
                                    {"service": "sns", "delay_ms": 1, "id": "b"}])
    assert ids == ["a", "b"]
    with pytest.raises(mockaws_pkg.MockawsError) as e:
        mockaws_fresh.faults.add([{"service": "s3", "delay_ms": 1, "id": "c"},
                                  {"service": "s3", "no_such_field": 1}])
    assert e.value.status == 400 and "no_such_field" in e.value.message
    assert [f["id"] for f in mockaws_fresh.faults.list()] == ["a", "b"]
    mockaws_fresh.faults.clear()
    assert mockaws_fresh.faults.list() == []


def test_a_fault_left_behind(mockaws_fresh):
    mockaws_fresh.faults.add({"service": "sqs", "error": "QueueDoesNotExist", "id": "left"})
    assert len(mockaws_fresh.faults.list()) == 1


def test_is_gone_in_the_next_test(mockaws_fresh):
    assert mockaws_fresh.faults.list() == []
    mockaws_fresh.client("sqs").create_queue(QueueName="no-fault")


def test_journal_filters(mockaws_fresh):
    s3 = mockaws_fresh.client("s3", config=NO_RETRIES)
    s3.create_bucket(Bucket="journal")
    s3.put_object(Bucket="journal", Key="a", Body=b"1")
    with pytest.raises(ClientError):
        s3.get_object(Bucket="journal", Key="missing")
    mockaws_fresh.client("sqs").create_queue(QueueName="j")

    everything = mockaws_fresh.journal()
    assert [e["operation"] for e in everything] == ["CreateBucket", "PutObject", "GetObject",
                                                    "CreateQueue"]
    assert [e["operation"] for e in mockaws_fresh.journal(service="sqs")] == ["CreateQueue"]
    assert [e["operation"] for e in mockaws_fresh.journal(error="NoSuchKey")] == ["GetObject"]
    assert [e["operation"] for e in mockaws_fresh.journal(since=everything[1]["seq"])] == \
        ["GetObject", "CreateQueue"]
    assert len(mockaws_fresh.journal(limit=1)) == 1
    mockaws_fresh.journal.clear()
    assert mockaws_fresh.journal() == []


def test_clock_advance_finishes_a_table_creation(mockaws_fresh):
    ddb = mockaws_fresh.client("dynamodb")
    mockaws_fresh.clock.virtual()
    assert mockaws_fresh.clock.mode() == "virtual"
    ddb.create_table(TableName="clocked", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    before = mockaws_fresh.clock.now_ms()
    # a frozen clock: the table stays CREATING however long the test takes
    assert ddb.describe_table(TableName="clocked")["Table"]["TableStatus"] == "CREATING"
    assert mockaws_fresh.clock.advance(60_000) == before + 60_000
    assert ddb.describe_table(TableName="clocked")["Table"]["TableStatus"] == "ACTIVE"


def test_clock_advance_moves_an_ec2_instance_on(mockaws_fresh):
    ec2 = mockaws_fresh.client("ec2")
    mockaws_fresh.clock.virtual()
    [inst] = ec2.run_instances(ImageId="ami-ab939b9c031512198", MinCount=1, MaxCount=1)["Instances"]
    state = lambda: ec2.describe_instances(InstanceIds=[inst["InstanceId"]])[
        "Reservations"][0]["Instances"][0]["State"]["Name"]
    assert inst["State"]["Name"] == "pending"
    assert state() == "pending"  # a frozen clock: it stays so
    mockaws_fresh.clock.advance(3_600_000)
    assert state() == "running"


def test_the_clock_is_real_again_in_the_next_test(mockaws_fresh):
    # the two tests before left it virtual
    assert mockaws_fresh.clock.mode() == "real"


def test_errors_carry_the_status_and_the_servers_message(mockaws_fresh):
    with pytest.raises(mockaws_pkg.MockawsError) as e:
        mockaws_fresh.faults.remove("no-such-rule")
    assert e.value.status == 404
    assert e.value.message == "no fault rule with id 'no-such-rule'"
    assert "DELETE /_mockaws/faults/no-such-rule" in str(e.value)
    with pytest.raises(mockaws_pkg.MockawsError) as e:
        mockaws_fresh.load({"s3": {"buckets": "not a list"}})
    assert e.value.status == 400


def test_load_state_and_snapshots(mockaws_fresh):
    mockaws_fresh.load({"s3": {"buckets": [{"name": "loaded", "objects": [
        {"key": "a", "body": "hello"}]}]}})
    [ns] = [n for n in mockaws_fresh.state()["namespaces"] if "s3" in n]
    assert [b["name"] for b in ns["s3"]["buckets"]] == ["loaded"]

    taken = mockaws_fresh.snapshot("mine")
    assert taken["name"] == "mine"
    assert "mine" in [s["name"] for s in mockaws_fresh.snapshots()]
    s3 = mockaws_fresh.client("s3")
    s3.delete_object(Bucket="loaded", Key="a")
    mockaws_fresh.restore("mine")
    assert s3.get_object(Bucket="loaded", Key="a")["Body"].read() == b"hello"
    mockaws_fresh.delete_snapshot("mine")
    assert "mine" not in [s["name"] for s in mockaws_fresh.snapshots()]
    with pytest.raises(mockaws_pkg.MockawsError) as e:
        mockaws_fresh.restore("mine")
    assert e.value.status == 404


def test_the_previous_tests_bucket_is_gone(mockaws_fresh):
    assert mockaws_fresh.client("s3").list_buckets()["Buckets"] == []


def test_scenario_and_verify(mockaws_fresh):
    mockaws_fresh.scenario({"name": "one-put", "expect": [
        {"service": "s3", "operation": "CreateBucket", "count": 1}]})
    assert mockaws_fresh.verify()["passed"] is False
    mockaws_fresh.client("s3").create_bucket(Bucket="scenario")
    report = mockaws_fresh.verify()
    assert report["name"] == "one-put" and report["passed"] is True


def test_sns_and_sqs_messages(mockaws_fresh):
    sqs = mockaws_fresh.client("sqs")
    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hi")
    [q] = mockaws_fresh.sqs_messages(queue="inbox")
    assert [m["body"] for m in q["messages"]] == ["hi"]
    arn = mockaws_fresh.client("sns").create_topic(Name="news")["TopicArn"]
    mockaws_fresh.client("sns").publish(TopicArn=arn, Message="extra")
    published = mockaws_fresh.sns_messages(topic_arn=arn)["messages"]
    assert [m["message"] for m in published] == ["extra"]
    mockaws_fresh.clear_sns_messages()
    assert mockaws_fresh.sns_messages()["messages"] == []


def test_health(mockaws_fresh):
    doc = mockaws_fresh.health()
    assert doc["status"] == "ok" and "s3" in doc["services"]
