"""The OpenAPI document states the constraints the server enforces on what clients send:
a maximum length on every free text, no NUL character, and the errors each operation can
answer with. Walks every operation, so a new endpoint cannot forget them."""

import pytest

from civiclab.challenges.models import Challenge, Idea
from civiclab.config.api import api
from civiclab.core.api import NO_NUL_PATTERN
from civiclab.core.limits import max_length_of

COMPONENT = "#/components/schemas/"


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def input_strings(document):
    """(where, schema) for every string a client sends: parameters and request bodies."""
    components = document["components"]["schemas"]

    def walk(node, where, seen):
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{where}/{index}", seen)
            return
        if not isinstance(node, dict):
            return
        reference = node.get("$ref", "")
        if reference.startswith(COMPONENT):
            name = reference.removeprefix(COMPONENT)
            if name not in seen:
                yield from walk(components[name], f"{where}->{name}", seen | {name})
            return
        if node.get("type") == "string":
            yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}", seen)

    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                yield from walk(
                    parameter["schema"], f"{method} {path} {parameter['name']}", frozenset()
                )
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield from walk(media["schema"], f"{method} {path} body", frozenset())


def test_every_free_text_a_client_sends_has_a_maximum_length(document):
    # Text with an enum, a constant or a format (a date, an e-mail address) is bounded by it.
    unbounded = [
        where
        for where, node in input_strings(document)
        if not {"maxLength", "enum", "const", "format"} & set(node)
    ]
    assert not unbounded


def test_no_text_a_client_sends_may_hold_a_nul_character(document):
    free = [
        (where, node)
        for where, node in input_strings(document)
        if not {"enum", "const", "format"} & set(node)
    ]
    assert free
    assert not [where for where, node in free if "pattern" not in node]
    # The cursor and decimals sent as text state their own alphabets, which leave NUL out too.
    assert sum(node["pattern"] == NO_NUL_PATTERN for _where, node in free) > len(free) / 2


@pytest.mark.parametrize(
    ("component", "model"),
    [
        ("IdeaIn", Idea),
        ("IdeaPatch", Idea),
        ("ChallengeIn", Challenge),
        ("ChallengePatch", Challenge),
    ],
)
def test_text_fields_state_their_models_maximum_length(document, component, model):
    properties = document["components"]["schemas"][component]["properties"]
    checked = 0
    for name, node in properties.items():
        limit = max_length_of(model, name)
        if limit is None:
            continue
        branches = node.get("anyOf", [node])
        texts = [b for b in branches if b.get("type") == "string"]
        if not texts:  # a choice (`audience`), bounded by its enum
            continue
        assert texts[0].get("maxLength") == limit, (component, name)
        checked += 1
    assert checked >= 3


def test_an_invitation_states_an_address_and_roles_or_one_role_never_a_user_id(document):
    invitation = document["components"]["schemas"]["InvitationIn"]
    assert invitation["required"] == ["email"]
    assert invitation["properties"]["email"]["format"] == "email"
    assert invitation["properties"]["email"]["maxLength"] == 254
    assert invitation["anyOf"] == [{"required": ["roles"]}, {"required": ["role"]}]
    assert invitation["not"] == {"required": ["user_id"]}
    assert invitation["properties"]["role"]["$ref"] == "#/components/schemas/Role"


def test_text_a_request_must_carry_is_stated_as_more_than_white_space(document):
    import re

    components = document["components"]["schemas"]
    body = components["CommentIn"]["properties"]["body"]
    assert body["minLength"] == 1
    assert re.fullmatch(body["pattern"], "Lamps, please.")
    assert not re.fullmatch(body["pattern"], " \n\t ")
    assert not re.fullmatch(body["pattern"], "a\x00b")
    for component, name in [("IdeaIn", "title"), ("ChallengeIn", "title"), ("StatusIn", "reason")]:
        assert components[component]["properties"][name]["pattern"] == body["pattern"]


def test_fields_that_cannot_be_emptied_take_no_null_in_a_change(document):
    components = document["components"]["schemas"]
    for component, names in [
        ("IdeaPatch", ["title", "summary", "description"]),
        ("ChallengePatch", ["title", "summary", "problem_statement", "audience"]),
    ]:
        for name in names:
            assert "null" not in str(components[component]["properties"][name]), (component, name)


def test_a_status_change_states_that_merging_is_done_elsewhere(document):
    statuses = document["components"]["schemas"]["StatusIn"]["properties"]["status"]["enum"]
    assert "merged" not in statuses
    assert "selected" in statuses


def test_assignments_state_an_idea_or_automatic(document):
    assignments = document["components"]["schemas"]["AssignmentsIn"]
    assert {"required": ["automatic"], "properties": {"automatic": {"const": True}}} in (
        assignments["anyOf"]
    )
    assert any(branch["required"] == ["idea_id"] for branch in assignments["anyOf"])
