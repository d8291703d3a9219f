"""The participation API: shapes, permissions and the one error shape."""

import pytest
from django.test import override_settings

from civiclab.challenges.models import Idea, IdeaStatus, MergeRecord
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


def test_undoing_a_merge_twice_is_a_conflict_not_a_request_with_errors(client):
    challenge = ChallengeFactory()
    source, target = IdeaFactory(challenge=challenge), IdeaFactory(challenge=challenge)
    signed_in(client, member(challenge.organisation, Role.INNOVATION_LEAD))
    record = client.post(
        f"{API}/ideas/{source.pk}/merge",
        {"target_id": target.pk, "reason": "Same"},
        "application/json",
    ).json()
    url = f"{API}/merges/{record['id']}/unmerge"
    assert client.post(url, {"reason": "Different"}, "application/json").status_code == 200
    again = client.post(url, {"reason": "Different"}, "application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
