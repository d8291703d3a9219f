"""Input a fuzzer sends: too large a body, numbers beyond 64 bits, the wrong Content-Type, a
`null` body, HEAD requests. Each gets a 4xx in the API's one error shape, never a 500, on
SQLite as on PostgreSQL, and nothing is written."""

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client

from civiclab.challenges.models import EvaluatorAssignment, PairwiseComparison, PhaseKind
from civiclab.discussion.models import Comment
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import evaluators, scorecard_with_criteria
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

API = "/api/v1"
BEYOND_INT64 = 2**63


def error_of(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture(autouse=True)
def no_throttling():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    """A challenge in review with two ideas and a comment, and a superuser holding every role
    in its organisation (so as many operations as possible get past their permission check)."""
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    scorecard_with_criteria(challenge, pairwise=True)
    idea = IdeaFactory(challenge=challenge)
    IdeaFactory(challenge=challenge)
    comment = idea.comments.create(author=idea.author, body="A comment")
    person = member(challenge.organisation, *[role for role, _label in Role.choices])
    person.is_superuser = True
    person.save()
    client = Client()
    client.force_login(person)
    values = {
        "slug": challenge.organisation.slug,
        "org_slug": challenge.organisation.slug,
        "idea_id": idea.pk,
        "challenge_id": challenge.pk,
        "comment_id": comment.pk,
    }
    return client, values


def operations(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path, items in paths.items():
        for method, operation in items.items():
            yield path, method, operation


def fill(path: str, values: dict, default: object = 1) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), default)), path)


# --- bodies over the limit ---------------------------------------------------------------


def test_oversized_body_answers_413_with_error_shape(client, settings):
    client.force_login(UserFactory())
    idea = IdeaFactory()
    body = {"body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    response = post(client, f"{API}/ideas/{idea.pk}/comments", body)
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"
    assert not Comment.objects.exists()


def test_too_many_query_parameters_answer_400_with_error_shape(client, settings):
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"{API}/organisations?{query}")
    assert response.status_code == 400
    assert "too many parameters" in error_of(response)["message"]


# --- numbers beyond 64 bits --------------------------------------------------------------


def test_page_number_beyond_int64_answers_422(world):
    client, values = world
    failures = []
    for path, method, operation in operations(client):
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if method != "get" or "page" not in names:
            continue
        for page in (BEYOND_INT64, 2**62, 10**40):
            response = client.get(fill(path, values), {"page": page})
            if response.status_code != 422 or "page" not in error_of(response)["fields"]:
                failures.append((path, page, response.status_code))
    assert not failures


def test_id_of_2_pow_63_answers_422_on_sqlite(world):
    client, values = world
    failures = []
    for path, method, operation in operations(client):
        integer_params = [
            p["name"]
            for p in operation.get("parameters", [])
            if p["in"] == "path" and p["schema"].get("type") == "integer"
        ]
        for name in integer_params:
            for number in (BEYOND_INT64, 10**30):
                url = fill(path, {**values, name: number})
                response = client.generic(method.upper(), url, "{}", "application/json")
                # With a body, its own errors (`{}` lacks required fields) may come first.
                named = "requestBody" in operation or name in error_of(response)["fields"]
                if response.status_code != 422 or not named:
                    failures.append((method, path, number, response.status_code))
    assert not failures


def test_ids_of_2_pow_63_in_pairwise_and_assignment_bodies_answer_422(client):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    scorecard_with_criteria(challenge, pairwise=True, per_idea=1)
    (person,) = evaluators(challenge.organisation, 1)
    idea = IdeaFactory(challenge=challenge)
    IdeaFactory(challenge=challenge)
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    pairwise = f"{API}/challenges/{challenge.pk}/pairwise"
    assignments = f"{API}/challenges/{challenge.pk}/assignments"
    cases = [
        (
            pairwise,
            {"winner_id": BEYOND_INT64, "loser_id": idea.pk, "pair_token": "t"},
            "winner_id",
        ),
        (pairwise, {"winner_id": idea.pk, "loser_id": 10**30, "pair_token": "t"}, "loser_id"),
        (assignments, {"idea_id": BEYOND_INT64, "evaluator_ids": [person.pk]}, "idea_id"),
        (assignments, {"idea_id": idea.pk, "evaluator_ids": [BEYOND_INT64]}, "evaluator_ids"),
    ]
    for url, body, field in cases:
        response = post(client, url, body)
        assert response.status_code == 422, (url, body, response.content)
        fields = error_of(response)["fields"]
        assert any(name.startswith(field) for name in fields), (body, fields)
    assert not PairwiseComparison.objects.exists()
    assert not EvaluatorAssignment.objects.exists()


# --- Content-Type and null bodies --------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", ""],
)
def test_wrong_content_type_answers_415(client, content_type):
    client.force_login(UserFactory())
    idea = IdeaFactory()
    response = client.post(
        f"{API}/ideas/{idea.pk}/comments",
        json.dumps({"body": "Sent as the wrong type"}),
        content_type=content_type,
    )
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
def test_json_content_types_are_accepted(client, content_type):
    client.force_login(UserFactory())
    idea = IdeaFactory()
    response = client.post(
        f"{API}/ideas/{idea.pk}/comments",
        json.dumps({"body": "Sent as JSON"}),
        content_type=content_type,
    )
    assert response.status_code == 201


def test_null_body_answers_422(world):
    client, values = world
    failures = []
    for path, method, operation in operations(client):
        if "requestBody" not in operation:
            continue
        for body in ("null", "[]", '"text"', "42", "true"):
            response = getattr(client, method)(
                fill(path, values), body, content_type="application/json"
            )
            if response.status_code != 422:
                failures.append((method, path, body, response.status_code))
            else:
                error_of(response)
    assert not failures


# --- HEAD --------------------------------------------------------------------------------


def test_head_works_where_get_does(world):
    client, values = world
    failures = []
    for path, method, _operation in operations(client):
        if method != "get":
            continue
        url = fill(path, values)
        got = client.get(url)
        head = client.head(url)
        if head.status_code != got.status_code or head.content:
            failures.append((path, got.status_code, head.status_code))
        elif got.status_code == 200 and head["Content-Type"] != got["Content-Type"]:
            failures.append((path, got["Content-Type"], head["Content-Type"]))
    assert not failures
    assert client.head(f"{API}/openapi.json").status_code == 200


def test_head_is_listed_in_allow_of_a_405(client):
    response = client.delete(f"{API}/organisations")
    assert response.status_code == 405
    allowed = {method.strip() for method in response["Allow"].split(",")}
    assert {"GET", "HEAD"} <= allowed
