"""The pytest plugin, registered through the ``pytest11`` entry point.

Fixtures:

``mockaws`` (session)
    A :class:`mockaws.Mockaws` for the whole session. With ``MOCKAWS_ENDPOINT``
    (or ``--mockaws-endpoint``) set it uses that running server, reset first;
    otherwise it starts the binary on a free port. Either way it sets
    ``AWS_ENDPOINT_URL``, dummy credentials and the region for the session,
    loads :func:`mockaws_fixtures`, and takes the snapshot ``base`` (with the
    journal, so that restoring it also forgets the requests made since).

``mockaws_fresh`` (function)
    The same client, with ``base`` restored before the test: every test
    starts from the fixtures, with no fault rules but the fixtures' own, an
    empty journal and a real clock; nothing a test wrote is seen by another.

``mockaws_fixtures`` (session, override it)
    The fixture documents and file paths to load: by default the ini option
    ``mockaws_fixtures`` (paths relative to the ini file). Override it in a
    ``conftest.py`` to build the world in code.

``mockaws_args`` (session, override it)
    Extra command-line arguments for a server the plugin starts: the ini
    option ``mockaws_args`` and every ``--mockaws-arg``.

Options: ``--mockaws-bin`` / ini ``mockaws_bin`` (else ``$MOCKAWS_BIN``, else
``mockaws`` on the PATH), ``--mockaws-arg ARG`` (repeatable) / ini
``mockaws_args``, ``--mockaws-endpoint URL`` / ``$MOCKAWS_ENDPOINT``.
"""
from __future__ import annotations

import os
from typing import Any, Iterator, List

import pytest

from ._client import Mockaws, MockawsError
from ._server import aws_env, server

BASE = "base"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockaws", "mockaws server for the mockaws fixtures")
    group.addoption("--mockaws-bin", default=None, metavar="PATH",
                    help="mockaws executable (default: ini mockaws_bin, $MOCKAWS_BIN, PATH)")
    group.addoption("--mockaws-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for the server the plugin starts (repeatable)")
    group.addoption("--mockaws-endpoint", default=None, metavar="URL",
                    help="use this running server instead of starting one "
                         "(default: $MOCKAWS_ENDPOINT); it is reset")
    parser.addini("mockaws_bin", "mockaws executable", default="")
    parser.addini("mockaws_args", "extra server arguments", type="args", default=[])
    parser.addini("mockaws_fixtures", "fixture files loaded before the base snapshot",
                  type="paths", default=[])


@pytest.fixture(scope="session")
def mockaws_fixtures(pytestconfig: pytest.Config) -> List[Any]:
    """Fixture documents (dicts, lists) and paths to load into the world
    before the ``base`` snapshot. Default: ini ``mockaws_fixtures``."""
    return list(pytestconfig.getini("mockaws_fixtures"))


@pytest.fixture(scope="session")
def mockaws_args(pytestconfig: pytest.Config) -> List[str]:
    """Extra arguments for a server the plugin starts."""
    return [*pytestconfig.getini("mockaws_args"), *pytestconfig.getoption("mockaws_arg")]


@pytest.fixture(scope="session")
def mockaws(pytestconfig: pytest.Config, mockaws_fixtures: List[Any],
            mockaws_args: List[str]) -> Iterator[Mockaws]:
    """The session's server (see the module's documentation)."""
    endpoint = pytestconfig.getoption("mockaws_endpoint") or os.environ.get("MOCKAWS_ENDPOINT")
    if endpoint:
        m = Mockaws(endpoint)
        try:
            m.health()
        except MockawsError as e:
            raise pytest.UsageError(f"MOCKAWS_ENDPOINT={endpoint}: {e}") from None
        m.reset()
        for f in mockaws_fixtures:
            m.load(f)
        with aws_env(m.endpoint):
            _take_base(m)
            yield m
        return
    binary = pytestconfig.getoption("mockaws_bin") or pytestconfig.getini("mockaws_bin") or None
    with server(binary, mockaws_args, fixtures=mockaws_fixtures) as m:
        _take_base(m)
        yield m


def _take_base(m: Mockaws) -> None:
    m.journal.clear()
    m.snapshot(BASE, journal=True)


@pytest.fixture
def mockaws_fresh(mockaws: Mockaws) -> Iterator[Mockaws]:
    """The session's client with the ``base`` snapshot restored before the test."""
    fresh(mockaws)
    yield mockaws


def fresh(m: Mockaws) -> None:
    """What ``mockaws_fresh`` does before each test: restore ``base`` (the
    state, the fault rules with their counters, STS credentials, and the
    journal as it was) and put the clock back in real mode (a snapshot does
    not hold the clock)."""
    m.restore(BASE)
    if m.clock.mode() != "real":
        m.clock.real()
