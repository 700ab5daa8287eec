"""Fixtures shared with the networks' and challenges' tests."""

from tests.challenges.conftest import areas, make_challenge  # noqa: F401 (fixtures)
from tests.networks.conftest import make_network  # noqa: F401 (fixture)
