"""The OpenAPI document states every operation's error responses, all with the one error
schema as a component, and what the API answers agrees with it."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from civiclab.challenges.models import PhaseKind
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

API = "/api/v1"
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(autouse=True)
def no_throttling():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def schema(client):
    return client.get(f"{API}/openapi.json").json()


def operations(schema):
    for path, items in schema["paths"].items():
        for method, operation in items.items():
            yield path, method, operation


def test_the_error_schema_is_one_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(error["properties"]["error"]["required"]) == {"code", "message", "fields"}


def test_every_operation_states_its_error_responses(schema):
    failures = []
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"401", "429"}
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if method in {"post", "put", "patch", "delete"}:
            expected |= {"403", "409"}
        if {} not in operation.get("security", [{}]):
            expected.add("403")
        missing = expected - set(responses)
        if missing:
            failures.append((method, path, sorted(missing)))
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == ERROR_REF, (
                    method,
                    path,
                    code,
                )
    assert not failures
    me = schema["paths"][f"{API}/me"]["get"]["responses"]
    assert "WWW-Authenticate" in me["401"]["headers"]
    assert "Retry-After" in me["429"]["headers"]


def test_public_reads_do_not_claim_a_403(schema):
    assert "403" not in schema["paths"][f"{API}/organisations"]["get"]["responses"]
    assert "415" not in schema["paths"][f"{API}/organisations"]["get"]["responses"]


def fill(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path)


def test_every_error_the_api_answers_with_is_documented(schema):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    idea = IdeaFactory(challenge=challenge)
    comment = idea.comments.create(author=idea.author, body="A comment")
    values = {
        "slug": challenge.organisation.slug,
        "idea_id": idea.pk,
        "challenge_id": challenge.pk,
        "comment_id": comment.pk,
    }
    anonymous = Client(enforce_csrf_checks=True)
    signed_in = Client()
    signed_in.force_login(UserFactory())
    lead = Client()
    lead.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    attempts = [
        (anonymous, "{}", "application/json", {}),
        (anonymous, "{}", "application/json", {"HTTP_AUTHORIZATION": "Bearer nope"}),
        (signed_in, "{}", "application/json", {}),
        (signed_in, "null", "application/json", {}),
        (signed_in, "{oops", "application/json", {}),
        (signed_in, "{}", "text/plain", {}),
        (lead, "{}", "application/json", {}),
    ]
    undocumented = set()
    for path, method, operation in operations(schema):
        url = fill(path, values)
        for client, body, content_type, extra in attempts:
            response = client.generic(method.upper(), url, body, content_type, **extra)
            code = str(response.status_code)
            if response.status_code >= 400:
                assert set(response.json()) == {"error"}
            if code not in operation["responses"] and code != "200":
                undocumented.add((method, path, code))
    assert not undocumented


def test_every_whole_number_in_the_document_states_the_range_the_server_enforces():
    from civiclab.config.api import api
    from civiclab.core.api import INT64_MAX, INT64_MIN

    unbounded = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "integer" and ("minimum" not in node or "maximum" not in node):
                unbounded.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    document = api.get_openapi_schema()
    walk(document, "#")
    assert not unbounded
    path_id = document["paths"]["/api/v1/ideas/{idea_id}/comments"]["get"]["parameters"][0]
    assert path_id["schema"]["maximum"] == INT64_MAX
    assert path_id["schema"]["minimum"] == INT64_MIN


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/challenges", "/api/v1/ideas"])
def test_an_organisation_filter_naming_nothing_answers_a_documented_404(client, path):
    from civiclab.config.api import api

    assert client.get(path, {"organisation": "no-such-organisation"}).status_code == 404
    assert 404 in api.get_openapi_schema()["paths"][path]["get"]["responses"]
