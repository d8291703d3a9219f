"""Selections in a staff-only or invitation-only challenge still go to the public ledger (the
decision is recorded and verifiable), but the ledger must not publish what the challenge
keeps from the public: the idea's and the challenge's titles and the stated reason."""

import pytest
from django.urls import reverse

from civiclab.challenges.models import Audience, IdeaStatus, PhaseKind
from civiclab.challenges.services import selection
from civiclab.ledger.models import Entry
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import member

pytestmark = pytest.mark.django_db

SECRET_IDEA = "Quietly merge the two repair depots"
SECRET_CHALLENGE = "Internal: cutting repair waiting times"
SECRET_REASON = "Saves two vans and a depot lease"


def select_in(audience):
    challenge = ChallengeFactory(
        phase=PhaseKind.SELECTION, audience=audience, title=SECRET_CHALLENGE
    )
    idea = IdeaFactory(challenge=challenge, title=SECRET_IDEA, status=IdeaStatus.SHORTLISTED)
    decider = member(challenge.organisation, Role.DECISION_MAKER)
    selection.idea_select(actor=decider, idea=idea, reason=SECRET_REASON)
    return idea, Entry.objects.get(kind="idea.selected")


def public_pages(client, entry):
    for url in (reverse("ledger:index"), reverse("ledger:entry", args=[entry.seq])):
        response = client.get(url)
        assert response.status_code == 200
        yield response.content.decode()
    response = client.get(f"/api/v1/ledger/entries/{entry.seq}")
    if response.status_code == 200:
        yield response.content.decode()


@pytest.mark.parametrize("audience", [Audience.STAFF, Audience.INVITED])
def test_a_private_challenges_selection_is_recorded_without_its_content(client, audience):
    idea, entry = select_in(audience)
    assert entry.subject_id == str(idea.pk)
    for text in public_pages(client, entry):
        for secret in (SECRET_IDEA, SECRET_CHALLENGE, SECRET_REASON):
            assert secret not in text


def test_a_public_challenges_selection_is_published_in_full(client):
    _idea, entry = select_in(Audience.PUBLIC)
    text = "".join(public_pages(client, entry))
    assert SECRET_IDEA in text and SECRET_REASON in text
