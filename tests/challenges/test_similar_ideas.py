"""Similar-idea suggestions: relevant ideas found, hidden and closed ones left out, kept current."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from civiclab.challenges.models import Audience, IdeaStatus
from civiclab.challenges.selectors.similar import similar_ideas
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def challenge():
    challenge = ChallengeFactory()
    IdeaFactory(
        challenge=challenge,
        title="Solar street lights along the canal",
        summary="Light the canal path at night with solar lamps.",
        description="Dark stretches of the canal path feel unsafe; solar lamps are cheap.",
    )
    IdeaFactory(
        challenge=challenge,
        title="Weekly farmers market in the square",
        summary="Fresh food from local farms every Saturday.",
        description="Stalls for farmers from the region.",
    )
    IdeaFactory(
        challenge=challenge,
        title="Repair cafe for bicycles",
        summary="Volunteers help fix bikes.",
        description="Once a month in the community centre.",
    )
    return challenge


def test_finds_the_relevant_idea_first(challenge):
    found = similar_ideas(challenge=challenge, text="More lamps on the dark canal path please")
    assert [idea.title for idea in found][:1] == ["Solar street lights along the canal"]


def test_unrelated_or_short_text_finds_nothing(challenge):
    assert similar_ideas(challenge=challenge, text="submarine orchestra") == []
    assert similar_ideas(challenge=challenge, text="ca") == []


def test_ideas_of_other_challenges_are_not_suggested(challenge):
    IdeaFactory(title="Canal lamps elsewhere", summary="Solar lamps canal path")
    found = similar_ideas(challenge=challenge, text="solar lamps canal path")
    assert all(idea.challenge_id == challenge.pk for idea in found)


@pytest.mark.parametrize(
    "change",
    [
        {"is_hidden": True},
        {"status": IdeaStatus.MERGED},
        {"status": IdeaStatus.DECLINED},
    ],
)
def test_hidden_merged_and_declined_ideas_are_not_suggested(challenge, change):
    lights = challenge.ideas.get(title__startswith="Solar")
    text = "solar lamps on the canal path"
    assert lights in similar_ideas(challenge=challenge, text=text)
    for field, value in change.items():
        setattr(lights, field, value)
    lights.save(update_fields=list(change))
    assert lights not in similar_ideas(challenge=challenge, text=text)


def test_excludes_the_idea_being_edited(challenge):
    lights = challenge.ideas.get(title__startswith="Solar")
    found = similar_ideas(challenge=challenge, text=lights.title, exclude_id=lights.pk)
    assert lights not in found


def test_nobody_is_offered_their_own_idea_to_support(challenge, client):
    lights = challenge.ideas.get(title__startswith="Solar")
    text = "More lamps on the dark canal path please"
    assert lights in similar_ideas(challenge=challenge, text=text, viewer=UserFactory())
    assert lights not in similar_ideas(challenge=challenge, text=text, viewer=lights.author)
    coauthor = UserFactory()
    lights.coauthors.create(user=coauthor, status="accepted")
    assert lights not in similar_ideas(challenge=challenge, text=text, viewer=coauthor)
    client.force_login(lights.author)
    fragment = client.get(url_of(challenge, "solar lamps canal")).content.decode()
    assert "Solar street lights along the canal" not in fragment


def test_a_new_idea_is_found_at_once(challenge):
    similar_ideas(challenge=challenge, text="anything to build the index")
    IdeaFactory(challenge=challenge, title="Rooftop beehives", summary="Honey bees on roofs.")
    assert [i.title for i in similar_ideas(challenge=challenge, text="beehives for honey")] == [
        "Rooftop beehives"
    ]


def test_an_edit_is_found_at_once_and_the_old_text_no_longer(challenge):
    market = challenge.ideas.get(title__startswith="Weekly")
    assert similar_ideas(challenge=challenge, text="skate park ramps") == []
    market.title = "Skate park with ramps"
    market.summary = "Ramps for skaters."
    market.save()
    assert [i.title for i in similar_ideas(challenge=challenge, text="skate park ramps")] == [
        "Skate park with ramps"
    ]
    assert market not in similar_ideas(challenge=challenge, text="farmers market fresh food")


def test_the_first_call_needs_no_warm_up(challenge, django_assert_num_queries):
    # No index is built or held in memory: the first call costs what every call costs (one
    # full-text query, one for the candidates, and one to find the words too common to help:
    # SQLite counts the documents, PostgreSQL reads the column's statistics).
    with django_assert_num_queries(3):
        found = similar_ideas(challenge=challenge, text="solar canal lamps")
    assert [idea.title for idea in found] == ["Solar street lights along the canal"]


# -- the htmx endpoint ---------------------------------------------------------------------


def url_of(challenge, q):
    base = reverse(
        "challenges:similar_ideas",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    return f"{base}?q={q}"


def test_endpoint_returns_a_fragment_of_links(client, challenge):
    response = client.get(url_of(challenge, "solar lamps canal"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Solar street lights along the canal" in html
    assert "(opens in a new tab)" in html
    assert "<html" not in html
    nothing = client.get(url_of(challenge, "submarine orchestra")).content.decode()
    assert "No similar ideas found" in nothing


def test_endpoint_respects_the_challenges_audience(client):
    staff_only = ChallengeFactory(audience=Audience.STAFF)
    IdeaFactory(challenge=staff_only, title="Internal canal lamps")
    assert client.get(url_of(staff_only, "canal lamps")).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url_of(staff_only, "canal lamps")).status_code == 404
