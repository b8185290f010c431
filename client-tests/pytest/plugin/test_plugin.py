"""The plugin and the context manager from the outside: pytest runs of small
projects (pytester, in a subprocess so each starts clean) and plain scripts."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import mockaws



@pytest.fixture
def project(pytester, monkeypatch):
    monkeypatch.delenv("MOCKAWS_ENDPOINT", raising=False)
    return pytester


def test_ini_fixtures_are_the_base_each_test_starts_from(project):
    project.makefile(".json", world=json.dumps(
        {"s3": {"buckets": [{"name": "from-ini", "objects": [{"key": "seed", "body": "s"}]}]}}))
    project.makeini("[pytest]\nmockaws_fixtures = world.json\n")
    project.makepyfile(textwrap.dedent("""
        def keys(m):
            return [o["Key"] for o in
                    m.client("s3").list_objects_v2(Bucket="from-ini").get("Contents", [])]

        def test_first_writes(mockaws_fresh):
            mockaws_fresh.client("s3").put_object(Bucket="from-ini", Key="mine", Body=b"1")
            assert keys(mockaws_fresh) == ["mine", "seed"]

        def test_second_sees_only_the_fixture(mockaws_fresh):
            assert keys(mockaws_fresh) == ["seed"]
            assert mockaws_fresh.journal(operation="PutObject") == []
    """))
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_running_server_is_used_from_mockaws_endpoint(project, monkeypatch):
    with mockaws.server(env=False) as outer:
        monkeypatch.setenv("MOCKAWS_ENDPOINT", outer.endpoint)
        # a binary that cannot run: the plugin must not try to start one
        monkeypatch.setenv("MOCKAWS_BIN", "/nonexistent/mockaws")
        project.makepyfile(textwrap.dedent(f"""
            import os

            def test_uses_it(mockaws):
                assert mockaws.endpoint == {outer.endpoint!r}
                assert os.environ["AWS_ENDPOINT_URL"] == {outer.endpoint!r}
                mockaws.client("sqs").create_queue(QueueName="made-inside")
        """))
        result = project.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=1)
        assert [q["name"] for q in outer.sqs_messages()] == ["made-inside"]
        assert "base" in [s["name"] for s in outer.snapshots()]


def test_a_missing_binary_is_reported(project, monkeypatch):
    monkeypatch.setenv("MOCKAWS_BIN", "/nonexistent/mockaws")
    project.makepyfile("def test_x(mockaws):\n    pass\n")
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mockaws binary not found*MOCKAWS_BIN*/nonexistent/mockaws*"])


def test_a_server_that_refuses_its_arguments_is_reported_with_its_stderr(project):
    project.makepyfile("def test_x(mockaws):\n    pass\n")
    result = project.runpytest_subprocess("-p", "no:cacheprovider",
                                          "--mockaws-arg=--no-such-option")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mockaws exited with status * before listening*",
                                 "*no-such-option*"])


def test_a_binary_that_dies_at_start_shows_its_stderr(tmp_path):
    fake = tmp_path / "mockaws"
    fake.write_text("#!/bin/sh\necho 'cannot open the widget' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(mockaws.MockawsError) as e:
        with mockaws.server(binary=fake):
            pass
    assert "status 3" in str(e.value) and "cannot open the widget" in str(e.value)


def test_a_server_that_dies_in_use_is_reported(monkeypatch):
    with pytest.raises(mockaws.MockawsError) as e:
        with mockaws.server(env=False) as m:
            m.process.proc.kill()
            m.process.proc.wait()
    assert "exited with status -9 while in use" in str(e.value)


def test_the_context_manager_sets_and_restores_the_environment(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://before.invalid")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "a-real-looking-token")
    monkeypatch.delenv("AWS_REGION", raising=False)
    with mockaws.server(fixtures=[{"sqs": {"queues": [{"name": "preloaded"}]}}]) as m:
        assert os.environ["AWS_ENDPOINT_URL"] == m.endpoint
        assert "AWS_SESSION_TOKEN" not in os.environ
        assert os.environ["AWS_REGION"] == "us-east-1"
        urls = m.client("sqs").list_queues()["QueueUrls"]
        assert [u.rsplit("/", 1)[1] for u in urls] == ["preloaded"]
    assert os.environ["AWS_ENDPOINT_URL"] == "http://before.invalid"
    assert os.environ["AWS_SESSION_TOKEN"] == "a-real-looking-token"
    assert "AWS_REGION" not in os.environ


def test_the_context_manager_outside_pytest(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""
        import mockaws
        from botocore.config import Config
        with mockaws.server() as m:
            s3 = m.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 1}))
            s3.create_bucket(Bucket="plain")
            m.faults.add({"service": "s3", "operation": "ListBuckets", "error": "AccessDenied",
                          "times": 1})
            try:
                s3.list_buckets()
            except Exception as e:
                print("first:", type(e).__name__)
            print("buckets:", [b["Name"] for b in s3.list_buckets()["Buckets"]])
            print("journal:", [e["operation"] for e in m.journal()])
    """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "first: ClientError", "buckets: ['plain']",
        "journal: ['CreateBucket', 'ListBuckets', 'ListBuckets']"]


