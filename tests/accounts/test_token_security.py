"""API tokens: who may create them, what they may do, when they stop working."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from civiclab.accounts import confirmation, services, token_codec
from civiclab.accounts.models import ApiToken, TokenScope
from civiclab.core import clock
from civiclab.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW = "a brand new passphrase to remember"
TOKEN_RE = re.compile(r"clb_[0-9a-f]{8}_[A-Za-z0-9_-]{32,64}")


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def works(secret) -> bool:
    return Client().get("/api/v1/me", **bearer(secret)).status_code == 200


def create_on_page(client, name="Reporting script", scope="read", days=90):
    return client.post(
        reverse("accounts:token_create"), {"name": name, "scope": scope, "expires_in_days": days}
    )


# Password reset and change revoke tokens, and the owner is told.


def test_password_reset_revokes_api_tokens(client, user, on_commit):
    _, secret = services.token_create(actor=user, name="Nightly export")
    assert works(secret)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1))["Location"]
    with on_commit():
        response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert not works(secret)
    assert ApiToken.objects.get().revoked_at is not None
    told = mail.outbox[-1]
    assert told.to == [user.email]
    assert "Nightly export" in told.body
    assert "revoked" in told.body
    page = client.get(response["Location"]).content.decode()
    assert "API token has stopped working" in page
    event = AuditEvent.objects.get(action="accounts.token_revoked")
    assert event.details["reason"] == "password_reset"


def test_password_change_revokes_api_tokens_and_tells_owner(signed_in, user, on_commit):
    _, first = services.token_create(actor=user, name="Dashboard")
    _, second = services.token_create(actor=user, name="Backup script")
    with on_commit():
        response = signed_in.post(
            reverse("accounts:password_change"),
            {"old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW},
            follow=True,
        )
    assert not works(first)
    assert not works(second)
    assert "Your 2 API tokens have stopped working" in response.content.decode()
    assert len(mail.outbox) == 1
    told = mail.outbox[0]
    assert told.to == [user.email]
    assert "password" in told.subject.lower()
    assert "Dashboard" in told.body and "Backup script" in told.body
    assert first not in told.body and second not in told.body
    # The person stays signed in where they changed it.
    assert signed_in.get(reverse("accounts:profile")).status_code == 200


def test_password_change_without_tokens_still_tells_the_owner(signed_in, user, on_commit):
    with on_commit():
        signed_in.post(
            reverse("accounts:password_change"),
            {"old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
    assert len(mail.outbox) == 1
    assert "revoked" not in mail.outbox[0].body


# Only a session with a recently entered password creates tokens.


def test_token_cannot_create_tokens(client, user):
    _, secret = services.token_create(actor=user, name="script")  # read and write
    response = client.post(
        "/api/v1/me/tokens", {"name": "child"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert "token cannot create tokens" in error["message"]
    assert ApiToken.objects.count() == 1


def test_token_cannot_create_tokens_even_beside_a_fresh_session(signed_in, user):
    _, secret = services.token_create(actor=user, name="script")  # read and write
    response = signed_in.post(
        "/api/v1/me/tokens", {"name": "child"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


def test_token_creation_needs_recent_reauthentication(signed_in_long_ago, user, settings):
    settings.REAUTHENTICATION_MINUTES = 15
    client = signed_in_long_ago
    create_url = reverse("accounts:token_create")
    # The page asks for the password first, and comes back afterwards.
    response = client.get(create_url)
    assert response.status_code == 302
    confirm = response["Location"]
    assert confirm.startswith(reverse("accounts:confirm_password"))
    assert create_on_page(client).status_code == 302
    api = client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert api.status_code == 403
    assert "password" in api.json()["error"]["message"]
    assert not ApiToken.objects.exists()

    wrong = client.post(confirm, {"password": "not it"})
    assert wrong.status_code == 200
    assert "Your password is not right." in wrong.content.decode()
    right = client.post(confirm, {"password": DEFAULT_PASSWORD, "next": create_url})
    assert right["Location"] == create_url
    assert client.get(create_url).status_code == 200
    assert TOKEN_RE.search(create_on_page(client).content.decode())
    api = client.post("/api/v1/me/tokens", {"name": "y"}, content_type="application/json")
    assert api.status_code == 201

    # Sixteen minutes on, the password counts as old again.
    with time_machine.travel(clock.now() + timedelta(minutes=16)):
        assert client.get(create_url).status_code == 302
        api = client.post("/api/v1/me/tokens", {"name": "z"}, content_type="application/json")
        assert api.status_code == 403
    assert ApiToken.objects.count() == 2


def test_confirm_password_goes_back_only_to_this_site(signed_in_long_ago):
    url = reverse("accounts:confirm_password")
    for unsafe in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        response = signed_in_long_ago.post(url, {"password": DEFAULT_PASSWORD, "next": unsafe})
        assert response["Location"] == reverse("accounts:profile")


def test_confirm_password_is_throttled_like_signing_in(signed_in_long_ago, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT = 3
    url = reverse("accounts:confirm_password")
    for _ in range(3):
        assert signed_in_long_ago.post(url, {"password": "guess"}).status_code == 200
    refused = signed_in_long_ago.post(url, {"password": DEFAULT_PASSWORD})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()


# Expiry and scope.


def test_expired_token_is_refused(client, user):
    _, secret = services.token_create(actor=user, name="short", days=1)
    assert works(secret)
    with time_machine.travel(clock.now() + timedelta(days=1, seconds=1)):
        response = client.get("/api/v1/me", **bearer(secret))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_token_lifetime_is_chosen_within_the_maximum(signed_in, user, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    response = create_on_page(signed_in, days=365)
    assert response.status_code == 200
    assert response.context["form"].errors["expires_in_days"]
    api = signed_in.post(
        "/api/v1/me/tokens",
        {"name": "x", "expires_in_days": 90},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "expires_in_days" in api.json()["error"]["fields"]
    assert not ApiToken.objects.exists()
    ok = signed_in.post(
        "/api/v1/me/tokens", {"name": "x", "expires_in_days": 30}, content_type="application/json"
    ).json()
    assert ok["scope"] == "read"
    token = ApiToken.objects.get()
    assert timedelta(days=29, hours=23) < token.expires_at - token.created_at <= timedelta(days=30)


def test_read_scope_token_cannot_write(client, user):
    _, read = services.token_create(actor=user, name="reader", scope="read")
    other, _ = services.token_create(actor=user, name="other")
    assert client.get("/api/v1/me", **bearer(read)).status_code == 200
    assert client.get("/api/v1/me/tokens", **bearer(read)).status_code == 200
    response = client.delete(f"/api/v1/me/tokens/{other.pk}", **bearer(read))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert "may only read" in error["message"]
    other.refresh_from_db()
    assert other.revoked_at is None


def test_read_scope_token_cannot_write_anywhere(client, user, organisation):
    _, read = services.token_create(actor=user, name="reader", scope="read")
    response = client.post(
        f"/api/v1/organisations/{organisation.slug}/memberships",
        {"role": "evaluator", "email": "x@example.org"},
        content_type="application/json",
        **bearer(read),
    )
    assert response.status_code == 403
    assert "may only read" in response.json()["error"]["message"]


def test_tokens_page_shows_scope_expiry_and_status(signed_in, user):
    services.token_create(actor=user, name="reader", scope="read", days=7)
    services.token_create(actor=user, name="gone", days=1)
    with time_machine.travel(clock.now() + timedelta(days=2)):
        page = signed_in.get(reverse("accounts:tokens")).content.decode()
    assert "Read only" in page
    assert "Read and write" in page
    assert "Expired" in page


# The first confirmation of an address ends what came before it.


def token_from_before_the_rule(user) -> str:
    """A token an unconfirmed account held from before tokens needed a confirmed address."""
    secret, prefix = token_codec.generate()
    ApiToken.objects.create(
        user=user,
        name="squatter's script",
        prefix=prefix,
        digest=token_codec.digest(secret),
        scope=TokenScope.READ_WRITE,
        expires_at=clock.now() + timedelta(days=30),
    )
    return secret


def test_first_confirmation_ends_earlier_sessions_and_tokens(db):
    user = UserFactory(email="squatted@example.org", email_confirmed_at=None)
    squatter = Client()
    squatter.force_login(user)
    assert squatter.get(reverse("accounts:profile")).status_code == 200
    secret = token_from_before_the_rule(user)  # unconfirmed accounts cannot create tokens now
    assert works(secret)

    owner = Client()
    link = reverse(
        "accounts:confirm_email", kwargs={"token": confirmation.make_token(user, user.email)}
    )
    assert owner.get(link).status_code == 200

    assert squatter.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("accounts:login")
    )
    assert not works(secret)
    event = AuditEvent.objects.get(action="accounts.token_revoked")
    assert event.details["reason"] == "address_confirmed"
    # Sessions and tokens from after the confirmation work.
    user.refresh_from_db()
    later = Client()
    later.force_login(user)
    assert later.get(reverse("accounts:profile")).status_code == 200
    _, fresh = services.token_create(actor=user, name="owner's script")
    assert works(fresh)


def test_the_session_that_follows_the_link_stays_signed_in(db):
    user = UserFactory(email="new@example.org", email_confirmed_at=None)
    browser = Client()
    browser.force_login(user)
    link = reverse(
        "accounts:confirm_email", kwargs={"token": confirmation.make_token(user, user.email)}
    )
    assert browser.get(link)["Location"] == reverse("accounts:profile")
    assert browser.get(reverse("accounts:profile")).status_code == 200


def test_a_later_change_of_address_keeps_sessions(db):
    user = UserFactory(email="old@example.org")
    elsewhere = Client()
    elsewhere.force_login(user)
    services.token_create(actor=user, name="kept")
    link = reverse(
        "accounts:confirm_email",
        kwargs={"token": confirmation.make_token(user, "new@example.org")},
    )
    assert Client().get(link).status_code == 200
    assert elsewhere.get(reverse("accounts:profile")).status_code == 200
    assert ApiToken.objects.get().revoked_at is None
