"""Security fixtures: the web suite's world (an org with people in every role) and its
logged-in clients."""

from tests.web.conftest import browser, password_hash, world  # noqa: F401
