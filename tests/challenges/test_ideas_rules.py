"""Who may read, submit, edit and decide on ideas: role x action x phase."""

import pytest

from civiclab.challenges.models import (
    Audience,
    Challenge,
    CoAuthor,
    CoAuthorStatus,
    IdeaStatus,
    PhaseKind,
)
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.factories import UserFactory
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

# Django lets active superusers (platform admins) do everything, whatever the rule says.
NOBODY = only("platform_admin")
MANAGERS = only("platform_admin", "admin", "innovation_lead")
ORG_ROLES = (
    "admin",
    "innovation_lead",
    "decision_maker",
    "evaluator",
    "moderator",
    "staff",
)


def in_phase(kind):
    def put(obj):
        challenge = obj if isinstance(obj, Challenge) else obj.challenge
        return during(challenge, kind)

    return put


PHASES = {kind: in_phase(kind) for kind in PhaseKind.values}


def test_who_may_submit_an_idea_to_a_public_challenge():
    assert_permission_matrix(
        "challenges.add_idea",
        lambda organisation: ChallengeFactory(organisation=organisation),
        states=PHASES,
        expected={
            "submission": everyone_except("anonymous", "unconfirmed_citizen"),
            "review": NOBODY,
            "selection": NOBODY,
            "closed": NOBODY,
        },
    )


def test_staff_only_challenges_take_ideas_from_the_organisations_people():
    assert_permission_matrix(
        "challenges.add_idea",
        lambda organisation: ChallengeFactory(organisation=organisation, audience=Audience.STAFF),
        expected=only("platform_admin", *ORG_ROLES),
    )


def test_drafts_take_no_ideas():
    assert_permission_matrix(
        "challenges.add_idea",
        lambda organisation: ChallengeFactory(organisation=organisation, draft=True),
        expected=NOBODY,
    )


def test_invited_people_may_submit_to_an_invitation_only_challenge():
    guest = UserFactory()
    challenge = ChallengeFactory(audience=Audience.INVITED, invited=[guest])
    assert guest.has_perm("challenges.add_idea", challenge)
    assert not UserFactory().has_perm("challenges.add_idea", challenge)


def hide(idea):
    idea.is_hidden = True
    idea.hidden_reason = "Personal data"
    idea.save()


def test_who_may_read_an_idea():
    assert_permission_matrix(
        "challenges.view_idea",
        lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
        states={"visible": lambda idea: None, "hidden": hide},
        expected={
            "visible": everyone_except(),
            "hidden": only("platform_admin", "admin", "innovation_lead", "moderator"),
        },
    )


def test_ideas_of_staff_only_challenges_stay_inside():
    assert_permission_matrix(
        "challenges.view_idea",
        lambda organisation: IdeaFactory(
            challenge=ChallengeFactory(organisation=organisation, audience=Audience.STAFF)
        ),
        expected=only("platform_admin", *ORG_ROLES),
    )


def test_nobody_but_its_authors_edits_an_idea():
    # Roles give no right to rewrite someone's idea, in any phase.
    assert_permission_matrix(
        "challenges.change_idea",
        lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
        states=PHASES,
        expected=dict.fromkeys(PhaseKind.values, NOBODY),
    )


@pytest.mark.parametrize(
    ("phase", "status", "allowed"),
    [
        (PhaseKind.SUBMISSION, IdeaStatus.SUBMITTED, True),
        (PhaseKind.REVIEW, IdeaStatus.UNDER_REVIEW, True),
        (PhaseKind.SELECTION, IdeaStatus.SUBMITTED, True),
        (PhaseKind.CLOSED, IdeaStatus.SUBMITTED, False),
        (PhaseKind.REVIEW, IdeaStatus.SHORTLISTED, False),
        (PhaseKind.SELECTION, IdeaStatus.SELECTED, False),
        (PhaseKind.REVIEW, IdeaStatus.DECLINED, False),
        (PhaseKind.REVIEW, IdeaStatus.SHELVED, False),
        (PhaseKind.SUBMISSION, IdeaStatus.MERGED, False),
    ],
)
def test_authors_edit_while_the_idea_is_open(phase, status, allowed):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=phase), status=status)
    accepted, invited = UserFactory(), UserFactory()
    CoAuthor.objects.create(idea=idea, user=accepted, status=CoAuthorStatus.ACCEPTED)
    CoAuthor.objects.create(idea=idea, user=invited, status=CoAuthorStatus.INVITED)
    assert idea.author.has_perm("challenges.change_idea", idea) is allowed
    assert accepted.has_perm("challenges.change_idea", idea) is allowed
    assert not invited.has_perm("challenges.change_idea", idea)


def test_only_the_author_manages_co_authors():
    idea = IdeaFactory()
    accepted = UserFactory()
    CoAuthor.objects.create(idea=idea, user=accepted, status=CoAuthorStatus.ACCEPTED)
    assert idea.author.has_perm("challenges.manage_coauthors", idea)
    assert not accepted.has_perm("challenges.manage_coauthors", idea)
    assert_permission_matrix(
        "challenges.manage_coauthors",
        lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
        expected=NOBODY,
    )


def test_who_moves_ideas_between_submitted_review_shelf_and_declined():
    assert_permission_matrix(
        "challenges.change_idea_status",
        lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
        states=PHASES,
        expected=dict.fromkeys(PhaseKind.values, MANAGERS),
    )


def test_who_shortlists_and_when():
    assert_permission_matrix(
        "challenges.shortlist_idea",
        lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
        states=PHASES,
        expected={
            "submission": NOBODY,
            "review": MANAGERS,
            "selection": MANAGERS,
            "closed": NOBODY,
        },
    )


def test_who_selects_and_when():
    assert_permission_matrix(
        "challenges.select_idea",
        lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
        states=PHASES,
        expected={
            "submission": NOBODY,
            "review": NOBODY,
            "selection": only("platform_admin", "decision_maker"),
            "closed": NOBODY,
        },
    )


def test_merged_ideas_take_no_more_decisions():
    def merged(idea):
        idea.status = IdeaStatus.MERGED
        idea.save()
        return during(idea.challenge, PhaseKind.SELECTION)

    for perm in (
        "challenges.change_idea_status",
        "challenges.shortlist_idea",
        "challenges.select_idea",
    ):
        assert_permission_matrix(
            perm,
            lambda organisation: IdeaFactory(challenge=ChallengeFactory(organisation=organisation)),
            states={"merged": merged},
            expected={"merged": NOBODY},
        )
