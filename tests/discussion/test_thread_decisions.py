"""The comment thread decides once per thread what the reader may do, then applies it to each
comment without asking the rules again. Those per-comment answers must be the rules' answers:
for every reader and every kind of comment, each button shown is exactly what `has_perm` allows.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from civiclab.challenges.models import IdeaStatus, PhaseKind
from civiclab.core import clock
from civiclab.discussion.registry import discussable_of
from civiclab.discussion.selectors import comment_tree, thread_permissions
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.discussion.factories import CommentFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def flatten(nodes):
    for node in nodes:
        yield node
        yield from flatten(node.children)


def thread_of(idea, writer, other):
    """A thread with every kind of comment: the writer's recent, old, deleted and hidden ones,
    someone else's, and replies."""
    with time_machine.travel(clock.now() - datetime.timedelta(hours=2)):
        old = CommentFactory(target=idea, author=writer, body="Old.")
    recent = CommentFactory(target=idea, author=writer, body="Recent.")
    CommentFactory(target=idea, author=writer, body="", is_deleted=True)
    CommentFactory(target=idea, author=writer, body="Hidden.", is_hidden=True)
    theirs = CommentFactory(target=idea, author=other, body="Theirs.")
    CommentFactory(target=idea, author=other, body="A reply.", parent=recent)
    CommentFactory(target=idea, author=writer, body="A reply to them.", parent=theirs)
    CommentFactory(target=idea, author=other, body="Hidden reply.", parent=old, is_hidden=True)
    return idea


def readers(idea, writer, other):
    return {
        "anonymous": AnonymousUser(),
        "writer": writer,
        "other": other,
        "citizen": UserFactory(),
        "idea author": idea.author,
        "moderator": member(idea.organisation, Role.MODERATOR),
        "innovation lead": member(idea.organisation, Role.INNOVATION_LEAD),
    }


def assert_thread_matches_the_rules(idea, reader):
    permissions = thread_permissions(user=reader, target=idea)
    nodes = list(flatten(comment_tree(target=idea, permissions=permissions)))
    assert len(nodes) == 8
    comment_perm = discussable_of(idea).comment_perm
    for node in nodes:
        comment = node.comment
        comment.target = idea
        live = not comment.is_deleted and not comment.is_hidden
        expected = {
            "can_edit": reader.has_perm("discussion.change_comment", comment),
            "can_delete": reader.has_perm("discussion.delete_comment", comment),
            "can_flag": reader.has_perm("discussion.flag_comment", comment),
            "can_reply": live and reader.has_perm(comment_perm, idea),
        }
        shown = {name: getattr(node, name) for name in expected}
        assert shown == expected, f"{comment.body!r}"


@pytest.mark.parametrize(
    "reader_name",
    ["anonymous", "writer", "other", "citizen", "idea author", "moderator", "innovation lead"],
)
@pytest.mark.parametrize("phase", [PhaseKind.SUBMISSION, PhaseKind.REVIEW, PhaseKind.CLOSED])
def test_each_comment_offers_what_the_rules_allow(reader_name, phase):
    writer, other = UserFactory(), UserFactory()
    idea = thread_of(IdeaFactory(challenge=ChallengeFactory(phase=phase)), writer, other)
    assert_thread_matches_the_rules(idea, readers(idea, writer, other)[reader_name])


@pytest.mark.parametrize("reader_name", ["writer", "other", "moderator"])
def test_a_merged_idea_keeps_its_thread_as_it_is(reader_name):
    writer, other = UserFactory(), UserFactory()
    idea = thread_of(IdeaFactory(challenge=ChallengeFactory()), writer, other)
    idea.status = IdeaStatus.MERGED
    idea.save(update_fields=["status"])
    assert_thread_matches_the_rules(idea, readers(idea, writer, other)[reader_name])


@pytest.mark.parametrize("reader_name", ["writer", "other", "citizen", "moderator"])
def test_a_hidden_idea_takes_no_reports(reader_name):
    writer, other = UserFactory(), UserFactory()
    idea = thread_of(IdeaFactory(challenge=ChallengeFactory()), writer, other)
    idea.is_hidden = True
    idea.save(update_fields=["is_hidden"])
    assert_thread_matches_the_rules(idea, readers(idea, writer, other)[reader_name])
