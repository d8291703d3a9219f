"""Ids that belong to someone else: nobody changes or deletes another person's comment,
answers another person's co-author invitation, withdraws another person's support, or
follows another person's background job, whichever id they put in the address."""

import json

import pytest
from django.urls import reverse

from civiclab.challenges.models import CoAuthorStatus, Support
from civiclab.core.jobs import job_start
from civiclab.discussion.models import Comment
from tests.challenges.factories import IdeaFactory
from tests.discussion.pages import discussion_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment():
    idea = IdeaFactory()
    return Comment.objects.create(target=idea, author=UserFactory(), body="The original words")


def test_another_persons_comment_cannot_be_edited_or_deleted_on_the_pages(client, comment):
    client.force_login(UserFactory())
    assert (
        client.post(discussion_url("comment_edit", comment), {"body": "Mine now"}).status_code
        == 403
    )
    assert client.post(discussion_url("comment_delete", comment)).status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.is_deleted) == ("The original words", False)


def test_another_persons_comment_cannot_be_edited_or_deleted_through_the_api(client, comment):
    client.force_login(UserFactory())
    url = f"/api/v1/comments/{comment.pk}"
    body = json.dumps({"body": "Mine now"})
    assert client.patch(url, body, content_type="application/json").status_code == 403
    assert client.delete(url).status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.is_deleted) == ("The original words", False)


def test_only_the_invited_person_answers_a_co_author_invitation(client):
    idea = IdeaFactory()
    invited = UserFactory()
    invitation = idea.coauthors.create(user=invited, status=CoAuthorStatus.INVITED)
    client.force_login(UserFactory())
    url = reverse(
        "challenges:idea_coauthor_respond",
        kwargs={"org_slug": idea.organisation.slug, "pk": idea.pk},
    )
    client.post(url, {"accept": "1"})
    invitation.refresh_from_db()
    assert invitation.status == CoAuthorStatus.INVITED


def test_withdrawing_support_withdraws_only_ones_own(client):
    idea = IdeaFactory()
    supporter = UserFactory()
    Support.objects.create(idea=idea, user=supporter)
    client.force_login(UserFactory())
    client.delete(f"/api/v1/ideas/{idea.pk}/support")
    assert Support.objects.filter(idea=idea, user=supporter).exists()


def test_another_persons_job_progress_is_refused(client):
    job = job_start(owner=UserFactory(), label="Export", total=10)
    client.force_login(UserFactory())
    response = client.get(reverse("core:job_progress", args=[job.pk]))
    assert response.status_code in (403, 404)
