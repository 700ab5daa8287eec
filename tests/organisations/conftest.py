"""Fixtures shared with the networks' tests."""

from tests.networks.conftest import make_network  # noqa: F401 (fixture)
