"""The API reference at /api/v1/docs: rendered on the server from the OpenAPI document."""

import re

import pytest

from civiclab.config.api import api
from civiclab.core.api_docs import (
    build_reference,
    describe_type,
    field_rows,
    needs_credentials,
    reference_schema,
)

pytestmark = [pytest.mark.urls("civiclab.config.urls"), pytest.mark.django_db]


@pytest.fixture
def page(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_may_read_the_reference(page):
    assert "<h1" in page and "API reference" in page


def test_every_operation_of_the_openapi_document_is_listed(client, page):
    document = client.get("/api/v1/openapi.json").json()
    for path, item in document["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in page, (method, path)


def test_it_links_the_raw_openapi_document(page):
    assert 'href="/api/v1/openapi.json"' in page


def test_no_inline_script_or_style_and_no_swagger(page):
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert "<style" not in page and "style=" not in page
    assert "swagger" not in page.lower()


def test_each_operation_says_whether_credentials_are_needed(page):
    assert "Public" in page and "Sign-in needed" in page


def test_the_request_body_is_resolved_into_its_fields(page):
    # POST /organisations/{slug}/memberships takes InvitationIn: email, roles (a list of Role).
    assert 'href="#schema-InvitationIn"' in page
    assert 'href="#schema-Role"' in page
    assert 'id="schema-Role"' in page
    assert "<code>roles</code>" in page


def test_the_curl_example_uses_a_token_only_where_one_is_needed(page):
    assert "<code>curl http://testserver/api/v1/organisations</code>" in page
    assert "-H &quot;Authorization: Bearer clb_...&quot;" in page


def test_the_swagger_ui_is_gone(client):
    assert client.get("/api/v1/swagger/").status_code == 404


def test_types_read_like_words():
    assert describe_type({"anyOf": [{"type": "integer"}, {"type": "null"}]}) == {
        "text": "integer",
        "schema": "",
    }
    assert describe_type({"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}) == {
        "text": "list of Tag",
        "schema": "Tag",
    }
    assert describe_type({"enum": ["a", "b"], "type": "string"})["text"] == "one of: a, b"


def test_a_referenced_body_lists_its_fields_with_what_is_required():
    schemas = {
        "In": {
            "properties": {"name": {"type": "string", "maxLength": 10}, "n": {"type": "integer"}},
            "required": ["name"],
        }
    }
    rows = field_rows({"$ref": "#/components/schemas/In"}, schemas)
    assert [(row["name"], row["required"]) for row in rows] == [("name", True), ("n", False)]
    assert rows[0]["limits"] == "at most 10 characters"


def test_credentials_are_needed_only_when_every_requirement_names_a_scheme():
    assert needs_credentials({"security": [{"TokenAuth": []}]})
    assert not needs_credentials({"security": [{"TokenAuth": []}, {}]})
    assert not needs_credentials({})


def test_operations_are_grouped_by_tag_in_document_order():
    reference = build_reference(api.get_openapi_schema(), "https://civiclab.example")
    tags = [group["tag"] for group in reference["groups"]]
    assert tags[:3] == ["accounts", "organisations", "ledger"]
    assert len(tags) == len(set(tags))


def test_endpoints_open_to_anonymous_readers_are_marked_public():
    # The idea list lets anyone in after trying a token and a session: no credentials needed.
    reference = build_reference(reference_schema(api), "https://civiclab.example")
    public = {
        (operation["method"], operation["path"]): operation["public"]
        for group in reference["groups"]
        for operation in group["operations"]
    }
    assert public[("GET", "/api/v1/challenges/{challenge_id}/ideas")] is True
    assert public[("POST", "/api/v1/challenges/{challenge_id}/ideas")] is False
    assert public[("GET", "/api/v1/organisations")] is True
    assert public[("GET", "/api/v1/me")] is False
