import hashlib
import re

import pytest
from django.urls import reverse

from civiclab.accounts.models import ApiToken
from civiclab.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TOKEN_RE = re.compile(r"clb_[0-9a-f]{8}_[A-Za-z0-9_-]{32,64}")


def create(client, name="Reporting script", scope="read", days=90):
    return client.post(
        reverse("accounts:token_create"), {"name": name, "scope": scope, "expires_in_days": days}
    )


def test_token_pages_need_sign_in(client, db):
    for name in ["tokens", "token_create"]:
        assert client.get(reverse(f"accounts:{name}"))["Location"].startswith("/accounts/login/")


def test_created_token_is_shown_once_and_stored_only_as_a_digest(signed_in, user):
    response = create(signed_in)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = TOKEN_RE.search(response.content.decode()).group(0)
    token = ApiToken.objects.get()
    assert token.user == user
    assert token.name == "Reporting script"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"clb_{token.prefix}_")
    assert all(secret not in str(value) for value in token.__dict__.values())
    listing = signed_in.get(reverse("accounts:tokens")).content.decode()
    assert secret not in listing
    assert f"clb_{token.prefix}" in listing
    assert "Reporting script" in listing
    event = AuditEvent.objects.get(action="accounts.token_created")
    assert secret not in str(event.details)


def test_token_needs_a_name(signed_in):
    for name in ["", "   ", "x" * 101]:
        response = create(signed_in, name)
        assert response.status_code == 200
        assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoke_asks_for_confirmation_then_revokes(signed_in, user):
    create(signed_in)
    token = ApiToken.objects.get()
    url = reverse("accounts:token_revoke", args=[token.pk])
    page = signed_in.get(url)
    assert "Revoke the token" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert signed_in.post(url)["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="accounts.token_revoked").exists()
    assert "Revoked" in signed_in.get(reverse("accounts:tokens")).content.decode()


def test_someone_elses_token_cannot_be_revoked(signed_in):
    other = UserFactory()
    token = ApiToken.objects.create(user=other, name="theirs", prefix="abcdef12", digest="d" * 64)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_query_count_does_not_grow(signed_in, user, django_assert_max_num_queries):
    for n in range(15):
        ApiToken.objects.create(user=user, name=f"t{n}", prefix=f"{n:08x}", digest=f"{n:064x}")
    with django_assert_max_num_queries(8):
        response = signed_in.get(reverse("accounts:tokens"))
    assert response.status_code == 200


def test_active_tokens_are_listed_before_revoked_ones(user):
    from django.utils import timezone

    from civiclab.accounts import selectors

    ApiToken.objects.create(
        user=user, name="old", prefix="00000001", digest="1" * 64, revoked_at=timezone.now()
    )
    ApiToken.objects.create(user=user, name="live", prefix="00000002", digest="2" * 64)
    assert [t.name for t in selectors.tokens_of(user)] == ["live", "old"]
