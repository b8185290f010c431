"""mockaws: helpers for tests against a mockaws server (standard library only;
boto3 just for the convenience :meth:`Mockaws.client`).

- :class:`Mockaws`: the control API client (faults, journal, clock, snapshots,
  fixtures, scenarios).
- :func:`server`: a context manager that runs the binary on a free port and
  points the AWS SDKs at it.
- the pytest plugin (:mod:`mockaws.pytest_plugin`, loaded automatically once
  installed): fixtures ``mockaws`` (session) and ``mockaws_fresh`` (per test,
  the ``base`` snapshot restored).
"""
from ._client import Clock, Faults, Journal, Mockaws, MockawsError
from ._server import ServerProcess, aws_env, find_binary, server

__version__ = "0.1.0"

__all__ = ["Mockaws", "MockawsError", "Faults", "Journal", "Clock", "server", "ServerProcess",
           "aws_env", "find_binary", "__version__"]
