"""Free text has a maximum everywhere, and Markdown is rendered outside the write transaction.

A 1,000,000-character idea description and 100,000-character evaluation comments used to be
accepted; the description was then rendered while the transaction held SQLite's write lock.
"""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from civiclab.challenges.models import (
    Challenge,
    Evaluation,
    EventKind,
    Idea,
    IdeaRevision,
    PhaseKind,
    Score,
)
from civiclab.challenges.services import challenges as challenge_services
from civiclab.challenges.services import evaluation as evaluation_services
from civiclab.challenges.services import events as event_services
from civiclab.challenges.services import ideas as idea_services
from civiclab.challenges.services.evaluation import ScoreInput
from civiclab.core.limits import LONG_TEXT, SHORT_TEXT, TEXT
from civiclab.organisations import services as organisation_services
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import assign, evaluators, scorecard_with_criteria
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

API = "/api/v1"
MILLION = "a" * 1_000_000

IDEA = {
    "title": "Benches along the river",
    "summary": "Places to rest for older walkers.",
    "description": "## Plan\n\n- ten benches",
    "innovation_types": ["service_product"],
}


def messages_of(error: ValidationError, field: str) -> list[str]:
    return [str(message) for message in error.message_dict[field]]


# Ideas: the description ---------------------------------------------------------------------


def test_million_character_description_is_refused_with_a_clear_message(monkeypatch):
    challenge = ChallengeFactory()
    rendered = []
    monkeypatch.setattr(idea_services, "render_markdown", lambda *a, **k: rendered.append(a))
    with pytest.raises(ValidationError) as refused:
        idea_services.idea_create(
            actor=UserFactory(), challenge=challenge, **{**IDEA, "description": MILLION}
        )
    assert messages_of(refused.value, "description") == [
        "This can have at most 20,000 characters; yours has 1,000,000."
    ]
    assert rendered == []  # refused before any rendering
    assert not Idea.objects.exists()


def test_million_character_description_is_refused_when_an_idea_is_edited():
    idea = IdeaFactory()
    with pytest.raises(ValidationError) as refused:
        idea_services.idea_update(actor=idea.author, idea=idea, description=MILLION)
    assert "description" in refused.value.message_dict
    idea.refresh_from_db()
    assert len(idea.description) < LONG_TEXT


