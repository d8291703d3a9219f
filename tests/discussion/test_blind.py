"""Blind review is decided by one function: `discussion.blind.masks_author` (and its batch
form, `masked_author_ids`). Pages, the API, notifications and the queue all read it."""

import pytest
from django.urls import reverse

from civiclab.discussion import blind, selectors
from civiclab.discussion.services import comments, moderation
from civiclab.organisations.models import Role
from tests.challenges.factories import during
from tests.challenges.test_security_blind_review import blind_idea  # noqa: F401
from tests.factories import MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_an_evaluator_does_not_learn_the_authors_while_blind_review_runs(blind_idea):  # noqa: F811
    idea, evaluator = blind_idea
    coauthor = idea.coauthors.get().user
    stranger = UserFactory()
    assert blind.masks_author(viewer=evaluator, target=idea, author_id=idea.author_id)
    assert blind.masks_author(viewer=evaluator, target=idea, author_id=coauthor.pk)
    assert not blind.masks_author(viewer=evaluator, target=idea, author_id=stranger.pk)
    assert not blind.masks_author(viewer=evaluator, target=idea, author_id=None)
    assert blind.masked_author_ids(viewer=evaluator, target=idea) == {idea.author_id, coauthor.pk}


def test_everyone_else_learns_the_authors(blind_idea):  # noqa: F811
    idea, _evaluator = blind_idea
    lead = member(idea.organisation, Role.INNOVATION_LEAD)
    staff = member(idea.organisation, Role.STAFF)
    for reader in (lead, staff, idea.author):
        assert not blind.masks_author(viewer=reader, target=idea, author_id=idea.author_id)
        assert blind.shows_authors(viewer=reader, target=idea)


def test_the_evaluator_learns_the_authors_once_the_review_is_over(blind_idea):  # noqa: F811
    idea, evaluator = blind_idea
    with during(idea.challenge, "selection"):
        assert not blind.masks_author(viewer=evaluator, target=idea, author_id=idea.author_id)


def test_a_verdict_already_reached_is_not_asked_again(blind_idea):  # noqa: F811
    idea, evaluator = blind_idea
    assert blind.masked_author_ids(viewer=evaluator, target=idea, shows=True) == frozenset()


def test_the_thread_and_the_queue_name_a_masked_writer_the_same_way(blind_idea):  # noqa: F811
    idea, evaluator = blind_idea
    comment = comments.comment_add(actor=idea.author, target=idea, body="We tried this.")
    label = selectors.comment_author_label(viewer=evaluator, comment=comment, target=idea)
    assert label == "One of the idea's authors"
    moderation.flag_add(actor=member(idea.organisation, Role.STAFF), item=comment, reason="spam")
    queue = selectors.moderation_queue(organisation=idea.organisation)
    selectors.name_comment_authors(queue, viewer=evaluator)
    assert [entry.author_label for entry in queue] == ["One of the idea's authors"]
    moderator = member(idea.organisation, Role.MODERATOR)
    selectors.name_comment_authors(queue, viewer=moderator)
    assert [entry.author_label for entry in queue] == ["Priya Ramaswamy"]


def test_the_queues_hidden_list_masks_a_writer_for_a_moderator_who_evaluates_blind(
    client,
    blind_idea,  # noqa: F811
):
    idea, evaluator = blind_idea
    MembershipFactory(organisation=idea.organisation, user=evaluator, role=Role.MODERATOR)
    comment = comments.comment_add(actor=idea.author, target=idea, body="We tried this.")
    moderator = member(idea.organisation, Role.MODERATOR)
    moderation.moderation_hide(actor=moderator, item=comment, reason="Off topic")
    url = reverse("discussion:moderation_queue", kwargs={"org_slug": idea.organisation.slug})

    client.force_login(evaluator)
    page = client.get(url).content.decode()
    assert "Comment by One of the idea" in page and "Priya Ramaswamy" not in page

    client.force_login(moderator)
    assert "Comment by Priya Ramaswamy" in client.get(url).content.decode()
