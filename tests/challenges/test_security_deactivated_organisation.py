"""A deactivated organisation's challenges and ideas disappear for people outside it, on the
pages, the lists and the API alike; its own people still find them."""

import pytest

from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_down():
    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisation=organisation)
    idea = IdeaFactory(challenge=challenge)
    organisation.is_active = False
    organisation.save(update_fields=["is_active"])
    return challenge, idea


def test_guessing_a_deactivated_organisations_challenge_finds_nothing(client, closed_down):
    challenge, idea = closed_down
    client.force_login(UserFactory())
    assert client.get(challenge.get_absolute_url()).status_code == 404
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/challenges/{challenge.pk}").status_code == 404
    assert client.get(f"/api/v1/ideas/{idea.pk}").status_code == 404


def test_a_deactivated_organisations_challenges_leave_the_public_list(client, closed_down):
    challenge, _idea = closed_down
    listed = client.get("/api/v1/challenges").json()["items"]
    assert challenge.pk not in {item["id"] for item in listed}


def test_its_own_people_still_see_it(client, closed_down):
    challenge, idea = closed_down
    client.force_login(member(challenge.organisation, Role.STAFF))
    assert client.get(challenge.get_absolute_url()).status_code == 200
    assert client.get(idea.get_absolute_url()).status_code == 200
    listed = client.get("/api/v1/challenges").json()["items"]
    assert challenge.pk in {item["id"] for item in listed}
