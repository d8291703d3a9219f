"""Similar-idea suggestions: relevant ideas found, hidden and closed ones left out, kept current."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from civiclab.challenges.models import Audience, IdeaStatus
from civiclab.challenges.selectors import similar
from civiclab.challenges.selectors.similar import forget_indexes, similar_ideas
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    forget_indexes()
    yield
    cache.clear()
    forget_indexes()


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


def test_a_new_idea_is_found_at_once(challenge):
    similar_ideas(challenge=challenge, text="anything to build the index")
    IdeaFactory(challenge=challenge, title="Rooftop beehives", summary="Honey bees on roofs.")
    assert [i.title for i in similar_ideas(challenge=challenge, text="beehives for honey")] == [
        "Rooftop beehives"
    ]


def test_an_edit_is_seen_after_another_process_announces_it(challenge, monkeypatch):
    market = challenge.ideas.get(title__startswith="Weekly")
    assert similar_ideas(challenge=challenge, text="skate park ramps") == []
    # Another process edits the text: it announces a new version token; this process's
    # index (built at the old token) must be rebuilt on its next use.
    type(market).objects.filter(pk=market.pk).update(
        title="Skate park with ramps", summary="Ramps for skaters."
    )
    similar.ideas_changed(challenge.pk)
    assert [i.title for i in similar_ideas(challenge=challenge, text="skate park ramps")] == [
        "Skate park with ramps"
    ]


def test_an_edit_in_this_process_updates_the_index_in_place(challenge):
    market = challenge.ideas.get(title__startswith="Weekly")
    similar_ideas(challenge=challenge, text="warm up")
    index_before = similar.challenge_index(challenge)
    market.title = "Outdoor chess tables"
    market.summary = "Chess boards in the park."
    market.save()
    assert similar.challenge_index(challenge) is index_before  # no rebuild
    assert [i.title for i in similar_ideas(challenge=challenge, text="chess tables")] == [
        "Outdoor chess tables"
    ]


def test_counter_updates_do_not_touch_the_index(challenge):
    similar_ideas(challenge=challenge, text="warm up")
    token = similar.ideas_token(challenge.pk)
    idea = challenge.ideas.first()
    idea.support_count = 5
    idea.save(update_fields=["support_count"])
    assert similar.ideas_token(challenge.pk) == token


def test_one_query_after_a_warm_index(challenge, django_assert_num_queries):
    similar_ideas(challenge=challenge, text="warm up")
    with django_assert_num_queries(1):
        similar_ideas(challenge=challenge, text="solar canal lamps")


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


def test_the_index_stays_in_place_after_the_commit(challenge, django_capture_on_commit_callbacks):
    similar_ideas(challenge=challenge, text="warm up")
    index_before = similar.challenge_index(challenge)
    market = challenge.ideas.get(title__startswith="Weekly")
    with django_capture_on_commit_callbacks(execute=True):
        market.title = "Community sauna by the harbour"
        market.save()
    assert similar.challenge_index(challenge) is index_before
    found = similar_ideas(challenge=challenge, text="sauna harbour")
    assert [idea.title for idea in found] == ["Community sauna by the harbour"]


def test_a_change_elsewhere_before_the_commit_forces_a_rebuild(
    challenge, django_capture_on_commit_callbacks
):
    similar_ideas(challenge=challenge, text="warm up")
    index_before = similar.challenge_index(challenge)
    market = challenge.ideas.get(title__startswith="Weekly")
    with django_capture_on_commit_callbacks(execute=True):
        market.title = "Community sauna by the harbour"
        market.save()
        similar.ideas_changed(challenge.pk)  # another process's change, unseen here
    assert similar.challenge_index(challenge) is not index_before
