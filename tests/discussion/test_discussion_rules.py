"""Permission matrices for the rules on comments and the moderation queue, on an idea's thread.

The matrix names every role, anonymous, a citizen, a platform admin and people of another
organisation; the comment's object is an idea, the first registered discussable.
"""

import pytest

from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.discussion.factories import CommentFactory
from tests.factories import UserFactory
from tests.permissions import assert_permission_matrix, everyone_except, only

pytestmark = pytest.mark.django_db

# Django lets an active superuser pass every has_perm: the platform admin is never refused.
NOBODY = only("platform_admin")
# Signed in with a confirmed e-mail address: who may take part.
CONFIRMED = everyone_except("anonymous", "unconfirmed_citizen")
MODERATORS = ("platform_admin", "admin", "moderator")


def comment_in(organisation):
    idea = IdeaFactory(challenge=ChallengeFactory(organisation=organisation))
    return CommentFactory(target=idea, author=UserFactory(), body="A thought.")


def deleted(comment):
    comment.is_deleted = True
    comment.save()


def hidden(comment):
    comment.is_hidden = True
    comment.save()


def idea_hidden(comment):
    comment.target.is_hidden = True
    comment.target.save()


def test_reporting_a_comment_needs_an_account_a_live_comment_and_a_visible_idea():
    assert_permission_matrix(
        "discussion.flag_comment",
        comment_in,
        states={
            "live": lambda comment: None,
            "deleted": deleted,
            "hidden": hidden,
            "idea hidden": idea_hidden,
        },
        expected={"live": CONFIRMED, "deleted": NOBODY, "hidden": NOBODY, "idea hidden": NOBODY},
    )


def test_only_the_writer_changes_or_deletes_a_comment():
    # None of the matrix's people wrote the comment: nobody but a platform admin may.
    for perm in ("discussion.change_comment", "discussion.delete_comment"):
        assert_permission_matrix(perm, comment_in, expected=only("platform_admin"))


def test_who_moderates_a_comment():
    assert_permission_matrix("discussion.moderate_comment", comment_in, expected=only(*MODERATORS))


def test_who_reads_the_moderation_queue():
    assert_permission_matrix("discussion.view_moderation_queue", expected=only(*MODERATORS))
