"""Comments and following: counts stay exact, replies nest, people are told."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from civiclab.challenges.models import Idea
from civiclab.core.models import Notification
from civiclab.discussion.models import Comment, Follow
from civiclab.discussion.services import comments, follows
from tests.challenges.factories import IdeaFactory, during
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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


def test_following_is_idempotent_and_undoable():
    idea, person = IdeaFactory(), UserFactory()
    follows.follow_set(actor=person, target=idea, follow=True)
    follows.follow_set(actor=person, target=idea, follow=True)
    assert Follow.objects.filter(idea=idea, user=person).count() == 1
    follows.follow_set(actor=person, target=idea, follow=False)
    assert not Follow.objects.filter(idea=idea, user=person).exists()


def test_superuser_cannot_edit_deleted_comment():
    idea, person = IdeaFactory(), UserFactory()
    admin = UserFactory(is_superuser=True)
    comment = comments.comment_add(actor=person, target=idea, body="Regrettable")
    comments.comment_delete(actor=person, comment=comment)
    with pytest.raises(PermissionDenied):
        comments.comment_edit(actor=admin, comment=comment, body="Back from the dead")
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""


def test_superuser_cannot_edit_a_hidden_comment_or_delete_a_comment_twice():
    idea, person = IdeaFactory(), UserFactory()
    admin = UserFactory(is_superuser=True)
    kept = comments.comment_add(actor=person, target=idea, body="Kept")
    hidden = comments.comment_add(actor=person, target=idea, body="Rude")
    Comment.objects.filter(pk=hidden.pk).update(is_hidden=True)
    hidden.refresh_from_db()
    with pytest.raises(PermissionDenied):
        comments.comment_edit(actor=admin, comment=hidden, body="Polite now")
    assert Comment.objects.get(pk=hidden.pk).body == "Rude"
    comments.comment_delete(actor=person, comment=kept)
    count = Idea.objects.get(pk=idea.pk).comment_count
    with pytest.raises(PermissionDenied):
        comments.comment_delete(actor=admin, comment=kept)
    assert Idea.objects.get(pk=idea.pk).comment_count == count


def test_a_stale_copy_of_a_deleted_comment_cannot_be_edited():
    idea, person = IdeaFactory(), UserFactory()
    comment = comments.comment_add(actor=person, target=idea, body="First")
    stale = Comment.objects.get(pk=comment.pk)
    comments.comment_delete(actor=person, comment=comment)
    with pytest.raises(PermissionDenied):
        comments.comment_edit(actor=person, comment=stale, body="Edited meanwhile")
    assert Comment.objects.get(pk=comment.pk).body == ""
