"""Registers fixtures: the Đảng bộ xã with its chi bộ (tests.registers.support.build_lien)."""

from collections.abc import Callable

import pytest

from chibo_flow.models import Programme
from tests.registers.support import Liên, build_lien


@pytest.fixture
def lien(make, db) -> Liên:
    """PARENT over two chi bộ whose "Thường trực ĐU" line stands for it, and UNRELATED."""
    return build_lien(make, db)


@pytest.fixture
def approved(lien) -> Callable[[int, str], Programme]:
    """approved(cell, title): approve a programme of that cell now."""
    return lien.approve
