"""The API for comments, following, reports and the moderation queue."""

import pytest

from civiclab.challenges.models import Idea
from civiclab.discussion.models import Comment
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


API = "/api/v1"


def signed_in(client, user=None):
    user = user or UserFactory()
    client.force_login(user)
    return user


def test_comments_thread_change_and_delete(client):
    idea = IdeaFactory()
    writer = signed_in(client)
    response = client.post(
        f"{API}/ideas/{idea.pk}/comments", {"body": "First"}, content_type="application/json"
    )
    assert response.status_code == 201
    top = response.json()
    assert top["parent_id"] is None and top["author"]["id"] == writer.pk
    reply = client.post(
        f"{API}/ideas/{idea.pk}/comments",
        {"body": "Reply", "parent_id": top["id"]},
        content_type="application/json",
    ).json()
    assert reply["parent_id"] == top["id"]
    changed = client.patch(
        f"{API}/comments/{top['id']}", {"body": "First, fixed"}, content_type="application/json"
    ).json()
    assert changed["body"] == "First, fixed" and changed["edited_at"]
    assert client.delete(f"{API}/comments/{top['id']}").status_code == 204
    listing = client.get(f"{API}/ideas/{idea.pk}/comments").json()
    assert [(c["id"], c["is_deleted"], c["body"]) for c in listing["items"]] == [
        (top["id"], True, ""),
        (reply["id"], False, "Reply"),
    ]


def test_an_empty_comment_gets_422_with_the_field(client):
    idea = IdeaFactory()
    signed_in(client)
    response = client.post(
        f"{API}/ideas/{idea.pk}/comments", {"body": " "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "body" in response.json()["error"]["fields"]
    assert not Comment.objects.exists()


def test_follow_and_unfollow(client):
    idea = IdeaFactory()
    signed_in(client)
    assert client.post(f"{API}/ideas/{idea.pk}/follow").json() == {
        "on": "idea",
        "object_id": idea.pk,
        "idea_id": idea.pk,  # the v1 name, kept for existing clients
        "following": True,
    }
    assert client.delete(f"{API}/ideas/{idea.pk}/follow").json()["following"] is False


def test_reports_and_the_moderation_queue(client):
    challenge = ChallengeFactory(flags_to_hide=5)
    idea = IdeaFactory(challenge=challenge)
    signed_in(client)
    response = client.post(
        f"{API}/ideas/{idea.pk}/flags", {"reason": "spam"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["resolution"] == "open"
    again = client.post(
        f"{API}/ideas/{idea.pk}/flags", {"reason": "spam"}, content_type="application/json"
    )
    # Reporting twice is well formed; the report already made refuses it: a conflict.
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    bad = client.post(
        f"{API}/ideas/{idea.pk}/flags", {"reason": "dull"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "reason" in bad.json()["error"]["fields"]
    queue_url = f"{API}/organisations/{challenge.organisation.slug}/moderation/flags"
    assert client.get(queue_url).status_code == 403
    signed_in(client, member(challenge.organisation, Role.MODERATOR))
    items = client.get(queue_url).json()["items"]
    assert [(i["kind"], i["id"], len(i["flags"])) for i in items] == [("idea", idea.pk, 1)]
    hidden = client.post(
        f"{API}/moderation/ideas/{idea.pk}/hide",
        {"reason": "Advertising"},
        content_type="application/json",
    ).json()
    assert hidden == {
        "kind": "idea",
        "id": idea.pk,
        "is_hidden": True,
        "hidden_reason": "Advertising",
    }
    assert client.get(queue_url).json()["items"] == []


def test_a_moderator_of_another_organisation_sees_and_does_nothing_here(client):
    idea = IdeaFactory()
    other = ChallengeFactory().organisation
    signed_in(client, member(other, Role.MODERATOR))
    response = client.get(f"{API}/organisations/{idea.organisation.slug}/moderation/flags")
    assert response.status_code == 403
    response = client.post(
        f"{API}/moderation/ideas/{idea.pk}/hide", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Idea.objects.get(pk=idea.pk).is_hidden


def test_a_moderator_of_another_organisation_cannot_hide_a_comment_here(client):
    idea = IdeaFactory()
    comment = Comment.objects.create(target=idea, author=UserFactory(), body="Text")
    signed_in(client, member(ChallengeFactory().organisation, Role.MODERATOR))
    for action in ("hide", "restore", "dismiss"):
        response = client.post(
            f"{API}/moderation/comments/{comment.pk}/{action}",
            {"reason": "x"},
            content_type="application/json",
        )
        assert response.status_code == 403, action
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_reason == ""


def test_hidden_comments_keep_their_text_from_the_public_but_not_the_writer(client):
    idea = IdeaFactory()
    writer = UserFactory()
    Comment.objects.create(
        target=idea, author=writer, body="Text", is_hidden=True, hidden_reason="R"
    )
    public = client.get(f"{API}/ideas/{idea.pk}/comments").json()["items"][0]
    assert public["body"] == "" and public["hidden_reason"] == "R"
    client.force_login(writer)
    assert client.get(f"{API}/ideas/{idea.pk}/comments").json()["items"][0]["body"] == "Text"
