"""The control client: one object per server, talking to /_mockaws/ over HTTP."""
from __future__ import annotations

import http.client
import json
import os
import urllib.parse
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

JSON = Any
PathLike = Union[str, "os.PathLike[str]"]

TOKEN_HEADER = "X-Mockaws-Control-Token"

#: The credentials :meth:`Mockaws.client` and :func:`mockaws.aws_env` use:
#: the dummies ``mockaws env`` prints, obviously not AWS's (a request that
#: reaches AWS with them, or a log, says so) yet of the form clients expect;
#: ``--auth verify`` knows them as the root of account 123456789012.
DUMMY_ACCESS_KEY = "AKIAMOCKAWS00EXAMPLE"
DUMMY_SECRET_KEY = "mockawsLocalOnlyNotARealSecretEXAMPLEKEY"
DEFAULT_REGION = "us-east-1"


class MockawsError(Exception):
    """A control call the server refused, or a server that could not start.

    ``status`` is the HTTP status (None when no answer came: connection refused,
    a server that exited), ``message`` the server's ``{"error": ...}`` text or
    what went wrong, ``method`` and ``path`` the call that failed."""

    def __init__(self, message: str, status: Optional[int] = None,
                 method: Optional[str] = None, path: Optional[str] = None) -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        where = f"{method} {path}: " if method else ""
        code = f"{status} " if status is not None else ""
        super().__init__(f"{where}{code}{message}")


class Faults:
    """Fault rules (README "Fault injection"): ``m.faults``."""

    def __init__(self, client: "Mockaws") -> None:
        self._m = client

    def add(self, rule_or_rules: Union[Mapping[str, JSON], Iterable[Mapping[str, JSON]]]) -> List[str]:
        """Add one rule (a dict) or a list of rules, all or none; returns their ids.

        >>> m.faults.add({"service": "s3", "operation": "PutObject",
        ...               "error": "SlowDown", "times": 1})
        ['fault-1']
        """
        body = dict(rule_or_rules) if isinstance(rule_or_rules, Mapping) else list(rule_or_rules)
        return list(self._m.request("POST", "/_mockaws/faults", body)["ids"])

    def remove(self, rule_id: str) -> None:
        """Delete the rule with this id (MockawsError 404 when there is none)."""
        self._m.request("DELETE", "/_mockaws/faults/" + urllib.parse.quote(rule_id, safe=""))

    def clear(self) -> None:
        """Delete every rule."""
        self._m.request("DELETE", "/_mockaws/faults")

    def list(self) -> List[Dict[str, JSON]]:
        """The rules, each with its ``id`` and counters ``matched``, ``fired``, ``expired``."""
        return list(self._m.request("GET", "/_mockaws/faults")["faults"])


class Journal:
    """The request journal: ``m.journal(operation="PutObject")`` lists entries,
    ``m.journal.clear()`` empties it."""

    def __init__(self, client: "Mockaws") -> None:
        self._m = client

    def __call__(self, service: Optional[str] = None, operation: Optional[str] = None,
                 error: Optional[str] = None, since: Optional[int] = None,
                 limit: Optional[int] = None) -> List[Dict[str, JSON]]:
        """Entries oldest first, each a dict (``seq``, ``service``, ``operation``,
        ``resource``, ``status``, ``error``, ``fault``, ``attempt``, ...).

        Filters are the server's: ``service`` and ``operation`` exact names,
        ``error`` an error code, ``since`` a seq (entries after it), ``limit``
        the most recent N."""
        query = {k: v for k, v in (("service", service), ("operation", operation),
                                   ("error", error), ("since", since), ("limit", limit))
                 if v is not None}
        return list(self._m.request("GET", "/_mockaws/journal", query=query)["entries"])

    def clear(self) -> None:
        """Forget every entry."""
        self._m.request("DELETE", "/_mockaws/journal")


