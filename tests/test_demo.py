"""The demo ships a copy of the seed document; it must stay the real one."""

from chibo_flow.demo import SEED_FILE
from tests.support import SEED


def test_demo_seed_is_the_shared_seed():
    assert SEED_FILE.read_bytes() == SEED.read_bytes()
