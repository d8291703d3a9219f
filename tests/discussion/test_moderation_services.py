"""Reports, automatic hiding at the challenge's threshold, and moderators' decisions."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civiclab.challenges.models import Idea
from civiclab.core.models import AuditEvent, Notification
from civiclab.discussion.models import Comment, Flag, FlagReason
from civiclab.discussion.selectors import moderation_queue
from civiclab.discussion.services import moderation
from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


_networks = itertools.count()


def report(item, *, reason=FlagReason.SPAM, who=None):
    """A report that counts towards hiding: an account a month old, each from its own network."""
    reporter = who or UserFactory(date_joined=timezone.now() - timedelta(days=30))
    return moderation.flag_add(
        actor=reporter, item=item, reason=reason, network=f"network-{next(_networks)}"
    )


def test_one_open_report_per_person_per_item():
    idea, person = IdeaFactory(), UserFactory()
    report(idea, who=person)
    with pytest.raises(ValidationError):
        report(idea, who=person)
    assert Flag.objects.filter(idea=idea).count() == 1


def test_an_unknown_reason_is_refused():
    with pytest.raises(ValidationError) as error:
        moderation.flag_add(actor=UserFactory(), item=IdeaFactory(), reason="boring")
    assert "reason" in error.value.message_dict


def test_nobody_reports_their_own_idea():
    idea = IdeaFactory()
    with pytest.raises(PermissionDenied):
        report(idea, who=idea.author)


def test_enough_reports_hide_an_idea_for_review_audited_and_moderators_told():
    challenge = ChallengeFactory(flags_to_hide=2)
    idea = IdeaFactory(challenge=challenge)
    moderator = member(challenge.organisation, Role.MODERATOR)
    outsider_moderator = member(ChallengeFactory().organisation, Role.MODERATOR)
    report(idea)
    assert not Idea.objects.get(pk=idea.pk).is_hidden
    report(idea, reason=FlagReason.OFFENSIVE)
    idea.refresh_from_db()
    # No moderator's reason: its page says it is hidden until a moderator reviews the reports.
    assert idea.is_hidden and idea.hidden_reason == ""
    event = AuditEvent.objects.get(action="challenges.idea_auto_hidden")
    assert event.actor is None and event.organisation_id == challenge.organisation_id
    told = Notification.objects.filter(verb="challenges.moderation_needed")
    assert set(told.values_list("recipient_id", flat=True)) == {moderator.pk}
    assert not told.filter(recipient=outsider_moderator).exists()


def test_a_hidden_comment_leaves_the_count_and_comes_back():
    challenge = ChallengeFactory(flags_to_hide=1)
    idea = IdeaFactory(challenge=challenge)
    comment = Comment.objects.create(target=idea, author=UserFactory(), body="Buy pills")
    Idea.objects.filter(pk=idea.pk).update(comment_count=1)
    report(comment)
    comment.refresh_from_db()
    assert comment.is_hidden
    assert Idea.objects.get(pk=idea.pk).comment_count == 0
    admin = member(challenge.organisation, Role.ADMIN)
    moderation.moderation_restore(actor=admin, item=comment, reason="Not spam after all")
    assert Idea.objects.get(pk=idea.pk).comment_count == 1
    assert Flag.objects.get(comment=comment).resolution == Flag.Resolution.KEPT


def test_hiding_needs_a_reason_resolves_reports_audits_and_tells_the_author():
    idea = IdeaFactory()
    moderator = member(idea.organisation, Role.MODERATOR)
    report(idea)
    with pytest.raises(ValidationError):
        moderation.moderation_hide(actor=moderator, item=idea, reason=" ")
    moderation.moderation_hide(actor=moderator, item=idea, reason="Names a neighbour")
    idea.refresh_from_db()
    assert idea.is_hidden and idea.hidden_reason == "Names a neighbour"
    assert Flag.objects.get(idea=idea).resolution == Flag.Resolution.HIDDEN
    event = AuditEvent.objects.get(action="challenges.idea_hidden")
    assert event.actor == moderator and event.organisation_id == idea.organisation_id
    assert event.details["reason"] == "Names a neighbour"
    assert Notification.objects.filter(
        recipient=idea.author, verb="challenges.moderation_decision"
    ).exists()


def test_dismissing_reports_keeps_the_item_visible_and_lets_new_reports_start_afresh():
    challenge = ChallengeFactory(flags_to_hide=2)
    idea = IdeaFactory(challenge=challenge)
    moderator = member(challenge.organisation, Role.MODERATOR)
    report(idea)
    report(idea)
    assert Idea.objects.get(pk=idea.pk).is_hidden
    idea.refresh_from_db()
    closed = moderation.moderation_dismiss(actor=moderator, item=idea)
    idea.refresh_from_db()
    assert closed == 2 and not idea.is_hidden
    assert AuditEvent.objects.filter(action="challenges.idea_flags_dismissed").exists()
    report(idea)
    assert not Idea.objects.get(pk=idea.pk).is_hidden


def test_only_moderators_of_the_ideas_organisation_may_hide():
    idea = IdeaFactory()
    other_moderator = member(ChallengeFactory().organisation, Role.MODERATOR)
    for person in (UserFactory(), member(idea.organisation, Role.STAFF), other_moderator):
        with pytest.raises(PermissionDenied):
            moderation.moderation_hide(actor=person, item=idea, reason="No")
    assert not Idea.objects.get(pk=idea.pk).is_hidden


def test_the_queue_groups_open_reports_by_item_per_organisation():
    mine, theirs = ChallengeFactory(flags_to_hide=10), ChallengeFactory(flags_to_hide=10)
    idea = IdeaFactory(challenge=mine)
    comment = Comment.objects.create(target=idea, author=UserFactory(), body="Rude")
    report(idea)
    report(idea, reason=FlagReason.OFF_TOPIC)
    report(comment)
    report(IdeaFactory(challenge=theirs))
    queue = moderation_queue(organisation=mine.organisation)
    assert [(entry.kind, entry.item.pk, len(entry.flags)) for entry in queue] == [
        ("idea", idea.pk, 2),
        ("comment", comment.pk, 1),
    ]
    assert [entry.item.pk for entry in moderation_queue(organisation=theirs.organisation)] != [
        idea.pk
    ]


def test_a_deleted_comment_cannot_be_reported():
    idea, person = IdeaFactory(), UserFactory()
    comment = Comment.objects.create(target=idea, author=person, body="x", is_deleted=True)
    with pytest.raises(PermissionDenied):
        report(comment)
