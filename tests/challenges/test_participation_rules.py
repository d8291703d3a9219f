"""Who may support, comment, follow, report, moderate and merge: role x phase matrices."""

import pytest

from civiclab.challenges.models import Audience, IdeaStatus
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.factories import UserFactory
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

# Django lets an active superuser pass every has_perm: the platform admin is never refused.
NOBODY = only("platform_admin")
# Signed in with a confirmed e-mail address: who may take part.
CONFIRMED = everyone_except("anonymous", "unconfirmed_citizen")
ORG_ROLES = tuple(Role.values)
MODERATORS = only("platform_admin", Role.ADMIN, Role.MODERATOR)


def idea_in(organisation, **challenge_fields):
    return IdeaFactory(challenge=ChallengeFactory(organisation=organisation, **challenge_fields))


def in_phase(kind):
    return lambda idea: during(idea.challenge, kind)


def with_status(status):
    def put(idea):
        idea.status = status
        idea.save()

    return put


def hidden(idea):
    idea.is_hidden = True
    idea.save()


PHASES = {kind: in_phase(kind) for kind in ("submission", "review", "selection", "closed")}


def test_supporting_is_open_to_signed_in_people_in_submission_and_review_only():
    assert_permission_matrix(
        "challenges.support_idea",
        idea_in,
        states={
            **PHASES,
            "hidden": hidden,
            "merged": with_status(IdeaStatus.MERGED),
            "declined": with_status(IdeaStatus.DECLINED),
        },
        expected={
            "submission": CONFIRMED,
            "review": CONFIRMED,
            "selection": NOBODY,
            "closed": NOBODY,
            "hidden": NOBODY,
            "merged": NOBODY,
            "declined": NOBODY,
        },
    )


def test_staff_only_challenges_take_supports_and_comments_from_their_staff_only():
    for perm in ("challenges.support_idea", "challenges.comment_idea", "challenges.follow_idea"):
        assert_permission_matrix(
            perm,
            lambda organisation: idea_in(organisation, audience=Audience.STAFF),
            expected=only("platform_admin", *ORG_ROLES),
        )


def test_nobody_supports_their_own_idea():
    idea = IdeaFactory()
    coauthor = UserFactory()
    idea.coauthors.create(user=coauthor, status="accepted")
    assert not idea.author.has_perm("challenges.support_idea", idea)
    assert not coauthor.has_perm("challenges.support_idea", idea)
    assert UserFactory().has_perm("challenges.support_idea", idea)


def test_commenting_is_open_until_the_challenge_closes():
    assert_permission_matrix(
        "challenges.comment_idea",
        idea_in,
        states={**PHASES, "merged": with_status(IdeaStatus.MERGED), "hidden": hidden},
        expected={
            "submission": CONFIRMED,
            "review": CONFIRMED,
            "selection": CONFIRMED,
            "closed": NOBODY,
            "merged": NOBODY,
            "hidden": NOBODY,
        },
    )


def test_reporting_an_idea_needs_an_account():
    assert_permission_matrix(
        "challenges.flag_idea",
        idea_in,
        states={"visible": lambda idea: None, "hidden": hidden},
        expected={"visible": CONFIRMED, "hidden": NOBODY},
    )


def test_moderating_is_for_the_organisations_moderators_and_admins_in_every_phase():
    assert_permission_matrix(
        "challenges.moderate_idea",
        idea_in,
        states={**PHASES, "hidden": hidden},
        expected={**dict.fromkeys(PHASES, MODERATORS), "hidden": MODERATORS},
    )


def test_an_ideas_merges_are_shown_to_those_who_merge_in_every_phase_and_state():
    assert_permission_matrix(
        "challenges.view_idea_merges",
        idea_in,
        states={**PHASES, "hidden": hidden},
        expected={
            **dict.fromkeys(
                PHASES, only("platform_admin", Role.ADMIN, Role.MODERATOR, Role.INNOVATION_LEAD)
            ),
            "hidden": only("platform_admin", Role.ADMIN, Role.MODERATOR, Role.INNOVATION_LEAD),
        },
    )


def test_reporting_does_not_depend_on_the_phase():
    assert_permission_matrix(
        "challenges.flag_idea", idea_in, states=PHASES, expected=dict.fromkeys(PHASES, CONFIRMED)
    )


def test_following_does_not_depend_on_the_phase():
    assert_permission_matrix(
        "challenges.follow_idea", idea_in, states=PHASES, expected=dict.fromkeys(PHASES, CONFIRMED)
    )


def test_merging_is_for_moderators_and_innovation_leads_until_the_challenge_closes():
    allowed = only("platform_admin", Role.ADMIN, Role.MODERATOR, Role.INNOVATION_LEAD)
    decided = {
        status: with_status(status)
        for status in (
            IdeaStatus.MERGED,
            IdeaStatus.SELECTED,
            IdeaStatus.SHELVED,
            IdeaStatus.DECLINED,
        )
    }
    assert_permission_matrix(
        "challenges.merge_idea",
        idea_in,
        states={**PHASES, **decided},
        expected={
            **dict.fromkeys(PHASES, allowed),
            "closed": NOBODY,
            **dict.fromkeys(decided, NOBODY),
        },
    )


def test_hidden_ideas_stay_followable_by_their_authors_and_moderators_only():
    idea = IdeaFactory()
    hidden(idea)
    assert idea.author.has_perm("challenges.follow_idea", idea)
    assert not UserFactory().has_perm("challenges.follow_idea", idea)
