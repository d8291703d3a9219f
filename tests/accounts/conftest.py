import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Login throttling and resend limits live in the cache; no test may inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory(email="ada@example.org", display_name="Ada Lovelace")


@pytest.fixture
def signed_in(client, user):
    """Signed in through the sign-in page, so the password counts as just entered."""
    response = client.post(
        reverse("accounts:login"), {"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def signed_in_long_ago(client, user):
    """A session whose password was entered longer ago than re-authentication allows."""
    client.login(email=user.email, password=DEFAULT_PASSWORD)
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (e-mails) of whatever happens inside the block."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
