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


def _closed_down_with_everything():
    from civiclab.challenges.models import IdeaStatus

    organisation = OrganisationFactory()
    challenge = ChallengeFactory(organisation=organisation, title="Quiet streets")
    idea = IdeaFactory(challenge=challenge, title="Shared vans for home care")
    merged = IdeaFactory(
        challenge=challenge, title="Vans shared", status=IdeaStatus.MERGED, merged_into=idea
    )
    organisation.is_active = False
    organisation.save(update_fields=["is_active"])
    return organisation, challenge, idea, merged


@pytest.mark.parametrize("signed_in", [False, True])
def test_deactivated_organisations_ideas_are_not_found(client, signed_in):
    organisation, challenge, idea, merged = _closed_down_with_everything()
    if signed_in:
        client.force_login(UserFactory())
    org, slug = organisation.slug, challenge.slug
    for url in (
        idea.get_absolute_url(),
        merged.get_absolute_url(),
        f"/organisations/{org}/ideas/{idea.pk}/history/",
        f"/organisations/{org}/ideas/{idea.pk}/supporters/",
        f"/organisations/{org}/challenges/{slug}/ideas/",
        f"/organisations/{org}/challenges/{slug}/ideas/export.csv",
        f"/api/v1/ideas/{idea.pk}",
        f"/api/v1/ideas/{idea.pk}/revisions",
        f"/api/v1/ideas/{idea.pk}/supporters",
        f"/api/v1/ideas/{idea.pk}/comments",
        f"/api/v1/challenges/{challenge.pk}/ideas",
    ):
        response = client.get(url)
        # Signing in first (a redirect to the login page) is no answer either.
        assert response.status_code in ((403, 404) if signed_in else (302, 403, 404)), url
        assert "Shared vans for home care" not in response.content.decode(), url


@pytest.mark.parametrize("signed_in", [False, True])
def test_deactivated_organisation_vanishes_from_lists_and_api(client, signed_in):
    organisation, _challenge, _idea, _merged = _closed_down_with_everything()
    if signed_in:
        client.force_login(UserFactory())
    org = organisation.slug
    for url in (
        f"/organisations/{org}/",
        f"/organisations/{org}/challenges/",
        f"/organisations/{org}/ideas/",
        f"/organisations/{org}/ideas/?q=vans",
        f"/organisations/{org}/idea-box/",
        f"/api/v1/ideas?organisation={org}",
        f"/api/v1/ideas?organisation={org}&q=vans",
        f"/api/v1/organisations/{org}",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Shared vans for home care" not in response.content.decode(), url
    for url in ("/api/v1/challenges", "/api/v1/challenges?q=quiet", "/organisations/"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Quiet streets" not in text and organisation.name not in text, url
