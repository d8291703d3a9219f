"""The idea list of a challenge and of an organisation: filters, sorts, search, visibility."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from civiclab.challenges.models import Audience, IdeaStatus, InnovationType, PhaseKind
from tests.challenges.factories import ChallengeFactory, IdeaFactory, TagFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    yield
    cache.clear()


def list_url(challenge, **params):
    url = reverse(
        "challenges:idea_list",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def titles(response):
    return [idea.title for idea in response.context["page_obj"].object_list]


def sign_in(client, user):
    client.force_login(user)
    return user


def test_lists_the_challenges_ideas_newest_first_with_counts_and_tags(client):
    challenge = ChallengeFactory()
    tag = TagFactory(organisation=challenge.organisation, name="Lighting", slug="lighting")
    older = IdeaFactory(challenge=challenge, title="Older idea", support_count=3)
    newer = IdeaFactory(
        challenge=challenge,
        title="Newer idea",
        comment_count=2,
        innovation_types=[InnovationType.PROCESS],
        tags=[tag],
    )
    IdeaFactory(title="Idea of another challenge")

    response = client.get(list_url(challenge))

    assert response.status_code == 200
    assert titles(response) == ["Newer idea", "Older idea"]
    html = response.content.decode()
    assert "3 supports" in html
    assert "2 comments" in html
    assert "Lighting" in html
    assert "Process" in html
    assert older.summary in html
    assert str(newer.pk) in html


def test_sorts_by_support_and_trending(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="Few", support_count=1, trending_score=5.0)
    IdeaFactory(challenge=challenge, title="Many", support_count=9, trending_score=0.5)
    IdeaFactory(challenge=challenge, title="None", support_count=0, trending_score=0.0)

    assert titles(client.get(list_url(challenge, sort="supported"))) == ["Many", "Few", "None"]
    assert titles(client.get(list_url(challenge, sort="trending"))) == ["Few", "Many", "None"]


def test_score_sort_is_for_managers_only(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="Low", score=20.0)
    IdeaFactory(challenge=challenge, title="Unscored", score=None)
    IdeaFactory(challenge=challenge, title="High", score=80.0)

    citizen = client.get(list_url(challenge, sort="score"))
    assert citizen.context["form"].errors["sort"]
    assert "score" not in [value for value, _ in citizen.context["form"].fields["sort"].choices]

    sign_in(client, member(challenge.organisation, "innovation_lead"))
    manager = client.get(list_url(challenge, sort="score"))
    assert titles(manager) == ["High", "Low", "Unscored"]
    assert "score 80/100" in manager.content.decode()


def test_filters_by_status_type_and_tag(client):
    challenge = ChallengeFactory()
    tag = TagFactory(organisation=challenge.organisation, slug="mobility")
    IdeaFactory(
        challenge=challenge,
        title="Shortlisted bus idea",
        status=IdeaStatus.SHORTLISTED,
        innovation_types=[InnovationType.SERVICE_PRODUCT, InnovationType.GOVERNANCE_POLICY],
        tags=[tag],
    )
    IdeaFactory(challenge=challenge, title="Submitted idea", innovation_types=["process"])

    assert titles(client.get(list_url(challenge, status="shortlisted"))) == ["Shortlisted bus idea"]
    assert titles(client.get(list_url(challenge, innovation_type="governance_policy"))) == [
        "Shortlisted bus idea"
    ]
    assert titles(client.get(list_url(challenge, innovation_type="process"))) == ["Submitted idea"]
    assert titles(client.get(list_url(challenge, tag="mobility"))) == ["Shortlisted bus idea"]


def test_merged_ideas_appear_only_when_asked_for(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="Kept")
    IdeaFactory(challenge=challenge, title="Folded in", status=IdeaStatus.MERGED)

    assert titles(client.get(list_url(challenge))) == ["Kept"]
    assert titles(client.get(list_url(challenge, status="merged"))) == ["Folded in"]


def test_search_ranks_by_relevance_over_title_summary_and_description(client):
    challenge = ChallengeFactory()
    IdeaFactory(
        challenge=challenge,
        title="Community gardens on roofs",
        summary="Grow vegetables on public roofs.",
        description="Roof gardens tended by neighbours.",
    )
    IdeaFactory(
        challenge=challenge,
        title="Bicycle repair cafe",
        summary="Volunteers fix bikes.",
        description="A monthly repair cafe where a garden hose is also lent out.",
    )
    IdeaFactory(
        challenge=challenge,
        title="Night buses",
        summary="Buses after midnight.",
        description="More buses at night.",
    )

    response = client.get(list_url(challenge, q="gardens"))

    assert titles(response) == ["Community gardens on roofs", "Bicycle repair cafe"]
    assert response.context["page_obj"].paginator.count == 2
    by_newest = client.get(list_url(challenge, q="garden", sort="newest"))
    assert titles(by_newest) == ["Bicycle repair cafe", "Community gardens on roofs"]
    assert titles(client.get(list_url(challenge, q="submarine"))) == []
    assert (
        "No ideas match these filters" in client.get(list_url(challenge, q="zzz")).content.decode()
    )


def test_hidden_ideas_are_for_moderators_and_their_author(client):
    challenge = ChallengeFactory()
    author = UserFactory()
    IdeaFactory(challenge=challenge, title="Visible")
    IdeaFactory(
        challenge=challenge,
        title="Hidden one",
        is_hidden=True,
        hidden_reason="Rude",
        author=author,
    )

    assert titles(client.get(list_url(challenge))) == ["Visible"]
    sign_in(client, UserFactory())
    assert titles(client.get(list_url(challenge))) == ["Visible"]
    sign_in(client, author)
    assert titles(client.get(list_url(challenge))) == ["Hidden one", "Visible"]
    sign_in(client, member(challenge.organisation, "moderator"))
    response = client.get(list_url(challenge))
    assert titles(response) == ["Hidden one", "Visible"]
    assert "Hidden by moderators" in response.content.decode()


def test_staff_only_challenges_ideas_never_reach_outsiders(client):
    challenge = ChallengeFactory(audience=Audience.STAFF)
    IdeaFactory(challenge=challenge, title="Internal idea")

    assert client.get(list_url(challenge)).status_code == 404
    sign_in(client, UserFactory())
    assert client.get(list_url(challenge)).status_code == 404
    other = ChallengeFactory()
    sign_in(client, member(other.organisation, "admin"))
    assert client.get(list_url(challenge)).status_code == 404
    sign_in(client, member(challenge.organisation, "staff"))
    assert titles(client.get(list_url(challenge))) == ["Internal idea"]


def test_drafts_are_not_listed_for_the_public(client):
    challenge = ChallengeFactory(draft=True)
    IdeaFactory(challenge=challenge)
    assert client.get(list_url(challenge)).status_code == 404


def test_pagination_keeps_filters_and_a_new_idea_is_counted_at_once(client):
    challenge = ChallengeFactory()
    for n in range(25):
        IdeaFactory(challenge=challenge, title=f"Idea {n:02d}")

    first = client.get(list_url(challenge))
    assert len(titles(first)) == 20
    assert first.context["page_obj"].paginator.count == 25
    second = client.get(list_url(challenge, page=2, sort="newest"))
    assert titles(second) == [f"Idea {n:02d}" for n in range(4, -1, -1)]
    assert "sort=newest" in second.content.decode()

    IdeaFactory(challenge=challenge, title="Idea 25")
    assert client.get(list_url(challenge)).context["page_obj"].paginator.count == 26


def test_a_bad_filter_value_is_a_form_error_not_a_crash(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="Still listed")
    response = client.get(list_url(challenge, status="nonsense", page="abc"))
    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    assert "There is a problem" in response.content.decode()
    assert titles(response) == ["Still listed"]


def test_htmx_request_gets_only_the_results(client):
    challenge = ChallengeFactory()
    IdeaFactory(challenge=challenge, title="Swapped in")
    response = client.get(
        list_url(challenge), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="idea-results"
    )
    html = response.content.decode()
    assert "Swapped in" in html
    assert "<html" not in html
    assert 'hx-swap-oob="true"' in html


@pytest.mark.parametrize("rows", [3, 30])
def test_query_count_does_not_grow_with_the_rows(client, django_assert_max_num_queries, rows):
    challenge = ChallengeFactory()
    tags = [TagFactory(organisation=challenge.organisation) for _ in range(3)]
    for n in range(rows):
        IdeaFactory(challenge=challenge, tags=tags[: n % 4], innovation_types=["process"])
    user = sign_in(client, member(challenge.organisation, "moderator"))
    assert user
    client.get(list_url(challenge))  # warm the count cache as a live site would be
    with django_assert_max_num_queries(11):
        response = client.get(list_url(challenge, sort="supported"))
    assert len(titles(response)) == min(rows, 20)
    with django_assert_max_num_queries(12):
        client.get(list_url(challenge, page=2, tag=tags[0].slug))


# -- the organisation-wide list ------------------------------------------------------------


def org_url(organisation, **params):
    from urllib.parse import urlencode

    url = reverse("challenges:org_ideas", kwargs={"org_slug": organisation.slug})
    return url + ("?" + urlencode(params) if params else "")


def test_organisation_list_spans_visible_challenges_and_filters_by_phase(client):
    open_challenge = ChallengeFactory(title="Open challenge")
    organisation = open_challenge.organisation
    review = ChallengeFactory(organisation=organisation, phase=PhaseKind.REVIEW)
    staff_only = ChallengeFactory(organisation=organisation, audience=Audience.STAFF)
    draft = ChallengeFactory(organisation=organisation, draft=True)
    IdeaFactory(challenge=open_challenge, title="In submission")
    IdeaFactory(challenge=review, title="In review")
    IdeaFactory(challenge=staff_only, title="Staff idea")
    IdeaFactory(challenge=draft, title="Draft idea")
    IdeaFactory(title="Elsewhere")

    response = client.get(org_url(organisation))
    assert sorted(titles(response)) == ["In review", "In submission"]
    assert "Open challenge" in response.content.decode()
    assert titles(client.get(org_url(organisation, phase="review"))) == ["In review"]
    assert titles(client.get(org_url(organisation, phase="submission"))) == ["In submission"]

    sign_in(client, member(organisation, "staff"))
    assert sorted(titles(client.get(org_url(organisation)))) == [
        "In review",
        "In submission",
        "Staff idea",
    ]
    sign_in(client, member(organisation, "admin"))
    assert len(titles(client.get(org_url(organisation)))) == 4


def test_organisation_list_search_merges_challenges(client):
    first = ChallengeFactory()
    second = ChallengeFactory(organisation=first.organisation)
    IdeaFactory(challenge=first, title="Benches in the park", summary="Places to sit.")
    IdeaFactory(challenge=second, title="Shade trees in the park", summary="Cooler summers.")
    IdeaFactory(challenge=second, title="Tram stop", summary="Nothing green here.")
    response = client.get(org_url(first.organisation, q="park"))
    assert sorted(titles(response)) == ["Benches in the park", "Shade trees in the park"]


@pytest.mark.parametrize("challenges", [1, 4])
def test_organisation_list_query_count_is_constant(
    client, django_assert_max_num_queries, challenges
):
    first = ChallengeFactory()
    organisation = first.organisation
    tag = TagFactory(organisation=organisation)
    for n in range(challenges):
        challenge = first if n == 0 else ChallengeFactory(organisation=organisation)
        for _ in range(8):
            IdeaFactory(challenge=challenge, tags=[tag])
    client.get(org_url(organisation))
    with django_assert_max_num_queries(9):
        response = client.get(org_url(organisation, phase="submission", sort="trending"))
    assert len(titles(response)) == min(8 * challenges, 20)


def test_tag_filter_offers_only_visible_tags(client):
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    public = ChallengeFactory(organisation=organisation, title="Open to all")
    internal = ChallengeFactory(organisation=organisation, audience=Audience.STAFF)
    shown = TagFactory(organisation=organisation, name="Street lighting", slug="lighting")
    staff_only = TagFactory(organisation=organisation, name="Redundancy plan", slug="redundancy")
    on_hidden = TagFactory(organisation=organisation, name="Mayor's expenses", slug="expenses")
    IdeaFactory(challenge=public, tags=[shown])
    IdeaFactory(challenge=public, tags=[on_hidden], is_hidden=True)
    IdeaFactory(challenge=internal, tags=[staff_only])
    internal.tags.set([staff_only])
    org_ideas = reverse("challenges:org_ideas", kwargs={"org_slug": organisation.slug})
    challenges = reverse("challenges:list", kwargs={"org_slug": organisation.slug})

    for url in (list_url(public), org_ideas, challenges):
        text = client.get(url).content.decode()
        assert "Redundancy plan" not in text, url
        assert "Mayor&#x27;s expenses" not in text and "Mayor's expenses" not in text, url
    assert "Street lighting" in client.get(org_ideas).content.decode()

    sign_in(client, member(organisation, "staff"))
    assert "Redundancy plan" in client.get(org_ideas).content.decode()
    assert "Redundancy plan" in client.get(challenges).content.decode()
