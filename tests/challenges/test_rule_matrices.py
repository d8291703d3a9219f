"""Permission matrices for the rules that had only scenario tests: who may read a scorecard,
read an idea's authors and undo a merge. Comments' rules: tests/discussion/."""

import pytest

from civiclab.challenges.models import IdeaStatus, MergeRecord, PhaseKind
from civiclab.core import clock
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.challenges.test_evaluation_support import scorecard_with_criteria
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

MODERATORS = ("platform_admin", "admin", "moderator")


def test_who_reads_a_challenges_scorecard():
    assert_permission_matrix(
        "challenges.view_scorecard",
        lambda organisation: (
            scorecard_with_criteria(ChallengeFactory(organisation=organisation))[0].challenge
        ),
        expected=only("platform_admin", "admin", "innovation_lead", "decision_maker", "evaluator"),
    )


def _blind_idea(organisation, *, blind: bool):
    challenge = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    scorecard_with_criteria(challenge, blind=blind)
    return IdeaFactory(challenge=challenge)


def test_blind_review_hides_an_ideas_authors_from_every_evaluator_of_the_organisation():
    # While a blind scorecard is in review, the organisation's evaluators (assigned or not
    # yet: any of them may be assigned) do not read who wrote its ideas; an open scorecard
    # hides nothing (tests/challenges/test_security_blind_review.py for the pages).
    assert_permission_matrix(
        "challenges.view_idea_authors",
        lambda organisation: _blind_idea(organisation, blind=True),
        expected=everyone_except("evaluator"),
    )
    assert_permission_matrix(
        "challenges.view_idea_authors",
        lambda organisation: _blind_idea(organisation, blind=False),
        expected=everyone_except(),
    )


def _merge(organisation):
    challenge = ChallengeFactory(organisation=organisation)
    target = IdeaFactory(challenge=challenge)
    source = IdeaFactory(challenge=challenge, status=IdeaStatus.MERGED, merged_into=target)
    return MergeRecord.objects.create(source=source, target=target, reason="Same proposal.")


def _undone(record):
    record.unmerged_at = clock.now()
    record.save(update_fields=["unmerged_at"])


def test_who_may_undo_a_merge():
    assert_permission_matrix(
        "challenges.unmerge_idea",
        _merge,
        states={"active": lambda record: None, "already undone": _undone},
        expected={
            "active": only(*MODERATORS, "innovation_lead"),
            "already undone": only("platform_admin"),
        },
    )
