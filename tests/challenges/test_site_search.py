"""The site search page and the list of challenges across organisations: each finds and
lists only what its viewer may see."""

import pytest
from django.urls import reverse

from civiclab.challenges.models import Audience, IdeaStatus, PhaseKind
from civiclab.core.selectors import site_search
from civiclab.organisations.models import Role, Sector
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def titles(response) -> list[str]:
    return [result.title for result in response.context["found"].results]


def search(client, q: str, **params):
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return titles(response)


def test_finds_challenges_and_ideas_of_every_organisation(client):
    challenge = ChallengeFactory(title="Greener rooftops for the city")
    idea = IdeaFactory(title="Rooftop beehives", summary="Bees on public roofs.")
    ChallengeFactory(title="Night buses")
    found = search(client, "rooftops")
    assert set(found) == {challenge.title, idea.title}
    assert challenge.organisation != idea.organisation
    page = client.get(SEARCH, {"q": "rooftops"}).content.decode()
    assert idea.get_absolute_url() in page and challenge.get_absolute_url() in page
    assert "2 results for" in page


def test_can_look_among_ideas_only(client):
    ChallengeFactory(title="Greener rooftops")
    IdeaFactory(title="Rooftop beehives")
    assert search(client, "rooftop", kind="challenges.idea") == ["Rooftop beehives"]


def test_an_empty_search_shows_the_form_and_nothing_found_says_so(client):
    response = client.get(SEARCH)
    assert response.status_code == 200 and response.context["found"] is None
    page = client.get(SEARCH, {"q": "submarine"}).content.decode()
    assert "Nothing found for" in page
    empty = client.get(SEARCH, {"q": "  "}).content.decode()
    assert "Enter the words to search for." in empty and "Error:" in empty


def test_an_unknown_kind_is_a_form_error_not_a_server_error(client):
    response = client.get(SEARCH, {"q": "x", "kind": "nothing"})
    assert response.status_code == 200
    assert "Error:" in response.content.decode()
    assert response.context["found"] is None


def test_a_draft_challenge_and_its_ideas_are_found_only_by_its_managers(client):
    draft = ChallengeFactory(draft=True, title="Secret rooftops plan")
    IdeaFactory(challenge=draft, title="Rooftop drafts")
    assert search(client, "rooftop") == []
    client.force_login(UserFactory())
    assert search(client, "rooftop") == []
    client.force_login(member(draft.organisation, Role.INNOVATION_LEAD))
    assert set(search(client, "rooftop")) == {"Secret rooftops plan", "Rooftop drafts"}


def test_a_staff_only_challenge_is_found_by_its_staff_only(client):
    staff_only = ChallengeFactory(audience=Audience.STAFF, title="Internal rooftops")
    IdeaFactory(challenge=staff_only, title="Rooftop for staff")
    client.force_login(UserFactory())
    assert search(client, "rooftop") == []
    client.force_login(member(OrganisationFactory(), Role.STAFF))
    assert search(client, "rooftop") == []
    client.force_login(member(staff_only.organisation, Role.STAFF))
    assert set(search(client, "rooftop")) == {"Internal rooftops", "Rooftop for staff"}


def test_an_invitation_only_challenge_is_found_by_the_invited_only(client):
    guest = UserFactory()
    invited = ChallengeFactory(audience=Audience.INVITED, title="Invited rooftops", invited=[guest])
    assert search(client, "rooftop") == []
    client.force_login(UserFactory())
    assert search(client, "rooftop") == []
    client.force_login(guest)
    assert search(client, "rooftop") == [invited.title]


def test_a_hidden_idea_is_found_by_its_author_and_moderators_only(client):
    idea = IdeaFactory(title="Rooftop beehives", is_hidden=True)
    assert search(client, "beehive") == []
    client.force_login(UserFactory())
    assert search(client, "beehive") == []
    client.force_login(idea.author)
    assert search(client, "beehive") == [idea.title]
    client.force_login(member(idea.organisation, Role.MODERATOR))
    assert search(client, "beehive") == [idea.title]


def test_a_merged_idea_is_found_through_the_idea_it_joined(client):
    IdeaFactory(title="Rooftop beehives", status=IdeaStatus.MERGED)
    assert search(client, "beehive") == []


def test_a_deactivated_organisation_is_not_searched(client):
    organisation = OrganisationFactory(is_active=False)
    challenge = ChallengeFactory(organisation=organisation, title="Rooftops of a closed body")
    IdeaFactory(challenge=challenge, title="Rooftop beehives")
    assert search(client, "rooftop") == []
    client.force_login(UserFactory())
    assert search(client, "rooftop") == []


def test_the_selector_asks_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(6):
        IdeaFactory(title=f"Rooftop beehives {n}")
    ChallengeFactory(title="Rooftops")
    from django.contrib.auth.models import AnonymousUser

    # One full-text query, then per kind one for visibility and one for the page's rows.
    with django_assert_max_num_queries(5):
        found = site_search(user=AnonymousUser(), text="rooftop")
    assert found.total == 7


def test_the_page_is_linked_from_the_navigation(client):
    page = client.get("/").content.decode()
    assert f'href="{SEARCH}"' in page
    assert f'href="{reverse("all_challenges")}"' in page


# -- challenges across organisations ---------------------------------------------------------


def listed(client, **params) -> list[str]:
    response = client.get(reverse("all_challenges"), params)
    assert response.status_code == 200
    return [challenge.title for challenge in response.context["challenges"]]


def test_lists_the_public_challenges_of_every_organisation(client):
    first = ChallengeFactory(title="Greener rooftops")
    second = ChallengeFactory(title="Night buses")
    ChallengeFactory(draft=True, title="A draft")
    ChallengeFactory(audience=Audience.STAFF, title="Staff only")
    ChallengeFactory(audience=Audience.INVITED, title="Invited only")
    ChallengeFactory(organisation=OrganisationFactory(is_active=False), title="Deactivated")
    assert set(listed(client)) == {first.title, second.title}
    assert first.organisation != second.organisation


def test_filters_by_organisation_country_phase_and_sector(client):
    german = OrganisationFactory(country="DE")
    german.sectors.add(Sector.objects.get_or_create(code="05")[0])
    in_review = ChallengeFactory(
        organisation=german, title="Cleaner rivers", phase=PhaseKind.REVIEW
    )
    open_one = ChallengeFactory(title="Greener rooftops")
    assert listed(client, organisation=german.slug) == [in_review.title]
    assert listed(client, country="DE") == [in_review.title]
    assert listed(client, phase=PhaseKind.REVIEW) == [in_review.title]
    assert listed(client, phase=PhaseKind.SUBMISSION) == [open_one.title]
    assert listed(client, sector="05") == [in_review.title]


def test_an_unknown_filter_value_is_a_form_error(client):
    ChallengeFactory(title="Greener rooftops")
    response = client.get(reverse("all_challenges"), {"organisation": "nobody"})
    assert response.status_code == 200
    assert "Error:" in response.content.decode()


def test_the_list_asks_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(3):
        ChallengeFactory()
    client.get(reverse("all_challenges"))
    with django_assert_max_num_queries(12):
        client.get(reverse("all_challenges"))
    for _ in range(5):
        ChallengeFactory()
    with django_assert_max_num_queries(12):
        client.get(reverse("all_challenges"))
