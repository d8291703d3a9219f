"""Shortlisting and selecting from the evaluation results, with a stated reason; a selection
is appended to the ledger and the results page links to its entry."""

import pytest
from django.urls import reverse

from civiclab.challenges.models import IdeaStatus, PhaseKind, StatusChange
from civiclab.challenges.services.status import TRANSITIONS
from civiclab.ledger.models import Entry
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.challenges.test_evaluation_support import (
    assign,
    evaluators,
    scorecard_with_criteria,
    submit,
)
from tests.factories import member

pytestmark = pytest.mark.django_db


def idea_url(name, idea):
    return reverse(f"challenges:{name}", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk})


def results_url(challenge):
    return reverse(
        "challenges:evaluation_results",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )


@pytest.fixture
def idea():
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge, status=IdeaStatus.UNDER_REVIEW, title="Night buses")
    (person,) = evaluators(challenge.organisation, 1)
    submit(assign(idea, person), {impact: 5, cost: 2})
    return idea


def test_a_lead_shortlists_from_the_results_with_a_reason(client, idea):
    lead = member(idea.organisation, Role.INNOVATION_LEAD)
    client.force_login(lead)
    page = client.get(results_url(idea.challenge)).content.decode()
    assert idea_url("evaluation_shortlist", idea) in page
    assert idea_url("evaluation_select", idea) not in page

    response = client.post(idea_url("evaluation_shortlist", idea), {"reason": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.UNDER_REVIEW

    response = client.post(
        idea_url("evaluation_shortlist", idea), {"reason": "Highest score on impact."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SHORTLISTED
    assert StatusChange.objects.get(idea=idea).reason == "Highest score on impact."


def test_a_decision_maker_cannot_shortlist_and_a_lead_cannot_select(client, idea):
    client.force_login(member(idea.organisation, Role.DECISION_MAKER))
    assert client.get(idea_url("evaluation_shortlist", idea)).status_code == 403
    idea.status = IdeaStatus.SHORTLISTED
    idea.save()
    with during(idea.challenge, PhaseKind.SELECTION):
        client.force_login(member(idea.organisation, Role.INNOVATION_LEAD))
        assert client.get(idea_url("evaluation_select", idea)).status_code == 403


def test_nobody_selects_before_the_selection_phase(client, idea):
    idea.status = IdeaStatus.SHORTLISTED
    idea.save()
    client.force_login(member(idea.organisation, Role.DECISION_MAKER))
    assert client.get(idea_url("evaluation_select", idea)).status_code == 403


def test_a_decision_maker_selects_and_the_ledger_records_it(client, idea):
    idea.status = IdeaStatus.SHORTLISTED
    idea.save()
    with during(idea.challenge, PhaseKind.SELECTION):
        client.force_login(member(idea.organisation, Role.DECISION_MAKER))
        page = client.get(results_url(idea.challenge)).content.decode()
        assert idea_url("evaluation_select", idea) in page

        response = client.post(
            idea_url("evaluation_select", idea), {"reason": "Best value for the night economy."}
        )
        assert response.status_code == 302
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.SELECTED
        change = StatusChange.objects.get(idea=idea, to_status=IdeaStatus.SELECTED)
        entry = Entry.objects.get(seq=change.ledger_sequence)
        assert entry.kind == "idea.selected"

        page = client.get(response["Location"]).content.decode()
        ledger_link = reverse("ledger:entry", kwargs={"seq": entry.seq})
        assert ledger_link in page
        assert "Selection recorded" in page


def _page_opens(name):
    """A matrix cell: does the decision page open for this person (200), through the UI?"""

    def check(user, idea):
        from django.test import Client

        client = Client()
        if user.is_authenticated:
            client.force_login(user)
        return client.get(idea_url(name, idea)).status_code == 200

    return check


def _idea_in(status):
    def build(organisation):
        challenge = ChallengeFactory(organisation=organisation)
        return IdeaFactory(challenge=challenge, status=status)

    return build


PHASES = {kind: (lambda idea, kind=kind: during(idea.challenge, kind)) for kind in PhaseKind.values}


def test_who_may_open_the_shortlist_page_in_each_phase():
    from tests.permissions import assert_permission_matrix, only

    managers = only("platform_admin", "admin", "innovation_lead")
    nobody = only("platform_admin")  # a superuser holds every permission
    assert_permission_matrix(
        "challenges.shortlist_idea",
        _idea_in(IdeaStatus.UNDER_REVIEW),
        states=PHASES,
        expected={
            PhaseKind.SUBMISSION: nobody,
            PhaseKind.REVIEW: managers,
            PhaseKind.SELECTION: managers,
            PhaseKind.CLOSED: nobody,
        },
        check=_page_opens("evaluation_shortlist"),
    )


def test_who_may_open_the_select_page_in_each_phase():
    from tests.permissions import assert_permission_matrix, only

    deciders = only("platform_admin", "decision_maker")
    nobody = only("platform_admin")  # a superuser holds every permission
    assert_permission_matrix(
        "challenges.select_idea",
        _idea_in(IdeaStatus.SHORTLISTED),
        states=PHASES,
        expected={
            PhaseKind.SUBMISSION: nobody,
            PhaseKind.REVIEW: nobody,
            PhaseKind.SELECTION: deciders,
            PhaseKind.CLOSED: nobody,
        },
        check=_page_opens("evaluation_select"),
    )


@pytest.mark.parametrize("status", [s for s in IdeaStatus.values if s != IdeaStatus.MERGED])
def test_the_results_offer_shortlisting_exactly_where_the_workflow_allows_it(client, status):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    _card, (impact, cost) = scorecard_with_criteria(challenge)
    idea = IdeaFactory(challenge=challenge, status=status, title="Night buses")
    (person,) = evaluators(challenge.organisation, 1)
    submit(assign(idea, person), {impact: 5, cost: 2})
    client.force_login(member(idea.organisation, Role.INNOVATION_LEAD))

    page = client.get(results_url(challenge)).content.decode()

    offered = idea_url("evaluation_shortlist", idea) in page
    assert offered == (IdeaStatus.SHORTLISTED in TRANSITIONS[status])
