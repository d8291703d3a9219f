"""Merging duplicates: a person counts once; an unmerge gives back exactly what was there."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civiclab.challenges.models import (
    CoAuthor,
    Idea,
    IdeaStatus,
    MergeRecord,
    StatusChange,
    Support,
)
from civiclab.challenges.services.merge import idea_merge, merge_undo
from civiclab.core.models import AuditEvent, Notification
from civiclab.discussion.models import Comment, Follow
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    challenge = ChallengeFactory()
    target = IdeaFactory(challenge=challenge, title="Lights on the canal path")
    source = IdeaFactory(challenge=challenge, title="Lamps along the canal")
    moderator = member(challenge.organisation, Role.MODERATOR)
    return source, target, moderator


def supporters(idea) -> set[int]:
    return set(Support.objects.filter(idea=idea).values_list("user_id", flat=True))


def snapshot(idea) -> dict:
    idea = Idea.objects.get(pk=idea.pk)
    return {
        "supports": supporters(idea),
        "comments": set(Comment.objects.filter(idea=idea).values_list("pk", flat=True)),
        "coauthors": set(CoAuthor.objects.filter(idea=idea).values_list("user_id", "status")),
        "status": idea.status,
        "merged_into": idea.merged_into_id,
        "support_count": idea.support_count,
        "comment_count": idea.comment_count,
    }


def support(idea, user):
    Support.objects.create(idea=idea, user=user)
    Idea.objects.filter(pk=idea.pk).update(support_count=Support.objects.filter(idea=idea).count())


def test_someone_who_supported_both_counts_once(pair):
    source, target, moderator = pair
    both, only_source, only_target = UserFactory(), UserFactory(), UserFactory()
    for person in (both, only_source):
        support(source, person)
    for person in (both, only_target):
        support(target, person)
    record = idea_merge(actor=moderator, source=source, target=target, reason="Same lamps")
    target.refresh_from_db()
    assert supporters(target) == {both.pk, only_source.pk, only_target.pk}
    assert target.support_count == 3
    assert record.moved_support_user_ids == [only_source.pk]


def test_a_merge_carries_comments_coauthors_followers_and_sets_the_status(pair):
    source, target, moderator = pair
    coauthor, follower = UserFactory(), UserFactory()
    source.coauthors.create(user=coauthor, status="accepted")
    Follow.objects.create(target=source, user=follower)
    comment = Comment.objects.create(target=source, author=UserFactory(), body="Solar?")
    reply = Comment.objects.create(target=source, author=UserFactory(), body="Yes", parent=comment)
    record = idea_merge(actor=moderator, source=source, target=target, reason="Duplicates")
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == IdeaStatus.MERGED and source.merged_into == target
    assert StatusChange.objects.filter(idea=source, to_status=IdeaStatus.MERGED).exists()
    assert set(Comment.objects.filter(idea=target).values_list("pk", flat=True)) == {
        comment.pk,
        reply.pk,
    }
    assert target.comment_count == 2
    assert set(record.added_coauthor_user_ids) == {source.author_id, coauthor.pk}
    assert CoAuthor.objects.filter(idea=target, user=coauthor, status="accepted").exists()
    assert Follow.objects.filter(idea=target, user=follower).exists()
    event = AuditEvent.objects.get(action="challenges.idea_merged")
    assert event.organisation_id == source.organisation_id and event.actor == moderator
    told = set(
        Notification.objects.filter(verb="challenges.idea_merged").values_list(
            "recipient_id", flat=True
        )
    )
    assert {source.author_id, target.author_id, coauthor.pk} <= told


def test_unmerge_restores_supports_comments_coauthors_status_and_counts(pair):
    source, target, moderator = pair
    both, only_source = UserFactory(), UserFactory()
    support(source, both)
    support(source, only_source)
    support(target, both)
    Comment.objects.create(target=source, author=UserFactory(), body="Mine")
    Comment.objects.create(target=target, author=UserFactory(), body="Theirs")
    Idea.objects.filter(pk__in=[source.pk, target.pk]).update(comment_count=1)
    Idea.objects.filter(pk=source.pk).update(status=IdeaStatus.UNDER_REVIEW)
    source.refresh_from_db()
    before = (snapshot(source), snapshot(target))
    record = idea_merge(actor=moderator, source=source, target=target, reason="Same")
    merge_undo(actor=moderator, record=record, reason="Not the same after all")
    assert (snapshot(source), snapshot(target)) == before
    record.refresh_from_db()
    assert record.unmerged_at is not None and record.unmerged_by == moderator
    assert AuditEvent.objects.filter(action="challenges.idea_unmerged").exists()
    with pytest.raises(ValidationError):
        merge_undo(actor=moderator, record=record)


def test_replies_written_after_the_merge_go_back_with_their_thread(pair):
    source, target, moderator = pair
    carried = Comment.objects.create(target=source, author=UserFactory(), body="Carried")
    record = idea_merge(actor=moderator, source=source, target=target, reason="Same")
    later = Comment.objects.create(target=target, author=UserFactory(), body="Re", parent=carried)
    own = Comment.objects.create(target=target, author=UserFactory(), body="Unrelated")
    merge_undo(actor=moderator, record=record, reason="Separate")
    assert Comment.objects.get(pk=later.pk).object_id == source.pk
    assert Comment.objects.get(pk=own.pk).object_id == target.pk


def test_merges_stay_within_one_challenge_and_need_a_reason(pair):
    source, target, moderator = pair
    elsewhere = IdeaFactory(challenge=ChallengeFactory(organisation=source.organisation))
    with pytest.raises(ValidationError):
        idea_merge(actor=moderator, source=source, target=elsewhere, reason="x")
    with pytest.raises(ValidationError):
        idea_merge(actor=moderator, source=source, target=source, reason="x")
    with pytest.raises(ValidationError):
        idea_merge(actor=moderator, source=source, target=target, reason="  ")
    assert not MergeRecord.objects.exists()


def test_only_moderators_and_leads_merge(pair):
    source, target, _moderator = pair
    for person in (UserFactory(), source.author, member(source.organisation, Role.STAFF)):
        with pytest.raises(PermissionDenied):
            idea_merge(actor=person, source=source, target=target, reason="Same")
    lead = member(source.organisation, Role.INNOVATION_LEAD)
    assert idea_merge(actor=lead, source=source, target=target, reason="Same").pk


def test_a_merge_chain_is_undone_from_its_end(pair):
    source, target, moderator = pair
    final = IdeaFactory(challenge=source.challenge)
    first = idea_merge(actor=moderator, source=source, target=target, reason="One")
    idea_merge(actor=moderator, source=target, target=final, reason="Two")
    with pytest.raises(PermissionDenied):
        merge_undo(actor=moderator, record=first)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    memberships=st.lists(
        st.sampled_from(["source", "target", "both", "neither"]), min_size=0, max_size=8
    )
)
def test_merge_then_unmerge_is_the_identity_on_any_support_sets(pair, memberships):
    source, target, moderator = pair
    Support.objects.filter(idea__in=[source, target]).delete()
    MergeRecord.objects.all().delete()
    Idea.objects.filter(pk=source.pk).update(status=IdeaStatus.SUBMITTED, merged_into=None)
    people = [UserFactory() for _ in memberships]
    for person, where in zip(people, memberships, strict=True):
        if where in ("source", "both"):
            Support.objects.create(idea=source, user=person)
        if where in ("target", "both"):
            Support.objects.create(idea=target, user=person)
    for idea in (source, target):
        Idea.objects.filter(pk=idea.pk).update(
            support_count=Support.objects.filter(idea=idea).count()
        )
    source.refresh_from_db()
    before = (snapshot(source), snapshot(target))
    record = idea_merge(actor=moderator, source=source, target=target, reason="Same")
    union = before[0]["supports"] | before[1]["supports"]
    assert Idea.objects.get(pk=target.pk).support_count == len(union)
    merge_undo(actor=moderator, record=record, reason="Undo")
    assert (snapshot(source), snapshot(target)) == before
