"""Security fixtures: the web tests' world (the seed's chi bộ and a second org, "Chi bộ Thôn
Đông", whose secretary, committee member and admin is the "outsider"), browser-like clients
logged in through the real form, and bearer tokens for the API."""

from collections.abc import Callable

import pytest

from chibo_flow.models import User
from tests.conftest import api_token
from tests.web.conftest import browser, world  # noqa: F401


@pytest.fixture
def token() -> Callable[[User], dict[str, str]]:
    """token(user): the Authorization header of a new API token of `user`."""
    return lambda user: {"Authorization": f"Bearer {api_token(user)}"}
