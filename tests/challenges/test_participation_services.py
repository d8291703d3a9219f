"""Supports, comments and following: counts stay exact, limits hold, people are told."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from civiclab.challenges.models import Idea, Support
from civiclab.challenges.services import participation as services
from civiclab.challenges.services.ideas import idea_create
from civiclab.core.models import Notification
from civiclab.core.ratelimit import RateLimited
from civiclab.discussion.models import Comment, Follow
from civiclab.discussion.services import comments, follows
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def count_of(idea) -> int:
    return Idea.objects.get(pk=idea.pk).support_count


# Supports ----------------------------------------------------------------------------------


def test_supporting_twice_counts_once():
    idea, citizen = IdeaFactory(), UserFactory()
    first = services.support_add(actor=citizen, idea=idea)
    second = services.support_add(actor=citizen, idea=idea)
    assert first.count == second.count == 1 and second.supported
    assert Support.objects.filter(idea=idea).count() == 1
    assert count_of(idea) == 1


def test_withdrawing_a_support_and_withdrawing_again():
    idea, citizen = IdeaFactory(), UserFactory()
    services.support_add(actor=citizen, idea=idea)
    state = services.support_remove(actor=citizen, idea=idea)
    again = services.support_remove(actor=citizen, idea=idea)
    assert (state.count, state.supported) == (0, False)
    assert again.count == 0 and count_of(idea) == 0


def test_the_count_matches_the_rows_after_many_people_come_and_go():
    idea = IdeaFactory()
    people = [UserFactory() for _ in range(6)]
    for person in people:
        services.support_add(actor=person, idea=idea)
    for person in people[:2]:
        services.support_remove(actor=person, idea=idea)
    services.support_add(actor=people[0], idea=idea)
    assert count_of(idea) == Support.objects.filter(idea=idea).count() == 5


def test_authors_cannot_support_their_own_idea():
    idea = IdeaFactory()
    with pytest.raises(PermissionDenied):
        services.support_add(actor=idea.author, idea=idea)
    assert count_of(idea) == 0


def test_supports_close_with_the_review_phase():
    idea = IdeaFactory()
    with during(idea.challenge, "selection"), pytest.raises(PermissionDenied):
        services.support_add(actor=UserFactory(), idea=idea)


@override_settings(CHALLENGES_SUPPORT_RATE=(3, 60))
def test_support_clicks_are_rate_limited_per_person():
    idea, citizen = IdeaFactory(), UserFactory()
    services.support_add(actor=citizen, idea=idea)
    services.support_remove(actor=citizen, idea=idea)
    services.support_add(actor=citizen, idea=idea)
    with pytest.raises(RateLimited) as limited:
        services.support_remove(actor=citizen, idea=idea)
    assert "wait" in limited.value.message and limited.value.retry_after >= 1
    assert count_of(idea) == 1  # the refused click changed nothing
    services.support_add(actor=UserFactory(), idea=idea)  # someone else is not limited


# Comments ----------------------------------------------------------------------------------


def test_a_comment_counts_and_tells_authors_coauthors_and_followers_but_not_the_writer():
    idea = IdeaFactory()
    coauthor, follower, writer = UserFactory(), UserFactory(), UserFactory()
    idea.coauthors.create(user=coauthor, status="accepted")
    idea.coauthors.create(user=UserFactory(), status="invited")
    follows.follow_ensure(user=follower, target=idea)
    follows.follow_ensure(user=writer, target=idea)
    comment = comments.comment_add(actor=writer, target=idea, body="Good idea, and cheap.")
    told = set(
        Notification.objects.filter(verb="challenges.comment_added").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {idea.author_id, coauthor.pk, follower.pk}
    assert Idea.objects.get(pk=idea.pk).comment_count == 1
    notification = Notification.objects.filter(recipient=idea.author).get()
    assert notification.url.endswith(f"#comment-{comment.pk}")


def test_an_empty_comment_is_refused_with_a_message():
    idea = IdeaFactory()
    with pytest.raises(ValidationError) as error:
        comments.comment_add(actor=UserFactory(), target=idea, body="   ")
    assert "body" in error.value.message_dict
    assert not Comment.objects.exists()


def test_replies_nest_three_deep_then_join_the_deepest_thread():
    idea, person = IdeaFactory(), UserFactory()
    top = comments.comment_add(actor=person, target=idea, body="1")
    reply = comments.comment_add(actor=person, target=idea, body="2", parent=top)
    deep = comments.comment_add(actor=person, target=idea, body="3", parent=reply)
    deeper = comments.comment_add(actor=person, target=idea, body="4", parent=deep)
    assert comments.comment_depth(deep) == 3
    assert deeper.parent_id == reply.pk  # a sibling of the deepest, not a fourth level
    assert comments.comment_depth(deeper) == 3


def test_a_reply_must_belong_to_the_same_idea():
    idea, other = IdeaFactory(), IdeaFactory()
    elsewhere = comments.comment_add(actor=UserFactory(), target=other, body="Elsewhere")
    with pytest.raises(ValidationError):
        comments.comment_add(actor=UserFactory(), target=idea, body="Hi", parent=elsewhere)


def test_a_reply_tells_the_person_replied_to():
    idea, first, second = IdeaFactory(), UserFactory(), UserFactory()
    top = comments.comment_add(actor=first, target=idea, body="Question?")
    comments.comment_add(actor=second, target=idea, body="Answer.", parent=top)
    assert Notification.objects.filter(recipient=first, verb="challenges.comment_added").exists()


def test_own_comments_can_be_changed_for_fifteen_minutes():
    idea, person = IdeaFactory(), UserFactory()
    comment = comments.comment_add(actor=person, target=idea, body="Typo")
    comments.comment_edit(actor=person, comment=comment, body="Fixed")
    assert Comment.objects.get(pk=comment.pk).body == "Fixed"
    with time_machine.travel(comment.created_at + timedelta(minutes=16)):
        with pytest.raises(PermissionDenied):
            comments.comment_edit(actor=person, comment=comment, body="Too late")
        with pytest.raises(PermissionDenied):
            comments.comment_edit(actor=UserFactory(), comment=comment, body="Not mine")


def test_deleting_a_comment_keeps_its_replies_and_lowers_the_count():
    idea, person, other = IdeaFactory(), UserFactory(), UserFactory()
    top = comments.comment_add(actor=person, target=idea, body="Top")
    reply = comments.comment_add(actor=other, target=idea, body="Reply", parent=top)
    comments.comment_delete(actor=person, comment=top)
    top.refresh_from_db()
    assert top.is_deleted and top.body == ""
    assert Comment.objects.get(pk=reply.pk).parent_id == top.pk
    assert Idea.objects.get(pk=idea.pk).comment_count == 1
    with pytest.raises(PermissionDenied):
        comments.comment_delete(actor=person, comment=top)


def test_comments_close_with_the_challenge():
    idea = IdeaFactory()
    with during(idea.challenge, "closed"), pytest.raises(PermissionDenied):
        comments.comment_add(actor=UserFactory(), target=idea, body="Late")


# Following ---------------------------------------------------------------------------------


def test_following_is_idempotent_and_undoable():
    idea, person = IdeaFactory(), UserFactory()
    follows.follow_set(actor=person, target=idea, follow=True)
    follows.follow_set(actor=person, target=idea, follow=True)
    assert Follow.objects.filter(idea=idea, user=person).count() == 1
    follows.follow_set(actor=person, target=idea, follow=False)
    assert not Follow.objects.filter(idea=idea, user=person).exists()


def test_the_author_follows_the_idea_they_submit():
    author = UserFactory()
    idea = idea_create(
        actor=author,
        challenge=ChallengeFactory(),
        title="Benches",
        summary="A summary.",
        description="More benches.",
    )
    assert Follow.objects.filter(idea=idea, user=author).count() == 1


def test_an_idea_written_without_the_service_has_no_follow():
    """Following is written by the submitting service, not by a signal on every save."""
    idea = IdeaFactory()
    assert not Follow.objects.filter(idea=idea).exists()
