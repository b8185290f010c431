"""The world every test of test_world.py starts from: 10,000 S3 objects and
10,000 DynamoDB items, made by the fixture format's generate forms. The
plugin loads it once and snapshots it as base; mockaws_fresh restores it
before each test. This file also times those restores and prints them."""
import statistics
import time

import pytest

WORLD_SIZE = 10_000
BUCKET = "world"
TABLE = "world"
PREFIX = "world/"
OBJECT_SIZE = 64
ITEM_SIZE = 64

_restores_ms = []
_session = {}


@pytest.fixture(scope="session")
def mockaws_fixtures():
    _session["fixtures_ms"] = time.perf_counter()
    return [{
        "s3": {"buckets": [{"name": BUCKET, "objects": [
            {"generate": {"prefix": PREFIX, "count": WORLD_SIZE, "size": OBJECT_SIZE}}]}]},
        "dynamodb": {"tables": [{
            "TableName": TABLE,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "generate": {"count": WORLD_SIZE, "size": ITEM_SIZE, "attribute": "data"}}]},
    }]


@pytest.fixture(scope="session")
def mockaws(mockaws):
    """The plugin's, timed: from handing it the fixtures to its base snapshot."""
    _session["setup_ms"] = (time.perf_counter() - _session["fixtures_ms"]) * 1000
    return mockaws


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    start = time.perf_counter()
    yield
    ms = (time.perf_counter() - start) * 1000
    if fixturedef.argname == "mockaws_fresh":
        _restores_ms.append(ms)


def pytest_sessionstart(session):
    _session["start"] = time.perf_counter()


def pytest_terminal_summary(terminalreporter):
    if not _restores_ms:
        return
    total = time.perf_counter() - _session["start"]
    r = sorted(_restores_ms)
    p95 = r[min(len(r) - 1, int(len(r) * 0.95))]
    terminalreporter.write_line(
        f"mockaws world suite: {len(r)} tests in {total:.2f} s; server start, world load and "
        f"base snapshot {_session.get('setup_ms', 0):.0f} ms; per-test restore (mockaws_fresh "
        f"setup) median {statistics.median(r):.2f} ms, p95 {p95:.2f} ms, max {r[-1]:.2f} ms")