class Clock:
    """The server clock: ``m.clock``. A virtual clock stands still until advanced;
    advancing does the work that became due (table and instance transitions,
    S3 expirations and restores)."""

    def __init__(self, client: "Mockaws") -> None:
        self._m = client

    def _post(self, body: Dict[str, JSON]) -> int:
        return int(self._m.request("POST", "/_mockaws/clock", body)["now_ms"])

    def virtual(self) -> int:
        """Freeze server time; returns now in ms since the epoch."""
        return self._post({"mode": "virtual"})

    def real(self) -> int:
        """Let server time run again; returns now."""
        return self._post({"mode": "real"})

    def advance(self, ms: int) -> int:
        """Move server time forward by ``ms`` and do the work that became due;
        returns now. The mode stays as it is (a real clock keeps running from
        the new time)."""
        return self._post({"advance_ms": int(ms)})

    def now_ms(self) -> int:
        """The server's now, in ms since the epoch."""
        return int(self._m.request("GET", "/_mockaws/clock")["now_ms"])

    def mode(self) -> str:
        """``"real"`` or ``"virtual"``."""
        return str(self._m.request("GET", "/_mockaws/clock")["mode"])


class Mockaws:
    """A client for a running server's control API.

    ``endpoint`` is its base URL (``http://127.0.0.1:4566``); ``token`` the
    control token when the server was started with ``--control-token``
    (default: ``$MOCKAWS_CONTROL_TOKEN``, as the server reads it too).
    Every method raises :class:`MockawsError` when the server refuses.

    Attributes: ``faults`` (:class:`Faults`), ``journal`` (:class:`Journal`,
    callable), ``clock`` (:class:`Clock`)."""

    def __init__(self, endpoint: str, token: Optional[str] = None, timeout: float = 60.0) -> None:
        parts = urllib.parse.urlsplit(endpoint if "://" in endpoint else "http://" + endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"mockaws endpoint must be http://HOST:PORT, got {endpoint!r}")
        self.endpoint = f"{parts.scheme}://{parts.netloc}"
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self.token = token if token is not None else os.environ.get("MOCKAWS_CONTROL_TOKEN") or None
        self.timeout = timeout
        self.faults = Faults(self)
        self.journal = Journal(self)
        self.clock = Clock(self)
        self._boto_session: Any = None
        #: the :class:`mockaws.ServerProcess` when :func:`mockaws.server` started it
        self.process: Any = None

    def __repr__(self) -> str:
        return f"Mockaws({self.endpoint!r})"

    # ---- raw ----
    def request(self, method: str, path: str, body: JSON = None,
                query: Optional[Mapping[str, Any]] = None) -> JSON:
        """One control call: ``body`` (if not None) is sent as JSON; returns the
        parsed answer. A status of 300 or more raises :class:`MockawsError`
        carrying the server's message."""
        url = path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers[TOKEN_HEADER] = self.token
        cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=self.timeout)
        try:
            try:
                conn.request(method, url, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
            except OSError as e:
                raise MockawsError(f"no answer from {self.endpoint}: {e}", None, method, path) from e
        finally:
            conn.close()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        if resp.status >= 300:
            msg = doc.get("error") if isinstance(doc, dict) else None
            raise MockawsError(msg or raw.decode("utf-8", "replace") or resp.reason,
                               resp.status, method, path)
        if doc is None and raw:
            raise MockawsError(f"answer is not JSON: {raw[:200]!r}", resp.status, method, path)
        return doc

    # ---- SDK clients (boto3, imported only here) ----
    def _boto_kwargs(self, region: Optional[str], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        if self._boto_session is None:
            import boto3  # an optional dependency: the rest of the package needs none

            self._boto_session = boto3.session.Session()
        kw: Dict[str, Any] = {"endpoint_url": self.endpoint, "region_name": region or DEFAULT_REGION,
                              "aws_access_key_id": DUMMY_ACCESS_KEY,
                              "aws_secret_access_key": DUMMY_SECRET_KEY}
        kw.update(kwargs)
        return kw

    def client(self, service: str, region: Optional[str] = None, **kwargs: Any) -> Any:
        """A boto3 client for this server: its endpoint, dummy credentials and
        ``region`` (default us-east-1); other keyword arguments go to
        ``boto3.Session.client`` and win. Works with every boto3, where
        ``AWS_ENDPOINT_URL`` needs boto3 1.28 / botocore 1.31 or later
        (Debian 12 ships 1.26)."""
        kw = self._boto_kwargs(region, kwargs)
        return self._boto_session.client(service, **kw)

    def resource(self, service: str, region: Optional[str] = None, **kwargs: Any) -> Any:
        """A boto3 resource (``m.resource("dynamodb").Table("t")``), as :meth:`client`."""
        kw = self._boto_kwargs(region, kwargs)
        return self._boto_session.resource(service, **kw)

    # ---- server ----
    def health(self) -> Dict[str, JSON]:
        """``{"status": "ok", "version", "services": {...}}`` (needs no token)."""
        return self.request("GET", "/_mockaws/health")

    def reset(self) -> None:
        """Drop all service state, fault rules, STS credentials and the journal
        (not the clock, not snapshots)."""
        self.request("POST", "/_mockaws/reset")

    def state(self) -> Dict[str, JSON]:
        """The whole state as a fixture document, ``{"namespaces": [...]}``."""
        return self.request("GET", "/_mockaws/state")

    def load(self, fixtures: Union[JSON, PathLike]) -> None:
        """Load a fixture document (README "Fixtures and state"): a dict or list,
        or the path of a JSON file, read here and posted. Files the document
        names (an S3 object's ``"file"``) resolve on the server, inside its
        ``--fixtures-dir`` only; :func:`mockaws.server` ``fixtures=`` passes paths
        as ``--fixtures`` instead, relative to the file."""
        if isinstance(fixtures, (str, os.PathLike)):
            with open(fixtures, encoding="utf-8") as f:
                fixtures = json.load(f)
        self.request("POST", "/_mockaws/state", fixtures)

    def save_state(self) -> Dict[str, JSON]:
        """Write the state to the server's ``--state-dir`` now; returns
        ``{"saved": path, "bytes": N}`` (409 when it runs without one)."""
        return self.request("POST", "/_mockaws/state/save")

    # ---- snapshots ----
    def snapshot(self, name: str = "base", journal: bool = False) -> Dict[str, JSON]:
        """Take a snapshot of every namespace under ``name`` (replacing one of
        that name). With ``journal=True`` restoring it also drops the journal
        entries recorded after it. Returns ``{"name", "namespaces", "journal_seq"}``."""
        body: Dict[str, JSON] = {"name": name}
        if journal:
            body["journal"] = True
        return self.request("POST", "/_mockaws/snapshots", body)

    def restore(self, name: str = "base") -> None:
        """Put the state back as snapshot ``name`` holds it (404 when unknown)."""
        self.request("POST", "/_mockaws/snapshots/" + urllib.parse.quote(name, safe="") + "/restore")

    def snapshots(self) -> List[Dict[str, JSON]]:
        """The snapshots: ``name``, ``namespaces``, ``journal_seq``, ``created_ms``."""
        return list(self.request("GET", "/_mockaws/snapshots")["snapshots"])

    def delete_snapshot(self, name: str) -> None:
        """Forget snapshot ``name``."""
        self.request("DELETE", "/_mockaws/snapshots/" + urllib.parse.quote(name, safe=""))

    # ---- scenarios ----
    def scenario(self, doc: JSON) -> None:
        """Load a scenario (README "Scenarios"): fixtures, faults, clock, expectations."""
        self.request("POST", "/_mockaws/scenario", doc)

    def verify(self) -> Dict[str, JSON]:
        """The loaded scenario's report ``{"name", "passed", "results": [...]}``."""
        return self.request("GET", "/_mockaws/scenario/verify")

    # ---- service hooks ----
    def sns_messages(self, topic_arn: Optional[str] = None, account: Optional[str] = None,
                     region: Optional[str] = None) -> Dict[str, JSON]:
        """What SNS published, and the subscription confirmations it sent."""
        return self.request("GET", "/_mockaws/sns/messages",
                            query=_drop_none(topic_arn=topic_arn, account=account, region=region))

    def clear_sns_messages(self) -> None:
        """Forget what SNS recorded as published."""
        self.request("DELETE", "/_mockaws/sns/messages")

    def sqs_messages(self, queue: Optional[str] = None, account: Optional[str] = None,
                     region: Optional[str] = None) -> List[Dict[str, JSON]]:
        """The queues with the messages they hold: ``[{"account", "region",
        "name", "arn", "messages"}]``; ``queue`` filters by name."""
        doc = self.request("GET", "/_mockaws/sqs/messages",
                           query=_drop_none(queue=queue, account=account, region=region))
        return list(doc["queues"])


def _drop_none(**kw: Any) -> Dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}
