"""Support and merge pages and the idea page's block: without JavaScript, with htmx."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civiclab.challenges.models import Idea, IdeaStatus, Support
from civiclab.discussion.models import Comment
from civiclab.discussion.services.comments import comment_add
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
TAG = Template("{% load participation %}{% idea_participation idea %}")


def url(name, idea_or_obj, **kwargs):
    organisation = getattr(idea_or_obj, "organisation", None) or idea_or_obj.target.organisation
    return reverse(
        f"challenges:{name}", kwargs={"org_slug": organisation.slug, "pk": idea_or_obj.pk, **kwargs}
    )


def as_page_loads_it(idea):
    return (
        Idea.objects.select_related("challenge", "organisation", "author")
        .prefetch_related("challenge__phases")
        .get(pk=idea.pk)
    )


def render_block(idea, user) -> tuple[str, int]:
    request = RequestFactory().get("/")
    request.user = user
    idea = as_page_loads_it(idea)
    with CaptureQueriesContext(connection) as queries:
        html = TAG.render(Context({"request": request, "idea": idea, "csrf_token": "token"}))
    return html, len(queries)


def add_comments(idea, count):
    people = [UserFactory() for _ in range(5)]
    previous = None
    for number in range(count):
        parent = previous if number % 3 else None
        previous = Comment.objects.create(
            target=idea, author=people[number % 5], body=f"Comment {number}", parent=parent
        )
    Idea.objects.filter(pk=idea.pk).update(comment_count=count)


# The block -----------------------------------------------------------------------------------


def test_the_block_costs_the_same_queries_for_one_comment_or_fifty():
    small, large = IdeaFactory(), IdeaFactory()
    add_comments(small, 1)
    add_comments(large, 50)
    viewer = UserFactory()
    _html, few = render_block(small, viewer)
    html, many = render_block(large, viewer)
    assert many == few
    assert many <= 10
    assert html.count('class="comment"') == 50


def test_the_block_shows_the_support_button_count_and_the_thread():
    idea = IdeaFactory()
    Support.objects.create(idea=idea, user=UserFactory())
    Idea.objects.filter(pk=idea.pk).update(support_count=1)
    writer = UserFactory(display_name="Noor")
    top = comment_add(actor=writer, target=idea, body="See https://example.org\nSecond line")
    comment_add(actor=UserFactory(), target=idea, body="<b>Reply</b>", parent=top)
    html, _queries = render_block(idea, UserFactory())
    assert "1 person supports this idea" in html
    assert "Support this idea" in html and "Follow this idea" in html
    assert 'rel="nofollow"' in html and "<br>" in html
    assert "&lt;b&gt;Reply&lt;/b&gt;" in html
    assert (
        reverse(
            "discussion:comment_reply",
            kwargs={
                "org_slug": idea.organisation.slug,
                "on": "ideas",
                "pk": idea.pk,
                "comment_pk": top.pk,
            },
        )
        in html
    )


def test_anonymous_visitors_are_invited_to_sign_in():
    from django.contrib.auth.models import AnonymousUser

    html, _queries = render_block(IdeaFactory(), AnonymousUser())
    assert "Sign in to support this idea" in html and "Sign in to comment" in html


def test_hidden_comments_show_the_reason_to_others_and_the_text_to_the_writer():
    idea = IdeaFactory()
    writer = UserFactory()
    Comment.objects.create(
        target=idea, author=writer, body="Secret text", is_hidden=True, hidden_reason="Insults"
    )
    html, _ = render_block(idea, UserFactory())
    assert "Hidden by moderators: Insults" in html and "Secret text" not in html
    html, _ = render_block(idea, writer)
    assert "Secret text" in html


def test_deleted_comments_leave_a_placeholder_and_their_replies():
    idea = IdeaFactory()
    top = Comment.objects.create(target=idea, author=UserFactory(), body="", is_deleted=True)
    Comment.objects.create(target=idea, author=UserFactory(), body="Still here", parent=top)
    html, _ = render_block(idea, UserFactory())
    assert "Comment deleted" in html and "Still here" in html


def test_moderators_see_the_merge_link():
    idea = IdeaFactory()
    html, _ = render_block(idea, member(idea.organisation, Role.MODERATOR))
    assert url("merge_choose", idea) in html
    html, _ = render_block(idea, UserFactory())
    assert url("merge_choose", idea) not in html


# Support and follow ------------------------------------------------------------------------


def test_supporting_without_javascript_redirects_back_to_the_idea(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    response = client.post(url("support_idea", idea), {"action": "support"})
    assert response.status_code == 302 and response["Location"].endswith("#support")
    assert Idea.objects.get(pk=idea.pk).support_count == 1
    client.post(url("support_idea", idea), {"action": "withdraw"})
    assert Idea.objects.get(pk=idea.pk).support_count == 0


def test_supporting_with_htmx_swaps_the_button_and_count(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    response = client.post(url("support_idea", idea), {"action": "support"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="support-{idea.pk}"' in html and "Withdraw my support" in html
    assert "1 person supports this idea" in html


@override_settings(CHALLENGES_SUPPORT_RATE=(1, 60))
def test_too_many_clicks_get_a_429_page(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    client.post(url("support_idea", idea), {"action": "support"})
    response = client.post(url("support_idea", idea), {"action": "withdraw"})
    assert response.status_code == 429
    assert "Please wait" in response.content.decode()
    assert response["Retry-After"]


def test_anonymous_supporters_are_sent_to_sign_in_and_back(client):
    idea = IdeaFactory()
    response = client.post(url("support_idea", idea), {"action": "support"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Support.objects.exists()


# Comments ----------------------------------------------------------------------------------


# Reports and moderation --------------------------------------------------------------------


# Merges ------------------------------------------------------------------------------------


def test_merging_through_the_pages_and_undoing_it(client):
    challenge = ChallengeFactory()
    source = IdeaFactory(challenge=challenge, title="Benches in the park")
    target = IdeaFactory(challenge=challenge, title="More park benches")
    IdeaFactory(challenge=challenge, title="Cycle lanes")
    client.force_login(member(challenge.organisation, Role.MODERATOR))
    html = client.get(url("merge_choose", source), {"q": "bench"}).content.decode()
    assert "More park benches" in html and "Cycle lanes" not in html
    confirm = url("merge_confirm", source, target_pk=target.pk)
    assert client.get(confirm).status_code == 200
    response = client.post(confirm, {"reason": "Same benches"})
    assert response.status_code == 302
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.MERGED
    detail = client.get(response["Location"])
    assert "Undo the merge" in detail.content.decode()
    record_pk = response["Location"].rstrip("/").split("/")[-1]
    undo = reverse(
        "challenges:merge_undo", kwargs={"org_slug": challenge.organisation.slug, "pk": record_pk}
    )
    client.post(undo, {"reason": "Different benches"})
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SUBMITTED


def test_citizens_cannot_open_the_merge_pages(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    assert client.get(url("merge_choose", idea)).status_code == 403


def test_carried_over_comments_are_labelled_and_moderators_see_the_merge():
    from civiclab.challenges.services.merge import idea_merge

    challenge = ChallengeFactory()
    source = IdeaFactory(challenge=challenge, title="Lamps by the water")
    target = IdeaFactory(challenge=challenge)
    Comment.objects.create(target=source, author=UserFactory(), body="From the duplicate")
    moderator = member(challenge.organisation, Role.MODERATOR)
    record = idea_merge(actor=moderator, source=source, target=target, reason="Same")
    html, _ = render_block(target, UserFactory())
    assert "Carried over from “Lamps by the water”" in html
    merge_url = reverse(
        "challenges:merge_detail", kwargs={"org_slug": challenge.organisation.slug, "pk": record.pk}
    )
    assert merge_url not in html
    html, _ = render_block(target, moderator)
    assert merge_url in html


def test_the_idea_page_carries_the_block(client):
    idea = IdeaFactory()
    comment_add(actor=UserFactory(), target=idea, body="Nice")
    response = client.get(idea.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="support-{idea.pk}"' in html and "Nice" in html


def test_the_supporters_page_lists_display_names_most_recent_first(client):
    idea = IdeaFactory()
    first, second = UserFactory(display_name="Ada"), UserFactory(display_name="Bram")
    for person in (first, second):
        Support.objects.create(idea=idea, user=person)
    html = client.get(url("idea_supporters", idea)).content.decode()
    assert html.index("Bram") < html.index("Ada")
    assert first.email not in html


@override_settings(CHALLENGES_SUPPORT_RATE=(1, 60))
def test_with_htmx_the_rate_limit_message_replaces_the_button_area(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    client.post(url("support_idea", idea), {"action": "support"}, HTTP_HX_REQUEST="true")
    response = client.post(
        url("support_idea", idea), {"action": "withdraw"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'role="alert"' in html and "wait" in html
    assert Idea.objects.get(pk=idea.pk).support_count == 1
