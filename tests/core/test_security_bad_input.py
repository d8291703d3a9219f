"""Input PostgreSQL cannot store or compare (a NUL character, an integer beyond 64 bits) gets
the API's validation error, never a 500, on SQLite and PostgreSQL alike, and nothing is
written."""

import json

import pytest

from civiclab.discussion.models import Comment
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_nul_character_in_a_json_body_is_a_validation_error(signed_in):
    idea = IdeaFactory()
    response = post(signed_in, f"/api/v1/ideas/{idea.pk}/comments", {"body": "hello\u0000 there"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert not Comment.objects.exists()


def test_a_nul_character_in_a_new_idea_is_a_validation_error(signed_in):
    challenge = ChallengeFactory()
    body = {
        "title": "Lamps along\u0000 the canal",
        "summary": "Solar lamps switched on by motion sensors.",
        "description": "Solar lamps along the canal path, switched on by motion sensors.",
    }
    response = post(signed_in, f"/api/v1/challenges/{challenge.pk}/ideas", body)
    assert response.status_code == 422
    assert not challenge.ideas.exists()


def test_a_nul_character_in_a_token_name_is_a_validation_error(signed_in):
    assert post(signed_in, "/api/v1/me/tokens", {"name": "laptop\u0000"}).status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/challenges?tag=%00",
        "/api/v1/challenges?organisation=%00",
        "/api/v1/ideas?organisation=%00",
        "/api/v1/organisations/%00x",
        "/api/v1/ideas/99999999999999999999",
        "/api/v1/challenges/99999999999999999999",
        "/api/v1/ideas/99999999999999999999/comments",
    ],
)
def test_unstorable_values_in_the_address_are_client_errors(signed_in, url):
    response = signed_in.get(url)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_a_nul_character_in_a_field_the_api_does_not_read_is_ignored_like_the_field(signed_in):
    # The document lets a body carry fields it does not name; a NUL in one of them, or in its
    # name, cannot reach the database, so the request is valid (it was refused with a 422).
    idea = IdeaFactory()
    body = {"body": "Lamps, please.", "note\u0000": "\u0000"}
    response = post(signed_in, f"/api/v1/ideas/{idea.pk}/comments", body)
    assert response.status_code == 201
    assert Comment.objects.get().body == "Lamps, please."


def test_a_nul_character_in_a_query_filter_names_the_field(signed_in):
    response = signed_in.get("/api/v1/challenges", {"tag": "a\u0000b"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["tag"]
