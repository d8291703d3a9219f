"""Fixtures for the core tests: an empty cache (rate limits, throttles) around each test."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()
