"""Fixtures every discussion test gets: an empty cache, so that rate limits and cached role
look-ups never carry over from another test."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()
