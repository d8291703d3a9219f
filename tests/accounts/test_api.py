from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from civiclab.accounts import services
from civiclab.accounts.models import ApiToken
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(user):
    _, secret = services.token_create(actor=user, name="script")
    return secret


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def password_session(user, **client_options):
    """A browser that has just signed in with the password: it may create tokens."""
    browser = Client(**client_options)
    browser.get("/accounts/login/")
    csrf = browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else ""
    response = browser.post(
        "/accounts/login/",
        {"email": user.email, "password": DEFAULT_PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert response.status_code == 302
    return browser


def test_me_with_a_token(client, user, token):
    response = client.get("/api/v1/me", **bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": "ada@example.org",
        "display_name": "Ada Lovelace",
        "email_confirmed": True,
        "date_joined": response.json()["date_joined"],
    }


def test_me_with_a_session(signed_in, user):
    assert signed_in.get("/api/v1/me").json()["id"] == user.pk


def test_me_without_credentials_is_401(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer clb_00000000_" + "A" * 43,  # unknown
        "Bearer not-a-token",  # malformed
        "Bearer ",
        "Bearer clb_zzzzzzzz_" + "A" * 43,
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
    ],
)
def test_bad_tokens_are_rejected(client, db, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_revoked_token_is_rejected(client, user, token):
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_token_of_an_inactive_or_deleted_person_is_rejected(client, user, token):
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_token_with_a_changed_secret_is_rejected(client, user, token):
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get("/api/v1/me", **bearer(tampered)).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(client, user, token):
    client.get("/api/v1/me", **bearer(token))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/me", **bearer(token))
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(first + timedelta(minutes=2)):
        client.get("/api/v1/me", **bearer(token))
    assert ApiToken.objects.get().last_used_at > first


def test_list_my_tokens(client, user, token):
    UserFactory()  # someone else's tokens never show
    services.token_create(actor=UserFactory(), name="not mine")
    response = client.get("/api/v1/me/tokens", **bearer(token))
    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == ["script"]
    assert "digest" not in response.json()[0]
    assert "token" not in response.json()[0]


def test_create_a_token_returns_the_secret_once(client, user, token):
    response = password_session(user).post(
        "/api/v1/me/tokens", {"name": "CI"}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "CI"
    assert body["token"].startswith(f"clb_{body['prefix']}_")
    assert client.get("/api/v1/me", **bearer(body["token"])).status_code == 200
    listed = client.get("/api/v1/me/tokens", **bearer(token)).json()
    assert all("token" not in t for t in listed)


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": "x" * 101}, {"name": 5}])
def test_create_a_token_with_bad_input_is_422(client, user, token, payload):
    response = password_session(user).post(
        "/api/v1/me/tokens", payload, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert ApiToken.objects.count() == 1


def test_create_a_token_with_a_blank_name_is_refused(client, user, token):
    response = password_session(user).post(
        "/api/v1/me/tokens", {"name": "   "}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert ApiToken.objects.count() == 1


def test_create_a_token_with_broken_json_is_refused(client, user, token):
    response = password_session(user).post(
        "/api/v1/me/tokens", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_revoke_my_token(client, user, token):
    other_secret = services.token_create(actor=user, name="old")[1]
    old = ApiToken.objects.get(name="old")
    response = client.delete(f"/api/v1/me/tokens/{old.pk}", **bearer(token))
    assert response.status_code == 204
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert client.get("/api/v1/me", **bearer(other_secret)).status_code == 401


def test_revoke_someone_elses_token_is_404(client, user, token):
    theirs, _ = services.token_create(actor=UserFactory(), name="theirs")
    response = client.delete(f"/api/v1/me/tokens/{theirs.pk}", **bearer(token))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert client.delete("/api/v1/me/tokens/999999", **bearer(token)).status_code == 404
    assert client.delete("/api/v1/me/tokens/abc", **bearer(token)).status_code in (400, 404, 422)


def test_session_writes_need_the_csrf_token(user):
    browser = password_session(user, enforce_csrf_checks=True)
    response = browser.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()

    browser.get("/accounts/profile/")  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/me/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_token_requests_need_no_csrf(user, token):
    old = services.token_create(actor=user, name="old")[0]
    api_client = Client(enforce_csrf_checks=True)
    response = api_client.delete(f"/api/v1/me/tokens/{old.pk}", **bearer(token))
    assert response.status_code == 204


def test_errors_have_the_one_api_shape(client, user, token):
    unauthenticated = client.get("/api/v1/me").json()
    assert unauthenticated["error"]["code"] == "not_authenticated"
    missing = client.delete("/api/v1/me/tokens/999999", **bearer(token)).json()
    assert missing["error"]["code"] == "not_found"
    invalid = (
        password_session(user)
        .post("/api/v1/me/tokens", {"name": "  "}, content_type="application/json")
        .json()
    )
    assert invalid["error"]["code"] == "validation_error"
    assert invalid["error"]["fields"] == {"name": ["Enter a name for the token."]}


def test_openapi_documents_the_accounts_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/me/tokens", "/api/v1/me/tokens/{token_id}"} <= set(
        schema["paths"]
    )
