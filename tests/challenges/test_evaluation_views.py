"""The evaluation pages: scorecard, assignment, blind scoring, my evaluations and results."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from civiclab.challenges.models import (
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    Idea,
    IdeaStatus,
    PhaseKind,
)
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.challenges.test_evaluation_support import (
    assign,
    evaluators,
    scorecard_with_criteria,
    submit,
)
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def url(name, challenge=None, **kwargs):
    organisation = (challenge or kwargs.pop("idea").challenge).organisation
    if challenge is not None:
        kwargs.setdefault("slug", challenge.slug)
    return reverse(f"challenges:{name}", kwargs={"org_slug": organisation.slug, **kwargs})


def idea_url(name, idea):
    return reverse(f"challenges:{name}", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk})


@pytest.fixture
def challenge():
    return ChallengeFactory(phase=PhaseKind.REVIEW)


@pytest.fixture
def lead(challenge):
    return member(challenge.organisation, Role.INNOVATION_LEAD)


# --- scorecard and criteria -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, challenge):
    response = client.get(url("scorecard", challenge))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_people_without_the_role_get_403(client, challenge):
    client.force_login(member(challenge.organisation, Role.EVALUATOR))
    assert client.get(url("scorecard", challenge)).status_code == 403
    assert client.get(url("evaluation_results", challenge)).status_code == 403


def test_a_lead_adds_a_criterion_and_saves_the_settings(client, challenge, lead):
    client.force_login(lead)
    response = client.post(
        url("criterion_add", challenge),
        {
            "name": "Feasibility",
            "guidance": "Can we do it this year?",
            "weight": "2",
            "scale_min": "1",
            "scale_max": "5",
        },
    )
    assert response.status_code == 302
    assert Criterion.objects.get().name == "Feasibility"
    response = client.post(
        url("scorecard", challenge),
        {"guidance": "Be fair", "evaluators_per_idea": "2", "blind": "on"},
    )
    assert response.status_code == 302
    page = client.get(url("scorecard", challenge)).content.decode()
    assert "Feasibility" in page and "Can we do it this year?" in page


def test_a_bad_scale_is_explained_on_the_field(client, challenge, lead):
    client.force_login(lead)
    response = client.post(
        url("criterion_add", challenge),
        {"name": "Cost", "weight": "1", "scale_min": "5", "scale_max": "1", "position": "0"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The highest score must be above the lowest score." in page
    assert not Criterion.objects.exists()


def test_the_scorecard_page_says_when_criteria_are_locked(client, challenge, lead):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    submit(assign(IdeaFactory(challenge=challenge), person), {impact: 3, cost: 3})
    client.force_login(lead)
    page = client.get(url("scorecard", challenge)).content.decode()
    assert "The criteria are locked" in page
    assert "67%" in page and "33%" in page  # weights 2 and 1
    assert url("criterion_add", challenge) not in page
    response = client.post(
        url("criterion_edit", challenge, pk=impact.pk),
        {"name": "Changed", "weight": "1", "scale_min": "1", "scale_max": "5", "position": "0"},
    )
    assert response.status_code == 200
    assert Criterion.objects.get(pk=impact.pk).name == "Impact"


# --- assignment -----------------------------------------------------------------------------


def test_a_lead_assigns_automatically_from_the_page(client, challenge, lead):
    scorecard_with_criteria(challenge, per_idea=2)
    evaluators(challenge.organisation, 3)
    IdeaFactory.create_batch(3, challenge=challenge)
    client.force_login(lead)
    assert client.get(url("evaluation_assign_automatic", challenge)).status_code == 200
    response = client.post(url("evaluation_assign_automatic", challenge))
    assert response.status_code == 302
    assert EvaluatorAssignment.objects.count() == 6


def test_infeasible_automatic_assignment_is_a_clear_message(client, challenge, lead):
    scorecard_with_criteria(challenge, per_idea=3)
    evaluators(challenge.organisation, 1)
    IdeaFactory(challenge=challenge, title="Benches in the shade")
    client.force_login(lead)
    response = client.post(url("evaluation_assign_automatic", challenge))
    assert response.status_code == 400
    assert "Benches in the shade" in response.content.decode()


def test_the_manual_assignment_page_leaves_out_the_authors(client, challenge, lead):
    author, other = evaluators(challenge.organisation, 2)
    idea = IdeaFactory(challenge=challenge, author=author)
    client.force_login(lead)
    page = client.get(idea_url("evaluation_assign_idea", idea)).content.decode()
    assert other.display_name in page
    assert author.display_name not in page
    response = client.post(idea_url("evaluation_assign_idea", idea), {"evaluators": [author.pk]})
    assert response.status_code == 200
    assert not EvaluatorAssignment.objects.exists()
    response = client.post(idea_url("evaluation_assign_idea", idea), {"evaluators": [other.pk]})
    assert response.status_code == 302
    assert EvaluatorAssignment.objects.get().evaluator == other


# --- scoring --------------------------------------------------------------------------------


@pytest.fixture
def blind_case(challenge):
    _card, criteria = scorecard_with_criteria(challenge, blind=True)
    author = UserFactory(display_name="Wilhelmina Authorsdottir", email="wilhelmina@example.org")
    coauthor = UserFactory(display_name="Bartholomew Cowriter")
    idea = IdeaFactory(
        challenge=challenge,
        author=author,
        title="Shade trees on the market square",
        expected_benefits="Cooler summers for market traders.",
    )
    idea.coauthors.create(user=coauthor, status="accepted")
    (person,) = evaluators(challenge.organisation, 1)
    assignment = assign(idea, person)
    return idea, person, assignment, criteria, author, coauthor


def test_blind_scoring_page_never_shows_who_wrote_the_idea(client, blind_case):
    idea, person, _assignment, _criteria, author, coauthor = blind_case
    client.force_login(person)
    response = client.get(idea_url("evaluate", idea))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Shade trees on the market square" in page
    assert "Cooler summers for market traders." in page
    assert "How many residents benefit" in page  # the criterion's guidance
    for secret in (author.display_name, author.email, coauthor.display_name, coauthor.email):
        assert secret not in page


def test_open_review_shows_the_author(client, blind_case):
    idea, person, _assignment, _criteria, author, _coauthor = blind_case
    idea.challenge.scorecard.blind = False
    idea.challenge.scorecard.save()
    client.force_login(person)
    page = client.get(idea_url("evaluate", idea)).content.decode()
    assert author.display_name in page and blind_case[5].display_name in page


def test_an_evaluator_saves_a_draft_then_submits(client, blind_case):
    idea, person, _assignment, (impact, cost), _a, _c = blind_case
    client.force_login(person)
    response = client.post(
        idea_url("evaluate", idea),
        {f"score_{impact.pk}": "4", f"comment_{impact.pk}": "Wide reach", "action": "draft"},
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.submitted_at is None
    page = client.get(reverse("challenges:my_evaluations", args=[idea.organisation.slug]))
    assert "Draft" in page.content.decode()

    response = client.post(
        idea_url("evaluate", idea), {f"score_{impact.pk}": "4", "action": "submit"}
    )
    assert response.status_code == 200
    assert "Choose a score for “Cost” before you submit." in response.content.decode()

    response = client.post(
        idea_url("evaluate", idea),
        {
            f"score_{impact.pk}": "5",
            f"score_{cost.pk}": "1",
            "comment": "Do it",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.submitted_at is not None and evaluation.comment == "Do it"
    assert Idea.objects.get(pk=idea.pk).score == pytest.approx(100.0)


def test_a_scale_wider_than_eleven_points_is_a_number_field(client, blind_case):
    idea, person, _assignment, (impact, cost), _a, _c = blind_case
    Criterion.objects.filter(pk=impact.pk).update(scale_min=0, scale_max=100)
    client.force_login(person)
    page = client.get(idea_url("evaluate", idea)).content.decode()
    assert f'type="number" name="score_{impact.pk}"' in page
    assert page.count(f'name="score_{impact.pk}"') == 1  # not 101 radio buttons
    assert page.count(f'name="score_{cost.pk}"') == 5  # a 1-5 scale keeps its radio buttons
    post = {f"score_{cost.pk}": "2", "action": "submit"}
    refused = client.post(idea_url("evaluate", idea), {**post, f"score_{impact.pk}": "101"})
    assert refused.status_code == 200
    assert "Enter a whole number from 0 to 100 for “Impact”." in refused.content.decode()
    assert not Evaluation.objects.exists()
    accepted = client.post(idea_url("evaluate", idea), {**post, f"score_{impact.pk}": "73"})
    assert accepted.status_code == 302
    assert Evaluation.objects.get().scores.get(criterion=impact).value == 73


def test_scoring_closes_with_the_review_phase(client, blind_case):
    idea, person, *_rest = blind_case
    with during(idea.challenge, PhaseKind.SELECTION):
        client.force_login(person)
        assert client.get(idea_url("evaluate", idea)).status_code == 403


def test_people_not_assigned_cannot_open_the_scoring_page(client, blind_case):
    idea = blind_case[0]
    client.force_login(member(idea.organisation, Role.EVALUATOR))
    assert client.get(idea_url("evaluate", idea)).status_code == 403


def test_my_evaluations_lists_assigned_ideas_with_progress(client, challenge):
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    done = IdeaFactory(challenge=challenge, title="Finished one")
    todo = IdeaFactory(challenge=challenge, title="Waiting one")
    submit(assign(done, person), {impact: 3, cost: 3})
    assign(todo, person)
    client.force_login(person)
    page = client.get(reverse("challenges:my_evaluations", args=[challenge.organisation.slug]))
    text = page.content.decode()
    assert "Finished one" in text and "Waiting one" in text
    assert "You have submitted 1 of 2 evaluations." in text


# --- results --------------------------------------------------------------------------------


def _scored_challenge(ideas: int, per_idea: int = 3):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    people = evaluators(challenge.organisation, per_idea)
    made = IdeaFactory.create_batch(ideas, challenge=challenge, status=IdeaStatus.UNDER_REVIEW)
    for index, idea in enumerate(made):
        for offset, person in enumerate(people):
            submit(assign(idea, person), {impact: 1 + (index + offset) % 5, cost: 1 + index % 5})
    return challenge


def test_decision_makers_see_scores_agreement_and_a_chart_with_its_table(client):
    challenge = _scored_challenge(3)
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    response = client.get(url("evaluation_results", challenge))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Krippendorff" in page
    assert "<progress" in page  # the bars
    assert "Scores, ranks and evaluations by idea" in page  # the data table beside them
    for idea in Idea.objects.filter(challenge=challenge):
        assert idea.title in page


def test_the_results_page_lists_a_hidden_idea_apart_from_the_ranking(client):
    challenge = _scored_challenge(3)
    hidden = Idea.objects.filter(challenge=challenge).first()
    Idea.objects.filter(pk=hidden.pk).update(is_hidden=True)
    client.force_login(member(challenge.organisation, Role.DECISION_MAKER))
    page = client.get(url("evaluation_results", challenge)).content.decode()
    ranking, apart = page.split("Scored but not ranked", 1)
    assert hidden.title not in ranking.split('id="ranking"', 1)[1]
    assert hidden.title in apart.split("By criterion", 1)[0]
    assert "Hidden by moderation" in apart


def test_the_results_page_query_count_does_not_grow_with_the_ideas(
    client, django_assert_max_num_queries
):
    small = _scored_challenge(2)
    large = _scored_challenge(200)
    viewer = member(small.organisation, Role.INNOVATION_LEAD)
    other = member(large.organisation, Role.INNOVATION_LEAD)
    client.force_login(viewer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url("evaluation_results", small)).status_code == 200
    client.force_login(other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("evaluation_results", large))
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="idea-') == 200


# --- the idea page block --------------------------------------------------------------------


def _render_block(user, idea):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load evaluation %}{% idea_evaluation idea %}")
    return template.render(Context({"request": request, "idea": idea}))


def test_the_idea_block_offers_scoring_to_the_assigned_evaluator(blind_case):
    idea, person, *_rest = blind_case
    html = _render_block(person, idea)
    assert "Score this idea" in html
    assert idea_url("evaluate", idea) in html


def test_the_idea_block_shows_managers_the_score_and_nothing_to_the_public(blind_case):
    idea = blind_case[0]
    Idea.objects.filter(pk=idea.pk).update(score=78.4)
    idea.refresh_from_db()
    lead = member(idea.organisation, Role.INNOVATION_LEAD)
    assert "78/100" in _render_block(lead, idea)
    assert _render_block(UserFactory(), idea).strip() == ""
    from django.contrib.auth.models import AnonymousUser

    assert _render_block(AnonymousUser(), idea).strip() == ""
    assert _render_block(idea.author, idea).strip() == ""


def _render_challenge_block(user, challenge):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load evaluation %}{% challenge_evaluation challenge %}")
    return template.render(Context({"request": request, "challenge": challenge}))


def test_the_challenge_block_links_each_role_to_its_evaluation_pages(challenge, lead):
    scorecard_with_criteria(challenge, pairwise=True)
    (person,) = evaluators(challenge.organisation, 1)
    assign(IdeaFactory(challenge=challenge), person)
    lead_html = _render_challenge_block(lead, challenge)
    assert url("scorecard", challenge) in lead_html
    assert url("evaluation_results", challenge) in lead_html
    evaluator_html = _render_challenge_block(person, challenge)
    assert reverse("challenges:my_evaluations", args=[challenge.organisation.slug]) in (
        evaluator_html
    )
    assert url("scorecard", challenge) not in evaluator_html
    citizen_html = _render_challenge_block(UserFactory(), challenge)
    assert url("pairwise", challenge) in citizen_html
    assert url("evaluation_results", challenge) not in citizen_html
    from django.contrib.auth.models import AnonymousUser

    assert _render_challenge_block(AnonymousUser(), challenge).strip() == ""


def test_my_evaluations_query_count_does_not_grow_with_assignments(
    client, django_assert_max_num_queries
):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    (person,) = evaluators(challenge.organisation, 1)
    for idea in IdeaFactory.create_batch(30, challenge=challenge):
        submit(assign(idea, person), {impact: 2, cost: 2}, submitted=idea.pk % 2 == 0)
    client.force_login(person)
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("challenges:my_evaluations", args=[challenge.organisation.slug])
        )
    assert (
        response.content.decode().count("Score this idea")
        + response.content.decode().count("Review your scores")
        == 30
    )


def test_changing_a_criterion_without_a_position_keeps_its_place(client, challenge, lead):
    _card, (_impact, cost) = scorecard_with_criteria(challenge)
    client.force_login(lead)
    response = client.post(
        url("criterion_edit", challenge, pk=cost.pk),
        {"name": "Running cost", "weight": "1", "scale_min": "1", "scale_max": "5"},
    )
    assert response.status_code == 302
    cost.refresh_from_db()
    assert (cost.name, cost.position) == ("Running cost", 1)


def test_results_of_a_challenge_without_a_scorecard_are_an_empty_state(client, challenge, lead):
    client.force_login(lead)
    response = client.get(url("evaluation_results", challenge))
    assert response.status_code == 200
    assert "No idea has evaluators yet" in response.content.decode()


def test_the_assignments_page_query_count_does_not_grow_with_the_ideas(
    client, django_assert_max_num_queries
):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    people = evaluators(challenge.organisation, 3)
    for idea in IdeaFactory.create_batch(40, challenge=challenge):
        for person in people:
            submit(assign(idea, person), {impact: 3, cost: 3}, submitted=person is people[0])
    client.force_login(member(challenge.organisation, Role.INNOVATION_LEAD))
    with django_assert_max_num_queries(14):
        response = client.get(url("evaluation_assignments", challenge))
    assert response.content.decode().count("Choose evaluators<") == 40
