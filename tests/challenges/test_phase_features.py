"""What each phase allows is one table (challenges.phases), and the rules read it."""

import pytest

from civiclab.challenges import phases
from civiclab.challenges.models import PhaseKind
from tests.challenges.factories import ChallengeFactory, during
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_phase_kind_has_a_row_and_closed_allows_nothing():
    assert set(phases.PHASE_FEATURES) == set(PhaseKind.values)
    assert phases.PHASE_FEATURES[PhaseKind.CLOSED] == frozenset()


def test_ideas_come_in_only_during_submission_and_decisions_in_their_phases():
    assert phases.phases_allowing(phases.ADD_IDEA) == [PhaseKind.SUBMISSION]
    assert phases.phases_allowing(phases.EVALUATE_IDEA) == [PhaseKind.REVIEW]
    assert phases.phases_allowing(phases.SELECT_IDEA) == [PhaseKind.SELECTION]


def test_the_rules_follow_the_table(monkeypatch):
    challenge = ChallengeFactory(phase=PhaseKind.SUBMISSION)
    resident = UserFactory()
    assert resident.has_perm("challenges.add_idea", challenge)
    closed = {**phases.PHASE_FEATURES, PhaseKind.SUBMISSION: frozenset()}
    monkeypatch.setattr("civiclab.challenges.predicates.PHASE_FEATURES", closed)
    assert not resident.has_perm("challenges.add_idea", challenge)


def test_submission_closes_when_the_review_phase_begins():
    challenge = ChallengeFactory(phase=PhaseKind.SUBMISSION)
    resident = UserFactory()
    with during(challenge, PhaseKind.REVIEW):
        assert not resident.has_perm("challenges.add_idea", challenge)