def test_the_readme_example_passes(project):
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "README.md")).read()
    start = readme.index("# test_orders.py")
    project.makepyfile(test_orders=readme[start:readme.index("```", start)])
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_fault_rules_of_the_fixtures_are_back_for_each_test(project):
    project.makeconftest(textwrap.dedent("""
        import pytest

        @pytest.fixture(scope="session")
        def mockaws_fixtures():
            return [{"faults": [{"id": "once", "service": "s3", "operation": "ListBuckets",
                                 "error": "AccessDenied", "times": 1}]}]
    """))
    project.makepyfile(textwrap.dedent("""
        import pytest
        from botocore.exceptions import ClientError

        @pytest.mark.parametrize("n", range(3))
        def test_the_rule_fires_once_per_test(n, mockaws_fresh):
            s3 = mockaws_fresh.client("s3")
            with pytest.raises(ClientError):
                s3.list_buckets()
            s3.list_buckets()
            [rule] = mockaws_fresh.faults.list()
            assert (rule["id"], rule["fired"]) == ("once", 1)
    """))
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize("how", ["option", "ini"])
def test_the_binary_comes_from_the_option_or_the_ini(project, how):
    fake = project.path / "fake-mockaws"
    fake.write_text("#!/bin/sh\necho \"fake mockaws called with $*\" >&2\nexit 7\n")
    fake.chmod(0o755)
    project.makepyfile("def test_x(mockaws):\n    pass\n")
    if how == "option":
        result = project.runpytest_subprocess("-p", "no:cacheprovider", f"--mockaws-bin={fake}")
    else:
        project.makeini(f"[pytest]\nmockaws_bin = {fake}\nmockaws_args = --seed 5\n")
        result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*mockaws exited with status 7 before listening*",
                                 "*fake mockaws called with --host 127.0.0.1 --port 0*"])
    if how == "ini":
        result.stdout.fnmatch_lines(["*fake mockaws called with *--seed 5*"])


def test_a_server_that_does_not_stop_cleanly_is_reported(tmp_path):
    # a stand-in that listens like mockaws but exits 5 on SIGTERM
    fake = tmp_path / "mockaws"
    fake.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import signal, socket, sys
        port_file = sys.argv[sys.argv.index("--port-file") + 1]
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
        signal.signal(signal.SIGTERM, lambda *a: (print("shutting down badly", file=sys.stderr),
                                                  sys.exit(5)))
        with open(port_file, "w") as f:
            f.write(f"{{s.getsockname()[1]}}\\n")
        signal.pause()
    """))
    fake.chmod(0o755)
    with pytest.raises(mockaws.MockawsError) as e:
        with mockaws.server(binary=fake, env=False):
            pass
    assert "exited with status 5 after SIGTERM" in str(e.value)
    assert "shutting down badly" in str(e.value)


def test_the_control_token_is_sent(monkeypatch):
    monkeypatch.delenv("MOCKAWS_CONTROL_TOKEN", raising=False)
    with mockaws.server(env=False, token="s3cret") as m:
        assert m.faults.list() == []
        with pytest.raises(mockaws.MockawsError) as e:
            mockaws.Mockaws(m.endpoint).faults.list()
        assert e.value.status == 401
        monkeypatch.setenv("MOCKAWS_CONTROL_TOKEN", "s3cret")
        assert mockaws.Mockaws(m.endpoint).faults.list() == []
