"""Blind review holds outside the scoring page: an evaluator assigned in a challenge under
blind review does not learn who wrote its ideas by opening the idea page, its history or the
idea API while the review is under way. Everyone else still sees the authors, and the
evaluator sees them once the review is over."""

import pytest
from django.urls import reverse

from civiclab.challenges.models import Audience, PhaseKind
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, set_phase
from tests.challenges.test_evaluation_support import assign, evaluators, scorecard_with_criteria
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def blind_idea():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW, audience=Audience.STAFF)
    scorecard_with_criteria(challenge, blind=True)
    author = member(challenge.organisation, Role.STAFF, display_name="Priya Ramaswamy")
    coauthor = member(challenge.organisation, Role.STAFF, display_name="Tomasz Wielki")
    idea = IdeaFactory(challenge=challenge, author=author, title="Shared vans for home care")
    idea.coauthors.create(user=coauthor, status="accepted")
    idea.revisions.create(editor=coauthor, content={"title": idea.title})
    (evaluator,) = evaluators(challenge.organisation, 1)
    assign(idea, evaluator)
    return idea, evaluator


def page(client, name, idea):
    url = reverse(f"challenges:{name}", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["idea_detail", "idea_history"])
def test_assigned_evaluator_does_not_see_the_authors_during_blind_review(client, blind_idea, name):
    idea, evaluator = blind_idea
    client.force_login(evaluator)
    text = page(client, name, idea)
    if name == "idea_detail":
        assert "Shared vans for home care" in text
    assert "Priya Ramaswamy" not in text
    assert "Tomasz Wielki" not in text


def test_assigned_evaluator_gets_no_authors_from_the_idea_api(client, blind_idea):
    idea, evaluator = blind_idea
    client.force_login(evaluator)
    body = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert body["title"] == "Shared vans for home care"
    assert body["author"] is None
    assert body["coauthors"] == []


def test_other_staff_still_see_the_authors(client, blind_idea):
    idea, _evaluator = blind_idea
    client.force_login(member(idea.organisation, Role.STAFF))
    assert "Priya Ramaswamy" in page(client, "idea_detail", idea)
    assert client.get(f"/api/v1/ideas/{idea.pk}").json()["author"]["display_name"]


def test_managers_see_the_authors(client, blind_idea):
    idea, _evaluator = blind_idea
    client.force_login(member(idea.organisation, Role.INNOVATION_LEAD))
    assert "Tomasz Wielki" in page(client, "idea_detail", idea)


def test_evaluator_sees_the_authors_once_the_review_is_over(client, blind_idea):
    idea, evaluator = blind_idea
    set_phase(idea.challenge, PhaseKind.SELECTION)
    client.force_login(evaluator)
    assert "Priya Ramaswamy" in page(client, "idea_detail", idea)


def test_open_review_names_the_authors_to_evaluators(client, blind_idea):
    idea, evaluator = blind_idea
    idea.challenge.scorecard.blind = False
    idea.challenge.scorecard.save()
    client.force_login(evaluator)
    assert "Priya Ramaswamy" in page(client, "idea_detail", idea)


def test_unassigned_citizen_unaffected(client, blind_idea):
    idea, _evaluator = blind_idea
    client.force_login(UserFactory())
    # A staff-only challenge: a citizen without a role does not see it at all.
    url = reverse(
        "challenges:idea_detail", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk}
    )
    assert client.get(url).status_code == 404
