import pytest

from civiclab.challenges.models import PhaseKind
from tests.challenges.factories import ChallengeFactory, IdeaFactory, set_phase

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [k.value for k in PhaseKind])
def test_set_phase_makes_the_kind_current(kind):
    challenge = ChallengeFactory()
    set_phase(challenge, kind)
    assert challenge.current_phase_kind() == kind


def test_default_challenge_is_published_and_open_for_ideas():
    challenge = ChallengeFactory()
    assert challenge.is_published
    assert challenge.current_phase_kind() == PhaseKind.SUBMISSION
    assert ChallengeFactory(phase="review").current_phase_kind() == PhaseKind.REVIEW


def test_idea_takes_its_organisation_from_the_challenge():
    idea = IdeaFactory()
    assert idea.organisation == idea.challenge.organisation
