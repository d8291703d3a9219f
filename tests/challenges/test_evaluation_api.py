"""The evaluation API: scorecards, assignments, evaluations, results and pairwise comparison,
checked like the pages and answering errors in the one shape."""

import json

import pytest
from django.core.cache import cache

from civiclab.challenges.models import (
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    Idea,
    PairwiseComparison,
    PhaseKind,
)
from civiclab.challenges.selectors.pairwise import pair_token
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import (
    assign,
    evaluators,
    scorecard_with_criteria,
    submit,
)
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

API = "/api/v1"


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def error_of(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.fixture
def challenge():
    return ChallengeFactory(phase=PhaseKind.REVIEW)


@pytest.fixture
def lead(challenge):
    return member(challenge.organisation, Role.INNOVATION_LEAD)


def test_anonymous_callers_get_401(client, challenge):
    response = client.get(f"{API}/challenges/{challenge.pk}/scorecard")
    assert response.status_code == 401
    error_of(response)


def test_a_lead_replaces_the_scorecard_with_nested_criteria(client, challenge, lead):
    client.force_login(lead)
    response = put(
        client,
        f"{API}/challenges/{challenge.pk}/scorecard",
        {
            "blind": True,
            "evaluators_per_idea": 2,
            "guidance": "Score the idea, not the writing.",
            "criteria": [
                {"name": "Impact", "weight": "2", "scale_min": 1, "scale_max": 5},
                {"name": "Cost", "lower_is_better": True, "scale_min": 1, "scale_max": 5},
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["evaluators_per_idea"] == 2
    assert [c["name"] for c in body["criteria"]] == ["Impact", "Cost"]
    impact_id = body["criteria"][0]["id"]
    response = put(
        client,
        f"{API}/challenges/{challenge.pk}/scorecard",
        {"criteria": [{"id": impact_id, "name": "Impact", "weight": "3"}]},
    )
    assert [c["name"] for c in response.json()["criteria"]] == ["Impact"]
    assert Criterion.objects.get().weight == 3


def test_bad_criteria_are_422_and_nothing_changes(client, challenge, lead):
    scorecard_with_criteria(challenge)
    client.force_login(lead)
    response = put(
        client,
        f"{API}/challenges/{challenge.pk}/scorecard",
        {"criteria": [{"name": "Cost", "scale_min": 5, "scale_max": 1}]},
    )
    assert response.status_code == 422
    assert "criteria.0.scale_max" in error_of(response)["fields"]
    assert Criterion.objects.count() == 2


def test_locked_criteria_are_422_with_a_clear_message(client, challenge, lead):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    submit(assign(IdeaFactory(challenge=challenge), person), {impact: 2, cost: 2})
    client.force_login(lead)
    response = put(
        client,
        f"{API}/challenges/{challenge.pk}/scorecard",
        {"criteria": [{"id": impact.pk, "name": "Impact", "weight": "5"}]},
    )
    assert response.status_code == 422
    assert "already submitted scores" in error_of(response)["message"]
    assert Criterion.objects.count() == 2


def test_people_without_the_role_cannot_change_or_read_results(client, challenge):
    client.force_login(member(challenge.organisation, Role.STAFF))
    assert put(client, f"{API}/challenges/{challenge.pk}/scorecard", {}).status_code == 403
    response = client.get(f"{API}/challenges/{challenge.pk}/results")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_manual_and_automatic_assignment(client, challenge, lead):
    scorecard_with_criteria(challenge, per_idea=2)
    people = evaluators(challenge.organisation, 3)
    ideas = IdeaFactory.create_batch(3, challenge=challenge)
    client.force_login(lead)
    response = post(
        client,
        f"{API}/challenges/{challenge.pk}/assignments",
        {"idea_id": ideas[0].pk, "evaluator_ids": [people[0].pk]},
    )
    assert response.status_code == 201
    assert response.json() == {"ideas": 1, "created": 1}
    response = post(client, f"{API}/challenges/{challenge.pk}/assignments", {"automatic": True})
    assert response.status_code == 201
    assert EvaluatorAssignment.objects.count() == 6


def test_assigning_an_author_is_422_naming_the_field(client, challenge, lead):
    (person,) = evaluators(challenge.organisation, 1)
    idea = IdeaFactory(challenge=challenge, author=person)
    client.force_login(lead)
    response = post(
        client,
        f"{API}/challenges/{challenge.pk}/assignments",
        {"idea_id": idea.pk, "evaluator_ids": [person.pk]},
    )
    assert response.status_code == 422
    assert "evaluators" in error_of(response)["fields"]


def test_blind_evaluation_through_the_api_hides_the_authors(client, challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge, blind=True)
    author = UserFactory(display_name="Ottoline Writewell", email="ottoline@example.org")
    idea = IdeaFactory(challenge=challenge, author=author)
    (person,) = evaluators(challenge.organisation, 1)
    assignment = assign(idea, person)
    client.force_login(person)
    mine = client.get(f"{API}/me/evaluations").json()
    assert [row["assignment_id"] for row in mine] == [assignment.pk]
    response = client.get(f"{API}/assignments/{assignment.pk}/evaluation")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ottoline" not in text and "ottoline@example.org" not in text
    assert response.json()["idea"]["author"] is None

    response = put(
        client,
        f"{API}/assignments/{assignment.pk}/evaluation",
        {
            "scores": [
                {"criterion_id": impact.pk, "value": 5, "comment": "Big"},
                {"criterion_id": cost.pk, "value": 1},
            ],
            "comment": "Go",
            "submit": True,
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["submitted_at"] is not None
    assert "Ottoline" not in response.content.decode()
    assert Evaluation.objects.get().submitted_at is not None
    assert Idea.objects.get(pk=idea.pk).score == pytest.approx(100.0)


def test_an_incomplete_submission_is_422_per_criterion(client, challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    assignment = assign(IdeaFactory(challenge=challenge), person)
    client.force_login(person)
    response = put(
        client,
        f"{API}/assignments/{assignment.pk}/evaluation",
        {"scores": [{"criterion_id": impact.pk, "value": 3}], "submit": True},
    )
    assert response.status_code == 422
    assert f"score_{cost.pk}" in error_of(response)["fields"]


def test_someone_elses_assignment_is_not_found(client, challenge):
    scorecard_with_criteria(challenge)
    first, second = evaluators(challenge.organisation, 2)
    assignment = assign(IdeaFactory(challenge=challenge), first)
    client.force_login(second)
    assert client.get(f"{API}/assignments/{assignment.pk}/evaluation").status_code == 404


def test_results_for_a_decision_maker(client, challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    people = evaluators(challenge.organisation, 2)
    idea = IdeaFactory(challenge=challenge)
    submit(assign(idea, people[0]), {impact: 5, cost: 1})
    submit(assign(idea, people[1]), {impact: 3, cost: 3})
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    body = client.get(f"{API}/challenges/{challenge.pk}/results").json()
    (row,) = body["ideas"]
    assert row["idea_id"] == idea.pk and row["rank"] == 1
    assert row["evaluations_submitted"] == 2
    assert {c["criterion_id"]: c["mean"] for c in row["criteria"]} == {impact.pk: 4, cost.pk: 2}
    assert body["agreement"]["level"] in {"reliable", "tentative", "low", "undefined"}


def test_pairwise_through_the_api(client, challenge):
    cache.clear()
    scorecard_with_criteria(challenge, pairwise=True)
    a, b = IdeaFactory.create_batch(2, challenge=challenge)
    client.force_login(UserFactory())
    offered = client.get(f"{API}/challenges/{challenge.pk}/pairwise/next").json()
    pair, token = offered["pair"], offered["pair_token"]
    assert {idea["id"] for idea in pair} == {a.pk, b.pk}
    unsigned = post(
        client, f"{API}/challenges/{challenge.pk}/pairwise", {"winner_id": a.pk, "loser_id": b.pk}
    )
    assert unsigned.status_code == 422  # the pair token is required
    response = post(
        client,
        f"{API}/challenges/{challenge.pk}/pairwise",
        {"winner_id": a.pk, "loser_id": b.pk, "pair_token": token},
    )
    assert response.status_code == 201
    assert PairwiseComparison.objects.get().winner == a
    again = post(
        client,
        f"{API}/challenges/{challenge.pk}/pairwise",
        {"winner_id": b.pk, "loser_id": a.pk, "pair_token": token},
    )
    assert again.status_code == 422
    done = client.get(f"{API}/challenges/{challenge.pk}/pairwise/next").json()
    assert done == {"pair": None, "pair_token": None}
    assert client.get(f"{API}/challenges/{challenge.pk}/pairwise/ranking").status_code == 403
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    ranking = client.get(f"{API}/challenges/{challenge.pk}/pairwise/ranking").json()
    assert [row["idea_id"] for row in ranking["ideas"]] == [a.pk, b.pk]
    assert ranking["connected"] is True


def test_too_many_comparisons_are_429(client, challenge, settings):
    cache.clear()
    settings.CHALLENGES_PAIRWISE_RATE = (1, 60)
    scorecard_with_criteria(challenge, pairwise=True)
    a, b, c = IdeaFactory.create_batch(3, challenge=challenge)
    person = UserFactory()
    client.force_login(person)
    url = f"{API}/challenges/{challenge.pk}/pairwise"

    def chosen(winner, loser):
        token = pair_token(user=person, challenge=challenge, pair=(winner, loser))
        return {"winner_id": winner.pk, "loser_id": loser.pk, "pair_token": token}

    assert post(client, url, chosen(a, b)).status_code == 201
    response = post(client, url, chosen(a, c))
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert response["Retry-After"] == "60"
    cache.clear()
