"""Who lists a challenge's ideas, sees hidden ones and scores, in every phase and audience."""

import pytest

from civiclab.challenges.models import Audience, Challenge, PhaseKind
from tests.challenges.factories import ChallengeFactory, during
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

MEMBERS = (
    "admin",
    "innovation_lead",
    "decision_maker",
    "evaluator",
    "moderator",
    "staff",
)


def _audience(audience):
    def change(challenge):
        challenge.audience = audience
        challenge.save()

    return change


def _draft(challenge):
    challenge.state = Challenge.State.DRAFT
    challenge.save()


def _phase(kind):
    return lambda challenge: during(challenge, kind)


def test_who_lists_ideas():
    assert_permission_matrix(
        "challenges.list_ideas",
        challenge_in,
        states={
            "public, submission": _phase(PhaseKind.SUBMISSION),
            "public, review": _phase(PhaseKind.REVIEW),
            "public, closed": _phase(PhaseKind.CLOSED),
            "staff only": _audience(Audience.STAFF),
            "invited only": _audience(Audience.INVITED),
            "draft": _draft,
        },
        expected={
            "public, submission": everyone_except(),
            "public, review": everyone_except(),
            "public, closed": everyone_except(),
            "staff only": only("platform_admin", *MEMBERS),
            "invited only": only("platform_admin", *MEMBERS),
            "draft": only("platform_admin", "admin", "innovation_lead"),
        },
    )


def test_who_sees_hidden_ideas_and_scores():
    assert_permission_matrix(
        "challenges.view_hidden_ideas",
        challenge_in,
        expected=only("platform_admin", "admin", "moderator"),
    )
    assert_permission_matrix(
        "challenges.view_idea_scores",
        challenge_in,
        expected=only("platform_admin", "admin", "innovation_lead"),
    )


def challenge_in(organisation):
    return ChallengeFactory(organisation=organisation)
