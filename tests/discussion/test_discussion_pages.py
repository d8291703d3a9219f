"""Pages for following, commenting, reporting and moderating an idea, without JavaScript."""

import pytest
from django.urls import reverse

from civiclab.discussion.models import Comment, Flag
from civiclab.discussion.services.comments import comment_add
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.discussion.pages import discussion_url
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def test_following_without_javascript(client):
    idea = IdeaFactory()
    person = UserFactory()
    client.force_login(person)
    client.post(discussion_url("follow", idea), {"action": "follow"})
    assert idea.follows.filter(user=person).exists()
    client.post(discussion_url("follow", idea), {"action": "unfollow"})
    assert not idea.follows.filter(user=person).exists()


def test_commenting_and_replying_on_the_reply_page(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    response = client.post(discussion_url("comment_add", idea), {"body": "A question"})
    top = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{top.pk}")
    reply_url = discussion_url("comment_reply", idea, comment_pk=top.pk)
    assert client.get(reply_url).status_code == 200
    client.post(reply_url, {"body": "An answer"})
    assert Comment.objects.get(parent=top).body == "An answer"


def test_an_empty_comment_shows_the_error_summary(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    response = client.post(discussion_url("comment_add", idea), {"body": ""})
    html = response.content.decode()
    assert "There is a problem" in html and "Enter your comment." in html
    assert "<title>Error:" in html


def test_editing_and_deleting_own_comment(client):
    idea, writer = IdeaFactory(), UserFactory()
    comment = comment_add(actor=writer, target=idea, body="Frist")
    client.force_login(writer)
    client.post(discussion_url("comment_edit", comment), {"body": "First"})
    assert Comment.objects.get(pk=comment.pk).body == "First"
    client.post(discussion_url("comment_delete", comment))
    assert Comment.objects.get(pk=comment.pk).is_deleted
    client.force_login(UserFactory())
    assert client.get(discussion_url("comment_edit", comment)).status_code == 403


def test_reporting_a_comment(client):
    idea = IdeaFactory()
    comment = comment_add(actor=UserFactory(), target=idea, body="Rude words")
    client.force_login(UserFactory())
    assert client.get(discussion_url("flag_comment", comment)).status_code == 200
    response = client.post(
        discussion_url("flag_comment", comment), {"reason": "offensive", "note": ""}
    )
    assert response.status_code == 302
    assert Flag.objects.get().item == comment


def test_the_moderation_queue_shows_only_the_organisations_reports(client):
    mine, theirs = IdeaFactory(title="Our bench"), IdeaFactory(title="Their bench")
    Flag.objects.create(item=mine, reporter=UserFactory(), reason="spam")
    Flag.objects.create(item=theirs, reporter=UserFactory(), reason="spam")
    client.force_login(member(mine.organisation, Role.MODERATOR))
    queue_url = reverse("discussion:moderation_queue", kwargs={"org_slug": mine.organisation.slug})
    html = client.get(queue_url).content.decode()
    assert "Our bench" in html and "Their bench" not in html
    other_queue = reverse(
        "discussion:moderation_queue", kwargs={"org_slug": theirs.organisation.slug}
    )
    assert client.get(other_queue).status_code == 403
    client.force_login(UserFactory())
    assert client.get(queue_url).status_code == 403
    client.logout()
    assert client.get(queue_url).status_code == 302


def test_the_queue_stays_within_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    challenge = ChallengeFactory(flags_to_hide=99)
    for number in range(10):
        idea = IdeaFactory(challenge=challenge)
        comment = Comment.objects.create(target=idea, author=UserFactory(), body=f"c{number}")
        Flag.objects.create(item=idea, reporter=UserFactory(), reason="spam")
        Flag.objects.create(item=comment, reporter=UserFactory(), reason="offensive")
    client.force_login(member(challenge.organisation, Role.MODERATOR))
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("discussion:moderation_queue", kwargs={"org_slug": challenge.organisation.slug})
        )
    assert response.status_code == 200


def test_hiding_from_the_moderation_page(client):
    idea = IdeaFactory()
    client.force_login(member(idea.organisation, Role.MODERATOR))
    hide_url = discussion_url("moderate", idea, action="hide")
    response = client.post(hide_url, {"reason": ""})
    assert "There is a problem" in response.content.decode()
    response = client.post(hide_url, {"reason": "Personal data"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.is_hidden and idea.hidden_reason == "Personal data"


def test_the_organisation_page_points_its_moderators_to_the_queue(client):
    idea = IdeaFactory()
    Flag.objects.create(item=idea, reporter=UserFactory(), reason="spam")
    page = reverse("organisations:detail", kwargs={"slug": idea.organisation.slug})
    queue_url = reverse("discussion:moderation_queue", kwargs={"org_slug": idea.organisation.slug})
    client.force_login(member(idea.organisation, Role.MODERATOR))
    html = client.get(page).content.decode()
    assert queue_url in html and "1 report waits for review." in html
    client.force_login(UserFactory())
    assert queue_url not in client.get(page).content.decode()


def test_the_hidden_list_loads_each_kind_of_object_once(client, django_assert_max_num_queries):
    challenge = ChallengeFactory(flags_to_hide=99)
    for number in range(10):
        idea = IdeaFactory(challenge=challenge, title=f"Idea {number}")
        Comment.objects.create(
            target=idea, author=UserFactory(), body="x", is_hidden=True, hidden_reason="Rude"
        )
    client.force_login(member(challenge.organisation, Role.MODERATOR))
    queue_url = reverse(
        "discussion:moderation_queue", kwargs={"org_slug": challenge.organisation.slug}
    )
    with django_assert_max_num_queries(12):
        html = client.get(queue_url).content.decode()
    assert all(f"Idea {number}" in html for number in range(10))


def test_the_hide_form_says_where_the_reason_is_shown(client):
    idea = IdeaFactory()
    client.force_login(member(idea.organisation, Role.MODERATOR))
    page = client.get(discussion_url("moderate", idea, action="hide")).content.decode()
    # The hint is plain text: nothing in it may read as an HTML tag and vanish.
    assert "Shown publicly in its place, after “Hidden by moderators:”." in page
