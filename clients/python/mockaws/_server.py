"""Start a mockaws binary on a free port, and point the AWS SDKs at it."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from typing import Dict, Iterator, Mapping, Optional, Sequence, Union

from ._client import (DEFAULT_REGION, DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, Mockaws, MockawsError,
                      PathLike)


def find_binary(binary: Optional[PathLike] = None) -> str:
    """The mockaws executable: ``binary`` when given, else ``$MOCKAWS_BIN``,
    else ``mockaws`` on the PATH. Raises :class:`MockawsError` naming where it
    looked when none is found."""
    tried = []
    for source, cand in (("argument", binary), ("MOCKAWS_BIN", os.environ.get("MOCKAWS_BIN"))):
        if cand:
            cand = os.fspath(cand)
            if os.path.isfile(cand) and os.access(cand, os.X_OK):
                return cand
            tried.append(f"{source} {cand!r} is not an executable file")
            # an explicit choice that is wrong is an error, not a reason to look elsewhere
            raise MockawsError("mockaws binary not found: " + "; ".join(tried))
    found = shutil.which("mockaws")
    if found:
        return found
    raise MockawsError("mockaws binary not found: pass binary=, set MOCKAWS_BIN, "
                       "or put mockaws on the PATH")


class ServerProcess:
    """A mockaws child process on a free port of 127.0.0.1.

    ``ServerProcess(args=[...]).start()`` returns once the server listens (it
    has written its ``--port-file``); ``port``, ``endpoint`` and ``client``
    (a :class:`Mockaws`) are then set. Its stdout and stderr go to files in a
    private temporary directory: :meth:`output` reads them, also after
    :meth:`stop`. Most code wants :func:`server` instead."""

    def __init__(self, binary: Optional[PathLike] = None, args: Sequence[str] = (),
                 fixtures: Sequence[PathLike] = (), host: str = "127.0.0.1",
                 token: Optional[str] = None, startup_timeout: float = 60.0) -> None:
        self.binary = find_binary(binary)
        self.host = host
        self.token = token
        self.startup_timeout = startup_timeout
        self.tmp = tempfile.mkdtemp(prefix="mockaws-")
        self.port_file = os.path.join(self.tmp, "port")
        self.stdout_path = os.path.join(self.tmp, "stdout")
        self.stderr_path = os.path.join(self.tmp, "stderr")
        self.argv = [self.binary, "--host", host, "--port", "0", "--port-file", self.port_file]
        for f in fixtures:
            self.argv += ["--fixtures", os.fspath(f)]
        if token:
            self.argv += ["--control-token", token]
        self.argv += [str(a) for a in args]
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None
        self.endpoint: Optional[str] = None
        self.client: Optional[Mockaws] = None
        self._final_output: Optional[str] = None

    def start(self) -> "ServerProcess":
        """Start the binary and wait (up to ``startup_timeout`` s) until it
        listens. Raises :class:`MockawsError` with its exit status and output
        when it exits first or never listens."""
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            try:
                self.proc = subprocess.Popen(self.argv, stdout=out, stderr=err,
                                             stdin=subprocess.DEVNULL)
            except OSError as e:
                self._cleanup()
                raise MockawsError(f"cannot run {self.binary}: {e}") from e
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self._cleanup()
                raise MockawsError(f"mockaws exited with status {code} before listening "
                                   f"({' '.join(self.argv)}):\n{self.output()}")
            try:
                with open(self.port_file) as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
            # the file is complete once it ends in a newline
            if text.endswith("\n") and text.strip().isdigit():
                self.port = int(text)
                break
            time.sleep(0.005)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            self._cleanup()
            raise MockawsError(f"mockaws did not listen within {self.startup_timeout:g} s:\n"
                               f"{self.output()}")
        self.endpoint = f"http://{_url_host(self.host)}:{self.port}"
        self.client = Mockaws(self.endpoint, token=self.token)
        return self

    def running(self) -> bool:
        """Whether the process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def output(self, tail: int = 8000) -> str:
        """The last ``tail`` characters of the server's stdout and stderr."""
        if self._final_output is not None:
            return self._final_output[-tail:] if tail else self._final_output
        parts = []
        for path in (self.stdout_path, self.stderr_path):
            try:
                with open(path, errors="replace") as f:
                    parts.append(f.read())
            except OSError:
                pass
        text = "\n".join(p for p in parts if p)
        return text[-tail:] if tail else text

    def stdout(self) -> str:
        """Everything the server wrote to stdout so far (before :meth:`stop`)."""
        with open(self.stdout_path, errors="replace") as f:
            return f.read()

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL; returns the exit
        status (0 for a graceful stop, negative for a signal). Safe to call twice."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._cleanup()
        return self.proc.returncode

    def _cleanup(self) -> None:
        if self._final_output is None and os.path.isdir(self.tmp):
            self._final_output = self.output(tail=0)
            shutil.rmtree(self.tmp, ignore_errors=True)


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


