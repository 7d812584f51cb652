"""Review tests use the web tests' world (the seed's chi bộ, its people and directory) and
browser-like clients."""

from tests.web.conftest import browser, third, world  # noqa: F401
