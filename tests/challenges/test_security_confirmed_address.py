"""An address someone typed in at sign-up is not trusted as theirs until they confirm it.

Anyone can register an account with an address they do not own. Such an account reads what
anyone reads, and takes part in nothing: it is not matched to an invitation-only challenge or a
co-author invitation sent to that address, and every way of taking part (submitting,
supporting, commenting, reporting, following, comparing, registering for an event) is refused
alike by the pages, the API and the services, with a message that says to confirm the address.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from civiclab.challenges.models import Audience, CoAuthor, Event, EventKind, PhaseKind
from civiclab.challenges.selectors.challenges import visibility_filter
from civiclab.challenges.selectors.pairwise import pair_token
from civiclab.challenges.services import challenges as challenge_services
from civiclab.challenges.services import ideas as idea_services
from civiclab.challenges.services.events import event_register
from civiclab.challenges.services.pairwise import pairwise_record
from civiclab.challenges.services.participation import support_add
from civiclab.discussion.services.comments import comment_add
from civiclab.discussion.services.follows import follow_set
from civiclab.discussion.services.moderation import flag_add
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import scorecard_with_criteria
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db
API = "/api/v1"
VICTIM = "victim@example.org"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def squatter():
    """An account created with someone else's address, never confirmed."""
    return UserFactory(email=VICTIM, email_confirmed_at=None)


def visible_challenges(user):
    from civiclab.challenges.models import Challenge

    return set(Challenge.objects.filter(visibility_filter(user)))


# Invitation-only challenges ----------------------------------------------------------------------


def test_squatter_with_unconfirmed_address_is_not_matched_to_invitation_only_challenge():
    organisation = OrganisationFactory()
    intruder = squatter()
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.INVITED)
    challenge_services.challenge_set_invited(
        actor=member(organisation, Role.ADMIN), challenge=challenge, emails=[VICTIM]
    )
    assert not intruder.has_perm("challenges.view_challenge", challenge)
    assert not intruder.has_perm("challenges.add_idea", challenge)
    assert challenge not in visible_challenges(intruder)


def test_squatter_cannot_open_the_invitation_only_challenge_page(client):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.INVITED)
    challenge_services.challenge_set_invited(
        actor=member(organisation, Role.ADMIN), challenge=challenge, emails=[VICTIM]
    )
    client.force_login(squatter())
    assert client.get(challenge.get_absolute_url()).status_code == 404
    assert client.get(f"{API}/challenges/{challenge.pk}").status_code == 404


def test_an_invited_address_admits_its_owner_once_confirmed_even_if_they_signed_up_later():
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.INVITED)
    challenge_services.challenge_set_invited(
        actor=member(organisation, Role.ADMIN), challenge=challenge, emails=["Owner@example.org"]
    )
    owner = UserFactory(email="owner@example.org", email_confirmed_at=None)
    assert not owner.has_perm("challenges.view_challenge", challenge)
    owner.email_confirmed_at = timezone.now()
    owner.save()
    assert owner.has_perm("challenges.view_challenge", challenge)
    assert owner.has_perm("challenges.add_idea", challenge)
    assert challenge in visible_challenges(owner)


def test_invited_people_form_is_not_an_account_oracle(client):
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisation=organisation, audience=Audience.INVITED)
    UserFactory(email="registered@example.org")
    client.force_login(member(organisation, Role.ADMIN))
    url = reverse("challenges:invited", args=[organisation.slug, challenge.slug])
    answers = []
    for email in ("registered@example.org", "unknown@example.org"):
        response = client.post(url, {"emails": email})
        answers.append((response.status_code, response.get("Location")))
        page = (
            client.get(response["Location"]).content.decode() if response.status_code == 302 else ""
        )
        answers.append(("saved", "list of invited people has been saved" in page))
    assert answers[:2] == answers[2:]
    assert answers[0] == (302, challenge.get_absolute_url())
    assert list(challenge.invited_addresses.values_list("email", flat=True)) == [
        "unknown@example.org"
    ]


# Co-author invitations ---------------------------------------------------------------------------


