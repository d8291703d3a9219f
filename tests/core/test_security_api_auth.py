"""Credentials on the API: a write without any is a 401 (not a CSRF 403), a refused token is
a 401 on every operation and never falls back to the session or to an anonymous read, answers
that carry a token's secret are not cached, and a 400 never quotes an exception."""

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from civiclab.accounts import services
from civiclab.accounts.models import ApiToken
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
UNSAFE = {"post", "put", "patch", "delete"}
BAD_TOKENS = [
    "Bearer clb_00000000_" + "A" * 43,
    "Bearer not-a-token",
    "Basic dXNlcjpwYXNz",
]


@pytest.fixture(autouse=True)
def no_throttling():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def values():
    challenge = ChallengeFactory()
    idea = IdeaFactory(challenge=challenge)
    comment = idea.comments.create(author=idea.author, body="A comment")
    return {
        "slug": challenge.organisation.slug,
        "idea_id": idea.pk,
        "challenge_id": challenge.pk,
        "comment_id": comment.pk,
    }


def operations(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path, items in paths.items():
        for method, operation in items.items():
            yield path, method, operation


def fill(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path)


def call(client, method, url, **extra):
    return client.generic(method.upper(), url, json.dumps({}), "application/json", **extra)


def is_401(response):
    return (
        response.status_code == 401
        and response.json()["error"]["code"] == "not_authenticated"
        and response["WWW-Authenticate"].startswith("Bearer")
    )


def test_write_without_credentials_answers_401_not_csrf_403(values):
    client = Client(enforce_csrf_checks=True)
    failures = [
        (method, path, response.status_code)
        for path, method, _operation in operations(client)
        if method in UNSAFE and not is_401(response := call(client, method, fill(path, values)))
    ]
    assert not failures


def test_session_write_without_csrf_token_is_still_refused(values):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = call(client, "post", f"{API}/me/tokens")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("header", BAD_TOKENS)
def test_bad_token_is_refused_on_public_reads(client, values, header):
    failures = [
        (method, path, response.status_code)
        for path, method, _operation in operations(client)
        if not is_401(
            response := call(client, method, fill(path, values), HTTP_AUTHORIZATION=header)
        )
    ]
    assert not failures


def test_bad_token_does_not_fall_back_to_session(values):
    client = Client()
    client.force_login(UserFactory())
    assert client.get(f"{API}/me").status_code == 200
    header = BAD_TOKENS[0]
    failures = [
        (method, path, response.status_code)
        for path, method, _operation in operations(client)
        if not is_401(
            response := call(client, method, fill(path, values), HTTP_AUTHORIZATION=header)
        )
    ]
    assert not failures
    assert not ApiToken.objects.exists()


def test_a_good_token_wins_over_a_session_of_someone_else(client):
    owner, other = UserFactory(), UserFactory()
    _token, secret = services.token_create(actor=owner, name="script")
    client.force_login(other)
    response = client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.json()["id"] == owner.pk


def test_public_reads_still_work_without_credentials(client, values):
    assert client.get(f"{API}/organisations").status_code == 200
    assert client.get(f"{API}/ledger/entries").status_code == 200
    assert client.get(f"{API}/challenges").status_code == 200


def test_token_secret_response_is_not_cached(client):
    # Tokens are created by a session that has just entered its password (never by a token).
    owner = UserFactory()
    signing_in = client.post(
        reverse("accounts:login"), {"email": owner.email, "password": DEFAULT_PASSWORD}
    )
    assert signing_in.status_code == 302
    response = client.post(
        f"{API}/me/tokens", json.dumps({"name": "CI"}), content_type="application/json"
    )
    assert response.status_code == 201
    assert "token" in response.json()
    assert "no-store" in response["Cache-Control"]


def test_answers_to_signed_in_callers_are_not_cached(client):
    client.force_login(UserFactory())
    assert "no-store" in client.get(f"{API}/me")["Cache-Control"]
    assert "no-store" in client.get(f"{API}/me/tokens")["Cache-Control"]


@pytest.mark.parametrize(
    "body", ["{not json", '{"name": "x"', "\udcff".encode("utf-8", "surrogatepass"), "[" * 100_000]
)
def test_400_body_carries_no_exception_text_with_debug_on(client, settings, body):
    settings.DEBUG = True
    client.force_login(UserFactory())
    response = client.post(f"{API}/me/tokens", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    text = json.dumps(error).lower()
    for leak in ("expecting", "line 1", "column", "char ", "decode", "recursion", "("):
        assert leak not in text, error


def test_an_error_of_our_own_keeps_its_message(client):
    # Only the body parser's refusal is reworded; an endpoint's own explanation stays.
    response = client.get(f"{API}/ledger/proofs/consistency", {"first": 5, "second": 2})
    assert response.status_code == 404
    message = response.json()["error"]["message"]
    assert message and "could not be read as JSON" not in message
