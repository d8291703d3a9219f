"""Fixtures for the organisations tests: an organisation's administrator."""

import pytest

from civiclab.organisations.models import Role
from tests.factories import member


@pytest.fixture
def admin(organisation):
    """Someone holding the admin role in `organisation` (tests/conftest.py)."""
    return member(organisation, Role.ADMIN)