# The services mockaws serves: each gets its own AWS_ENDPOINT_URL_<SERVICE>,
# which SDKs prefer to AWS_ENDPOINT_URL, so that one left in the shell cannot
# send a service elsewhere. The same set `mockaws env` prints (a test compares).
SERVED = ("S3", "DYNAMODB", "SNS", "SQS", "EC2", "STS", "IAM")


def env_for(endpoint: str, region: str = DEFAULT_REGION) -> Dict[str, Optional[str]]:
    """The environment :func:`aws_env` applies (None = unset): what
    ``mockaws env --format json`` prints for this endpoint and region."""
    env: Dict[str, Optional[str]] = {"AWS_ENDPOINT_URL": endpoint}
    env.update({f"AWS_ENDPOINT_URL_{svc}": endpoint for svc in SERVED})
    env.update({
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false",
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
        "AWS_SESSION_TOKEN": None,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    return env


@contextlib.contextmanager
def aws_env(endpoint: str, region: str = DEFAULT_REGION) -> Iterator[None]:
    """Point the AWS SDKs (those reading ``AWS_ENDPOINT_URL``: boto3 1.28+, the
    CLI v2, the JS SDK v3, ...) at ``endpoint`` with dummy credentials (``AKIAMOCKAWS00EXAMPLE``, which `--auth verify` knows too), no session token and
    ``region``; puts the previous values back on exit."""
    changes = env_for(endpoint, region)
    saved = {k: os.environ.get(k) for k in changes}
    try:
        _apply(changes)
        yield
    finally:
        _apply(saved)


def _apply(values: Mapping[str, Optional[str]]) -> None:
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@contextlib.contextmanager
def server(binary: Optional[PathLike] = None, args: Sequence[str] = (),
           fixtures: Optional[Sequence[Union[PathLike, object]]] = None, env: bool = True,
           token: Optional[str] = None, region: str = DEFAULT_REGION,
           startup_timeout: float = 60.0) -> Iterator[Mockaws]:
    """Run a mockaws server for the duration of a ``with`` block::

        with mockaws.server(fixtures=["fixtures/s3.json"]) as m:
            boto3.client("s3").list_buckets()      # goes to m.endpoint
            assert m.journal(operation="ListBuckets")

    ``binary``: the executable (else ``$MOCKAWS_BIN``, else ``mockaws`` on the
    PATH). ``args``: extra command-line arguments (``["--auth", "verify"]``).
    ``fixtures``: file paths (passed as ``--fixtures``, so files they name
    resolve next to them) and/or documents (dicts, loaded once it listens).
    ``env``: set ``AWS_ENDPOINT_URL``, dummy credentials and ``region`` for the
    block (see :func:`aws_env`). ``token``: a control token to start it with.

    Yields a :class:`Mockaws` whose ``.endpoint`` is the server's URL and
    ``.process`` the :class:`ServerProcess`. On exit the server gets SIGTERM
    (SIGKILL after 60 s). A server that died on its own, or did not exit 0,
    raises :class:`MockawsError` with its exit status and output; when the
    block itself raised, that exception goes on with the server's output as a
    note."""
    paths = [f for f in fixtures or () if isinstance(f, (str, os.PathLike))]
    docs = [f for f in fixtures or () if not isinstance(f, (str, os.PathLike))]
    proc = ServerProcess(binary, args, paths, token=token, startup_timeout=startup_timeout).start()
    m = proc.client
    assert m is not None
    m.process = proc
    try:
        for doc in docs:
            m.load(doc)
        with aws_env(m.endpoint, region) if env else contextlib.nullcontext():
            try:
                yield m
            except BaseException as e:
                if not proc.running() and hasattr(e, "add_note"):
                    e.add_note(f"mockaws exited with status {proc.proc.returncode}:\n"
                               f"{proc.output()}")
                raise
    finally:
        died = not proc.running()
        code = proc.stop()
    if died:
        raise MockawsError(f"mockaws exited with status {code} while in use:\n{proc.output()}")
    if code != 0:
        # a graceful stop exits 0; anything else (a crash on the way out, a
        # sanitizer's report) is a server bug worth seeing
        raise MockawsError(f"mockaws exited with status {code} after SIGTERM:\n{proc.output()}")
