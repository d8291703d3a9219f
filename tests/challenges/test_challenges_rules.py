"""Who may do what with a challenge: every actor x audience x state x phase."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from civiclab.challenges.models import Audience, Challenge, Event, EventKind, PhaseKind
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, during
from tests.factories import OrganisationFactory, UserFactory, member
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

MANAGERS = ("platform_admin", "admin", "innovation_lead")
OUTSIDERS = (
    "anonymous",
    "unconfirmed_citizen",
    "citizen",
    "admin_of_other_org",
    "member_of_other_org",
)
MEMBERS_AND_PLATFORM_ADMIN = everyone_except(*OUTSIDERS)
# Signed in with a confirmed e-mail address: who may take part.
CONFIRMED = everyone_except("anonymous", "unconfirmed_citizen")


def to_draft(challenge):
    challenge.state = Challenge.State.DRAFT
    challenge.save()


def audience(value):
    def put(challenge):
        challenge.audience = value
        challenge.save()

    return put


def phase(kind):
    return lambda challenge: during(challenge, kind)


def test_who_sees_a_challenge():
    assert_permission_matrix(
        "challenges.view_challenge",
        lambda organisation: ChallengeFactory(organisation=organisation),
        states={
            "public, open for ideas": lambda c: None,
            "public, closed": phase(PhaseKind.CLOSED),
            "staff only": audience(Audience.STAFF),
            "invited (nobody invited)": audience(Audience.INVITED),
            "draft": to_draft,
        },
        expected={
            "public, open for ideas": everyone_except(),
            "public, closed": everyone_except(),
            "staff only": MEMBERS_AND_PLATFORM_ADMIN,
            "invited (nobody invited)": MEMBERS_AND_PLATFORM_ADMIN,
            "draft": only(*MANAGERS),
        },
    )


def test_invited_people_see_an_invited_challenge_but_not_a_staff_one():
    guest = UserFactory()
    invited = ChallengeFactory(audience=Audience.INVITED, invited=[guest])
    staff_only = ChallengeFactory(audience=Audience.STAFF, invited=[guest])
    assert guest.has_perm("challenges.view_challenge", invited)
    assert not guest.has_perm("challenges.view_challenge", staff_only)
    assert not UserFactory().has_perm("challenges.view_challenge", invited)


def test_who_creates_challenges():
    assert_permission_matrix("challenges.add_challenge", expected=only(*MANAGERS))


@pytest.mark.parametrize(
    "perm",
    [
        "challenges.change_challenge",
        "challenges.publish_challenge",
        "challenges.change_event",
        "challenges.view_event_registrations",
    ],
)
def test_who_manages_a_challenge_in_every_state(perm):
    assert_permission_matrix(
        perm,
        lambda organisation: ChallengeFactory(organisation=organisation),
        states={
            "draft": to_draft,
            "submission": lambda c: None,
            "review": phase(PhaseKind.REVIEW),
            "selection": phase(PhaseKind.SELECTION),
            "closed": phase(PhaseKind.CLOSED),
            "staff only": audience(Audience.STAFF),
        },
        expected=only(*MANAGERS),
    )


def event_for(challenge, **fields):
    # Ten days ahead: after a new challenge's review phase has begun (on day seven).
    start = timezone.now() + timedelta(days=10)
    values = {
        "kind": EventKind.HACKATHON,
        "title": "Hack the canal",
        "starts_at": start,
        "ends_at": start + timedelta(hours=8),
        "place": "Town hall",
        "capacity": 10,
    }
    values.update(fields)
    return Event.objects.create(challenge=challenge, **values)


def close_registration(event):
    event.registration_open = False
    event.save()


def after_the_event(event):
    return time_machine.travel(event.ends_at + timedelta(days=1))


def challenge_state(change):
    def put(event):
        return change(event.challenge)

    return put


def test_who_registers_for_an_event():
    assert_permission_matrix(
        "challenges.register_event",
        lambda organisation: event_for(ChallengeFactory(organisation=organisation)),
        states={
            "public": lambda e: None,
            "public, in review": challenge_state(phase(PhaseKind.REVIEW)),
            "staff only": challenge_state(audience(Audience.STAFF)),
            "draft": challenge_state(to_draft),
            "registration closed": close_registration,
            "event over": after_the_event,
        },
        # Platform admins are superusers: Django grants them every permission.
        expected={
            "public": CONFIRMED,
            "public, in review": CONFIRMED,
            "staff only": MEMBERS_AND_PLATFORM_ADMIN,
            "draft": only("platform_admin"),
            "registration closed": only("platform_admin"),
            "event over": only("platform_admin"),
        },
    )


def test_a_challenge_without_event_takes_no_registrations():
    challenge = ChallengeFactory()
    assert not UserFactory().has_perm("challenges.register_event", challenge)


def test_roles_in_one_organisation_do_not_reach_another():
    organisation = OrganisationFactory()
    lead = member(organisation, Role.INNOVATION_LEAD, Role.ADMIN)
    elsewhere = ChallengeFactory(draft=True)
    assert not lead.has_perm("challenges.view_challenge", elsewhere)
    assert not lead.has_perm("challenges.change_challenge", elsewhere)
    assert not lead.has_perm("challenges.add_challenge", elsewhere.organisation)