def test_squatter_with_unconfirmed_address_is_not_matched_to_coauthor_invitation():
    intruder = squatter()
    idea = IdeaFactory()
    result = idea_services.coauthor_invite(actor=idea.author, idea=idea, email=VICTIM)
    assert result is None
    assert not CoAuthor.objects.filter(user=intruder).exists()


def test_an_unconfirmed_account_cannot_accept_a_coauthor_invitation():
    person = UserFactory()
    idea = IdeaFactory()
    idea_services.coauthor_invite(actor=idea.author, idea=idea, email=person.email)
    person.email_confirmed_at = None
    with pytest.raises(PermissionDenied):
        idea_services.coauthor_respond(actor=person, idea=idea, accept=True)


# Taking part -------------------------------------------------------------------------------------


def _event(challenge):
    start = timezone.now() + timedelta(days=10)
    return Event.objects.create(
        challenge=challenge,
        kind=EventKind.HACKATHON,
        title="Hack the canal",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        place="Town hall",
        capacity=10,
    )


def _compare(actor):
    challenge = ChallengeFactory(phase=PhaseKind.REVIEW)
    scorecard_with_criteria(challenge, pairwise=True)
    first, second = IdeaFactory(challenge=challenge), IdeaFactory(challenge=challenge)
    token = pair_token(user=actor, challenge=challenge, pair=(first, second))
    pairwise_record(actor=actor, challenge=challenge, winner=first, loser=second, pair_token=token)


def _flag_comment(actor):
    idea = IdeaFactory()
    comment = comment_add(actor=UserFactory(), target=idea, body="A thought.")
    flag_add(actor=actor, item=comment, reason="spam")


TAKING_PART = {
    "submit": lambda actor: idea_services.idea_create(
        actor=actor,
        challenge=ChallengeFactory(),
        title="Benches by the canal",
        summary="Somewhere to sit.",
        description="Five benches.",
    ),
    "support": lambda actor: support_add(actor=actor, idea=IdeaFactory()),
    "comment": lambda actor: comment_add(actor=actor, target=IdeaFactory(), body="Good idea."),
    "report an idea": lambda actor: flag_add(actor=actor, item=IdeaFactory(), reason="spam"),
    "report a comment": _flag_comment,
    "follow": lambda actor: follow_set(actor=actor, target=IdeaFactory(), follow=True),
    "compare": _compare,
    "register for an event": lambda actor: event_register(
        actor=actor, event=_event(ChallengeFactory())
    ),
}


@pytest.mark.parametrize("action", TAKING_PART)
def test_an_unconfirmed_account_takes_part_in_nothing(action):
    with pytest.raises(PermissionDenied):
        TAKING_PART[action](UserFactory(email_confirmed_at=None))


@pytest.mark.parametrize("action", TAKING_PART)
def test_the_same_account_takes_part_once_confirmed(action):
    TAKING_PART[action](UserFactory())


def test_the_api_tells_an_unconfirmed_account_to_confirm_its_address(client):
    idea = IdeaFactory()
    client.force_login(UserFactory(email_confirmed_at=None))
    response = client.post(f"{API}/ideas/{idea.pk}/support")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "email_not_confirmed"
    assert "Confirm your e-mail address" in error["message"]
    assert reverse("accounts:profile") in error["message"]
    assert idea.supports.count() == 0


def test_every_page_tells_an_unconfirmed_account_how_to_take_part(client):
    idea = IdeaFactory()
    client.force_login(UserFactory(email_confirmed_at=None))
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Confirm your e-mail address to take part" in page
    assert reverse("accounts:resend_confirmation") in page


def test_a_refused_page_says_to_confirm_and_offers_the_link_again(client):
    idea = IdeaFactory()
    client.force_login(UserFactory(email_confirmed_at=None))
    url = reverse(
        "challenges:support_idea", kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk}
    )
    response = client.post(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Confirm your e-mail address first" in page
    assert reverse("accounts:resend_confirmation") in page
    assert idea.supports.count() == 0


def test_confirmed_people_see_no_notice(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    assert "Confirm your e-mail address" not in client.get(idea.get_absolute_url()).content.decode()
