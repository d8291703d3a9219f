"""The participation API: shapes, permissions and the one error shape."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from civiclab.challenges.models import Idea, IdeaStatus, MergeRecord
from civiclab.discussion.models import Comment
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def signed_in(client, user=None):
    user = user or UserFactory()
    client.force_login(user)
    return user


def test_support_then_withdraw_with_the_count(client):
    idea = IdeaFactory()
    signed_in(client)
    body = client.post(f"{API}/ideas/{idea.pk}/support").json()
    assert body == {"idea_id": idea.pk, "count": 1, "supported": True}
    assert client.post(f"{API}/ideas/{idea.pk}/support").json()["count"] == 1
    assert client.get(f"{API}/ideas/{idea.pk}/supports").json()["supported"] is True
    body = client.delete(f"{API}/ideas/{idea.pk}/support").json()
    assert body == {"idea_id": idea.pk, "count": 0, "supported": False}


def test_supporters_are_listed_by_display_name_page_by_page(client):
    idea = IdeaFactory()
    person = signed_in(client, UserFactory(display_name="Ada Park"))
    client.post(f"{API}/ideas/{idea.pk}/support")
    client.logout()
    body = client.get(f"{API}/ideas/{idea.pk}/supporters").json()
    assert body["count"] == 1
    assert body["items"] == [{"id": person.pk, "display_name": "Ada Park"}]


def test_anonymous_supports_get_401_and_authors_403(client):
    idea = IdeaFactory()
    response = client.post(f"{API}/ideas/{idea.pk}/support")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    client.force_login(idea.author)
    response = client.post(f"{API}/ideas/{idea.pk}/support")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@override_settings(CHALLENGES_SUPPORT_RATE=(2, 60))
def test_too_many_support_clicks_get_429_with_a_message(client):
    idea = IdeaFactory()
    signed_in(client)
    client.post(f"{API}/ideas/{idea.pk}/support")
    client.delete(f"{API}/ideas/{idea.pk}/support")
    response = client.post(f"{API}/ideas/{idea.pk}/support")
    assert response.status_code == 429
    assert "wait" in response.json()["error"]["message"]


def test_staff_only_ideas_are_404_to_the_public(client):
    idea = IdeaFactory(challenge=ChallengeFactory(audience="staff"))
    assert client.get(f"{API}/ideas/{idea.pk}/supports").status_code == 404
    signed_in(client)
    assert (
        client.post(
            f"{API}/ideas/{idea.pk}/comments", {"body": "Hi"}, "application/json"
        ).status_code
        == 404
    )


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
        "idea_id": idea.pk,
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
    assert again.status_code == 422
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


def test_merge_and_unmerge(client):
    challenge = ChallengeFactory()
    source, target = IdeaFactory(challenge=challenge), IdeaFactory(challenge=challenge)
    signed_in(client, member(challenge.organisation, Role.INNOVATION_LEAD))
    response = client.post(
        f"{API}/ideas/{source.pk}/merge",
        {"target_id": target.pk, "reason": "The same bench"},
        content_type="application/json",
    )
    assert response.status_code == 201
    record = response.json()
    assert record["source_id"] == source.pk and record["unmerged_at"] is None
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.MERGED
    undone = client.post(
        f"{API}/merges/{record['id']}/unmerge", {"reason": "Different"}, "application/json"
    ).json()
    assert undone["unmerged_at"] is not None
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SUBMITTED
    assert MergeRecord.objects.get().unmerged_at is not None


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


def test_listing_comments_and_supporters_does_not_grow_with_the_page(
    client, django_assert_max_num_queries
):
    from civiclab.challenges.models import Support

    idea = IdeaFactory()
    for number in range(30):
        person = UserFactory()
        Comment.objects.create(target=idea, author=person, body=f"c{number}")
        Support.objects.create(idea=idea, user=person)
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/ideas/{idea.pk}/comments", {"page_size": 30}).json()
    assert len(body["items"]) == 30
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/ideas/{idea.pk}/supporters", {"page_size": 30}).json()
    assert len(body["items"]) == 30 and body["count"] == 30


def test_a_token_says_who_reads_the_support_state(client):
    from civiclab.accounts.services import token_create

    idea = IdeaFactory()
    person = UserFactory()
    _token, secret = token_create(actor=person, name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.post(f"{API}/ideas/{idea.pk}/support", **headers)
    assert client.get(f"{API}/ideas/{idea.pk}/supports", **headers).json()["supported"] is True
    assert client.get(f"{API}/ideas/{idea.pk}/supports").json()["supported"] is False
