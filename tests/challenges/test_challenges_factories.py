import pytest

from civiclab.challenges.models import Phase, PhaseKind
from civiclab.core import clock
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [k.value for k in PhaseKind])
def test_a_challenge_is_made_with_the_given_phase_running(kind):
    assert ChallengeFactory(phase=kind).current_phase_kind() == kind


@pytest.mark.parametrize("kind", [k.value for k in PhaseKind])
def test_during_travels_into_the_phase_and_leaves_the_phases_alone(kind):
    challenge = ChallengeFactory()
    phases = list(Phase.objects.filter(challenge=challenge).values_list())
    with during(challenge, kind):
        assert challenge.current_phase_kind() == kind
        assert challenge.phases.get(kind=kind).contains(clock.now())
    assert challenge.current_phase_kind() == PhaseKind.SUBMISSION
    assert list(Phase.objects.filter(challenge=challenge).values_list()) == phases


def test_default_challenge_is_published_and_open_for_ideas():
    challenge = ChallengeFactory()
    assert challenge.is_published
    assert challenge.current_phase_kind() == PhaseKind.SUBMISSION
    assert ChallengeFactory(phase="review").current_phase_kind() == PhaseKind.REVIEW


def test_idea_takes_its_organisation_from_the_challenge():
    idea = IdeaFactory()
    assert idea.organisation == idea.challenge.organisation
