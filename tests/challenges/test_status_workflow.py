"""The status workflow: transitions, reasons, permissions, ledger entries and notifications."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from civiclab.challenges.models import CoAuthor, CoAuthorStatus, IdeaStatus, PhaseKind, StatusChange
from civiclab.challenges.services import status as status_service
from civiclab.challenges.services._internal import record_status_change
from civiclab.challenges.services.status import (
    TRANSITIONS,
    allowed_targets,
    idea_set_status,
)
from civiclab.core.models import AuditEvent, Notification
from civiclab.discussion.models import Follow
from civiclab.discussion.services.follows import follow_ensure
from civiclab.ledger.models import Entry
from tests.challenges.factories import ChallengeFactory, IdeaFactory, during
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

S = IdeaStatus


def idea_in(phase: str, status: str = S.SUBMITTED):
    idea = IdeaFactory(challenge=ChallengeFactory(phase=phase), status=status)
    return idea


def lead_of(idea):
    return member(idea.organisation, "innovation_lead")


def decision_maker_of(idea):
    return member(idea.organisation, "decision_maker")


ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_only_transitions_in_the_table_are_allowed(current, target):
    idea = idea_in(PhaseKind.SELECTION, current)
    actor = member(idea.organisation, "admin", "innovation_lead", "decision_maker")
    if current == S.MERGED:
        # A merged idea lives on in the idea it was merged into: no decisions on it.
        with pytest.raises(PermissionDenied):
            idea_set_status(actor=actor, idea=idea, status=target, reason="Because.")
    elif target in TRANSITIONS[current]:
        change = idea_set_status(actor=actor, idea=idea, status=target, reason="Because.")
        assert change.from_status == current and change.to_status == target
        idea.refresh_from_db()
        assert idea.status == target
    else:
        with pytest.raises(ValidationError) as caught:
            idea_set_status(actor=actor, idea=idea, status=target, reason="Because.")
        assert "status" in caught.value.message_dict
        idea.refresh_from_db()
        assert idea.status == current
        assert not StatusChange.objects.filter(idea=idea).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(reason):
    idea = idea_in(PhaseKind.REVIEW)
    with pytest.raises(ValidationError) as caught:
        idea_set_status(actor=lead_of(idea), idea=idea, status=S.UNDER_REVIEW, reason=reason)
    assert "reason" in caught.value.message_dict
    assert not StatusChange.objects.exists()


def test_a_change_keeps_reason_history_and_audit():
    idea = idea_in(PhaseKind.REVIEW)
    lead = lead_of(idea)
    idea_set_status(actor=lead, idea=idea, status=S.UNDER_REVIEW, reason="  We look at it.  ")
    idea.refresh_from_db()
    assert idea.status == S.UNDER_REVIEW
    assert idea.status_reason == "We look at it."
    assert idea.status_changed_at is not None
    change = StatusChange.objects.get(idea=idea)
    assert (change.from_status, change.to_status, change.actor) == (
        S.SUBMITTED,
        S.UNDER_REVIEW,
        lead,
    )
    event = AuditEvent.objects.get(action="challenges.idea_status_changed")
    assert event.details["to"] == S.UNDER_REVIEW


def test_citizens_and_evaluators_cannot_change_statuses():
    idea = idea_in(PhaseKind.REVIEW)
    for person in (UserFactory(), member(idea.organisation, "evaluator"), idea.author):
        with pytest.raises(PermissionDenied):
            idea_set_status(actor=person, idea=idea, status=S.UNDER_REVIEW, reason="x")


def test_shortlisting_needs_the_review_or_selection_phase():
    idea = idea_in(PhaseKind.SUBMISSION, S.UNDER_REVIEW)
    lead = lead_of(idea)
    with pytest.raises(PermissionDenied):
        idea_set_status(actor=lead, idea=idea, status=S.SHORTLISTED, reason="Strong.")
    with during(idea.challenge, PhaseKind.REVIEW):
        idea_set_status(actor=lead, idea=idea, status=S.SHORTLISTED, reason="Strong.")


def test_only_decision_makers_select_and_only_in_the_selection_phase():
    idea = idea_in(PhaseKind.REVIEW, S.SHORTLISTED)
    with pytest.raises(PermissionDenied):
        idea_set_status(actor=lead_of(idea), idea=idea, status=S.SELECTED, reason="Go.")
    with pytest.raises(PermissionDenied):
        idea_set_status(actor=decision_maker_of(idea), idea=idea, status=S.SELECTED, reason="Go.")
    with during(idea.challenge, PhaseKind.SELECTION):
        with pytest.raises(PermissionDenied):
            idea_set_status(actor=lead_of(idea), idea=idea, status=S.SELECTED, reason="Go.")
        idea_set_status(actor=decision_maker_of(idea), idea=idea, status=S.SELECTED, reason="Go.")


def test_a_selection_is_appended_to_the_ledger():
    idea = idea_in(PhaseKind.SELECTION, S.SHORTLISTED)
    change = idea_set_status(
        actor=decision_maker_of(idea), idea=idea, status=S.SELECTED, reason="Best value."
    )
    entry = Entry.objects.get(kind="idea.selected")
    assert change.ledger_sequence == entry.seq
    payload = entry.payload_dict() if hasattr(entry, "payload_dict") else entry.payload
    assert "Best value." in str(payload)
    assert str(idea.pk) == entry.subject_id
    assert "decision_maker" in str(payload)
    assert idea.author.email not in str(payload)


def test_a_failure_after_the_ledger_append_leaves_neither(monkeypatch):
    idea = idea_in(PhaseKind.SELECTION, S.SHORTLISTED)

    def broken_audit(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(status_service, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        idea_set_status(actor=decision_maker_of(idea), idea=idea, status=S.SELECTED, reason="Go.")
    assert not Entry.objects.filter(kind="idea.selected").exists()
    assert not StatusChange.objects.exists()
    idea.refresh_from_db()
    assert idea.status == S.SHORTLISTED


def test_no_ledger_entry_for_other_decisions():
    idea = idea_in(PhaseKind.REVIEW)
    change = idea_set_status(actor=lead_of(idea), idea=idea, status=S.DECLINED, reason="No.")
    assert change.ledger_sequence is None
    assert not Entry.objects.filter(kind="idea.selected").exists()


def test_author_coauthors_and_followers_are_told_on_commit(django_capture_on_commit_callbacks):
    idea = idea_in(PhaseKind.REVIEW)
    coauthor, invited, follower = UserFactory(), UserFactory(), UserFactory()
    CoAuthor.objects.create(idea=idea, user=coauthor, status=CoAuthorStatus.ACCEPTED)
    CoAuthor.objects.create(idea=idea, user=invited, status=CoAuthorStatus.INVITED)
    Follow.objects.create(target=idea, user=follower)
    follow_ensure(user=idea.author, target=idea)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        idea_set_status(actor=lead_of(idea), idea=idea, status=S.DECLINED, reason="Too costly.")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {idea.author_id, coauthor.pk, follower.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [idea.author.email, coauthor.email, follower.email]
    )
    # The reason is on the idea's page and the notifications page, not in the e-mail.
    assert not any("Too costly." in m.body for m in mail.outbox)
    assert set(Notification.objects.values_list("body", flat=True)) == {"Too costly."}


def test_allowed_targets_follow_role_and_phase():
    idea = idea_in(PhaseKind.REVIEW, S.UNDER_REVIEW)
    assert allowed_targets(user=lead_of(idea), idea=idea) == [
        S.SHORTLISTED,
        S.SHELVED,
        S.DECLINED,
        S.SUBMITTED,
    ]
    assert allowed_targets(user=decision_maker_of(idea), idea=idea) == []
    assert allowed_targets(user=UserFactory(), idea=idea) == []


def test_record_status_change_skips_checks_for_merges():
    idea = idea_in(PhaseKind.SUBMISSION)
    change = record_status_change(actor=None, idea=idea, status=S.MERGED, reason="Same idea.")
    idea.refresh_from_db()
    assert idea.status == S.MERGED
    assert change.to_status == S.MERGED