def test_million_character_description_is_refused_on_the_submit_page(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    url = reverse(
        "challenges:idea_create",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    response = client.post(url, {**IDEA, "description": MILLION})
    assert response.status_code == 200
    assert "This can have at most 20,000 characters; yours has 1,000,000." in (
        response.content.decode()
    )
    assert not Idea.objects.exists()


def test_million_character_description_is_refused_by_the_api(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    response = client.post(
        f"{API}/challenges/{challenge.pk}/ideas",
        json.dumps({**IDEA, "description": MILLION}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content[:500]
    assert "description" in json.dumps(response.json()["error"]["fields"])
    assert not Idea.objects.exists()


def test_description_at_its_maximum_is_accepted():
    fields = {**IDEA, "description": "[" * LONG_TEXT}
    idea = idea_services.idea_create(actor=UserFactory(), challenge=ChallengeFactory(), **fields)
    assert idea.description_html == f"<p>{'[' * LONG_TEXT}</p>"


def _render_outside_transactions(monkeypatch):
    """Make rendering fail if it runs inside a transaction the service opened."""
    outer = len(connection.atomic_blocks)  # the test's own transaction
    real = idea_services.render_markdown
    depths = []

    def render(text, **kwargs):
        depths.append(len(connection.atomic_blocks) - outer)
        return real(text, **kwargs)

    monkeypatch.setattr(idea_services, "render_markdown", render)
    return depths


def test_markdown_of_a_new_idea_is_rendered_before_the_write_transaction(monkeypatch):
    depths = _render_outside_transactions(monkeypatch)
    idea = idea_services.idea_create(actor=UserFactory(), challenge=ChallengeFactory(), **IDEA)
    assert depths == [0]
    assert "<li>ten benches</li>" in idea.description_html


def test_markdown_of_an_edit_is_rendered_before_the_write_transaction(monkeypatch):
    idea = IdeaFactory()
    depths = _render_outside_transactions(monkeypatch)
    idea = idea_services.idea_update(actor=idea.author, idea=idea, description="**new**")
    assert depths == [0]
    assert Idea.objects.get(pk=idea.pk).description_html == "<p><strong>new</strong></p>"
    assert IdeaRevision.objects.filter(idea=idea).exists()


def test_an_edit_without_a_description_renders_nothing(monkeypatch):
    idea = IdeaFactory()
    depths = _render_outside_transactions(monkeypatch)
    idea_services.idea_update(actor=idea.author, idea=idea, title="A better title")
    assert depths == []
    assert Idea.objects.get(pk=idea.pk).description_html == idea.description_html


# Evaluations --------------------------------------------------------------------------------


@pytest.fixture
def evaluation_setup():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, criteria = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    assignment = assign(IdeaFactory(challenge=challenge), person)
    return person, assignment, criteria


def test_hundred_thousand_character_evaluation_comment_is_refused(evaluation_setup):
    person, assignment, (impact, _cost) = evaluation_setup
    with pytest.raises(ValidationError) as refused:
        evaluation_services.evaluation_save(
            actor=person,
            assignment=assignment,
            scores={impact.pk: ScoreInput(3)},
            comment="x" * 100_000,
        )
    assert messages_of(refused.value, "comment") == [
        "This can have at most 5,000 characters; yours has 100,000."
    ]
    assert not Evaluation.objects.exists()


def test_hundred_thousand_character_criterion_comment_is_refused(evaluation_setup):
    person, assignment, (impact, _cost) = evaluation_setup
    with pytest.raises(ValidationError) as refused:
        evaluation_services.evaluation_save(
            actor=person,
            assignment=assignment,
            scores={impact.pk: ScoreInput(3, "x" * 100_000)},
        )
    assert f"comment_{impact.pk}" in refused.value.message_dict
    assert not Score.objects.exists()


def test_hundred_thousand_character_evaluation_comment_is_refused_by_the_api(
    client, evaluation_setup
):
    person, assignment, (impact, _cost) = evaluation_setup
    client.force_login(person)
    response = client.put(
        f"{API}/assignments/{assignment.pk}/evaluation",
        json.dumps(
            {
                "scores": [{"criterion_id": impact.pk, "value": 3, "comment": "y" * 100_000}],
                "comment": "x" * 100_000,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Evaluation.objects.exists()


def test_huge_scorecard_guidance_is_refused():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    lead = member(challenge.organisation, Role.INNOVATION_LEAD)
    with pytest.raises(ValidationError) as refused:
        evaluation_services.scorecard_replace(
            actor=lead,
            challenge=challenge,
            blind=True,
            evaluators_per_idea=1,
            guidance="g" * (TEXT + 1),
            pairwise_enabled=False,
        )
    assert "guidance" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        evaluation_services.criterion_save(
            actor=lead, challenge=challenge, name="Impact", guidance="g" * (SHORT_TEXT + 1)
        )
    assert "guidance" in refused.value.message_dict


# Challenges, events, organisations ----------------------------------------------------------


def test_huge_problem_statement_is_refused():
    challenge = ChallengeFactory()
    lead = member(challenge.organisation, Role.INNOVATION_LEAD)
    with pytest.raises(ValidationError) as refused:
        challenge_services.challenge_update(
            actor=lead, challenge=challenge, problem_statement="p" * (LONG_TEXT + 1), goals=MILLION
        )
    assert set(refused.value.message_dict) == {"problem_statement", "goals"}
    assert len(Challenge.objects.get(pk=challenge.pk).problem_statement) <= LONG_TEXT


def test_huge_event_description_is_refused():
    challenge = ChallengeFactory()
    lead = member(challenge.organisation, Role.INNOVATION_LEAD)
    start = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        event_services.event_save(
            actor=lead,
            challenge=challenge,
            kind=EventKind.WORKSHOP,
            title="Design sprint",
            description=MILLION,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            place="Library",
        )
    assert "description" in refused.value.message_dict


def test_huge_governance_notes_are_refused():
    challenge = ChallengeFactory()
    organisation = challenge.organisation
    admin = member(organisation, Role.ADMIN)
    with pytest.raises(ValidationError) as refused:
        organisation_services.organisation_update(
            actor=admin, organisation=organisation, governance_notes=MILLION
        )
    assert "governance_notes" in refused.value.message_dict


def test_a_form_says_too_long_in_the_house_words(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    url = reverse(
        "challenges:idea_create",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    response = client.post(url, {**IDEA, "title": "t" * 151})
    text = response.content.decode()
    assert "This can have at most 150 characters; yours has 151." in text
    assert "Ensure this value" not in text


# Every field, every schema ------------------------------------------------------------------

# Text the platform writes itself, never a person: no maximum needed.
WRITTEN_BY_THE_PLATFORM = {
    ("challenges", "idea", "description_html"),
    ("core", "notification", "body"),
    ("ledger", "entry", "payload"),
    ("ledger", "head", "frontier"),
    ("ledger", "checkpoint", "note"),
    # A witness's signature line, stored only once it verifies against the witness's key.
    ("ledger", "cosignature", "line"),
    # Search documents: copies of texts their own services limit (ADR 14), and filter tokens.
    ("core", "searchdocument", "title"),
    ("core", "searchdocument", "body"),
    ("core", "searchdocument", "filters"),
}


def test_every_free_text_field_has_a_maximum_length():
    unlimited = []
    for model in apps.get_app_configs():
        if not model.name.startswith("civiclab."):
            continue
        for cls in model.get_models():
            for field in cls._meta.get_fields():
                if isinstance(field, models.TextField) and field.max_length is None:
                    key = (cls._meta.app_label, cls._meta.model_name, field.name)
                    if key not in WRITTEN_BY_THE_PLATFORM:
                        unlimited.append(".".join(key))
    assert unlimited == []


@pytest.mark.parametrize(
    ("schema", "field", "limit"),
    [
        ("IdeaIn", "description", LONG_TEXT),
        ("IdeaIn", "expected_benefits", TEXT),
        ("IdeaPatch", "description", LONG_TEXT),
        ("ChallengeIn", "problem_statement", LONG_TEXT),
        ("ChallengeIn", "goals", TEXT),
        ("EvaluationIn", "comment", TEXT),
        ("ScoreIn", "comment", SHORT_TEXT),
        ("ScorecardIn", "guidance", TEXT),
        ("CriterionIn", "guidance", SHORT_TEXT),
    ],
)
def test_openapi_states_the_maximum_length_of_free_text(client, schema, field, limit):
    components = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    prop = components[schema]["properties"][field]
    options = prop.get("anyOf", [prop])
    assert limit in [option.get("maxLength") for option in options]
