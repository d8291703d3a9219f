"""The challenges demo: Eastbrook's three challenges and idea box, seeded through the services.

The full demo seed runs once for the module (inside a transaction rolled back at the end);
each test reads one part of what it made.
"""

import json
from collections import Counter
from datetime import datetime

import pytest
from django.db import transaction

from civiclab.challenges.models import (
    Audience,
    Challenge,
    CoAuthor,
    Evaluation,
    EvaluatorAssignment,
    Idea,
    IdeaStatus,
    MergeRecord,
    PairwiseComparison,
    PhaseKind,
    StatusChange,
    Support,
)
from civiclab.core.models import AuditEvent
from civiclab.demo.content import demo_content
from civiclab.demo.seed import seed_demo
from civiclab.discussion.models import Comment, Flag
from civiclab.ledger.models import Entry

EASTBROOK = demo_content().organisation("eastbrook")
FLY_TIPPING = EASTBROOK.challenge("fly-tipping-northgate-riverside")
HOUSING_REPAIRS = EASTBROOK.challenge("housing-repairs-time")
SCHOOL_RUN = EASTBROOK.challenge("safer-school-run")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_demo()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def eastbrook_challenges(demo, db):
    challenges = Challenge.objects.filter(organisation__slug="eastbrook").prefetch_related("phases")
    return {challenge.slug: challenge for challenge in challenges}


def ideas_of(slug: str):
    return Idea.objects.filter(challenge__organisation__slug="eastbrook", challenge__slug=slug)


def test_three_challenges_and_the_idea_box_with_about_sixty_ideas(eastbrook_challenges):
    assert set(eastbrook_challenges) == {
        FLY_TIPPING.slug,
        HOUSING_REPAIRS.slug,
        SCHOOL_RUN.slug,
        "idea-box",
    }
    ideas = Idea.objects.filter(organisation__slug="eastbrook")
    assert ideas.count() == len(EASTBROOK.all_ideas()) == 60
    assert all(challenge.is_published for challenge in eastbrook_challenges.values())
    per_challenge = Counter(ideas.values_list("challenge__slug", flat=True))
    assert per_challenge == {
        FLY_TIPPING.slug: 26,
        HOUSING_REPAIRS.slug: 14,
        SCHOOL_RUN.slug: 14,
        "idea-box": 6,
    }


def test_the_challenges_have_their_audiences_and_phases_now(eastbrook_challenges):
    public = eastbrook_challenges[FLY_TIPPING.slug]
    staff = eastbrook_challenges[HOUSING_REPAIRS.slug]
    closed = eastbrook_challenges[SCHOOL_RUN.slug]
    box = eastbrook_challenges["idea-box"]
    assert (public.audience, public.current_phase_kind()) == (Audience.PUBLIC, "submission")
    assert (staff.audience, staff.current_phase_kind()) == (Audience.STAFF, "review")
    assert (closed.audience, closed.current_phase_kind()) == (Audience.PUBLIC, "closed")
    assert box.is_idea_box and box.current_phase_kind() == "submission"
    # The closed challenge went through every phase, in order, and they are all over.
    kinds = [phase.kind for phase in closed.phases.all()]
    assert kinds == [PhaseKind.SUBMISSION, PhaseKind.REVIEW, PhaseKind.SELECTION, "closed"]


def test_no_idea_has_an_empty_description_and_texts_are_rendered(demo, db):
    ideas = Idea.objects.filter(organisation__slug="eastbrook")
    for idea in ideas:
        assert idea.description.strip(), idea.title
        assert idea.description_html.strip(), idea.title
        assert idea.summary.strip() and idea.expected_benefits.strip(), idea.title
        assert idea.innovation_types, idea.title
    assert not ideas.filter(description__icontains="lorem").exists()
    assert Idea.objects.filter(organisation__slug="eastbrook", tags__isnull=False).exists()


def test_supports_are_real_rows_counted_on_the_ideas_with_varied_counts(demo, db):
    ideas = Idea.objects.filter(organisation__slug="eastbrook")
    for idea in ideas:
        assert idea.support_count == Support.objects.filter(idea=idea).count(), idea.title
        assert not Support.objects.filter(idea=idea, user_id=idea.author_id).exists()
    counts = {idea.support_count for idea in ideas}
    assert len(counts) >= 8
    assert max(counts) >= 15


def test_staff_only_ideas_are_supported_and_written_by_staff_only(demo, db):
    from civiclab.organisations.models import Membership

    staff_ids = set(
        Membership.objects.filter(organisation__slug="eastbrook").values_list("user_id", flat=True)
    )
    ideas = ideas_of(HOUSING_REPAIRS.slug)
    assert set(ideas.values_list("author_id", flat=True)) <= staff_ids
    supporters = set(Support.objects.filter(idea__in=ideas).values_list("user_id", flat=True))
    assert supporters and supporters <= staff_ids


def test_staff_compared_the_staff_only_ideas_in_pairs(demo, db):
    from civiclab.challenges.selectors.pairwise import pairwise_ranking
    from civiclab.organisations.models import Membership

    challenge = Challenge.objects.get(organisation__slug="eastbrook", slug=HOUSING_REPAIRS.slug)
    assert challenge.scorecard.pairwise_enabled
    comparisons = PairwiseComparison.objects.filter(challenge=challenge)
    assert comparisons.count() >= 50
    staff_ids = set(
        Membership.objects.filter(organisation__slug="eastbrook").values_list("user_id", flat=True)
    )
    assert set(comparisons.values_list("voter_id", flat=True)) <= staff_ids
    ranking = pairwise_ranking(challenge=challenge)
    assert ranking.rows and ranking.groups == 1


def test_comments_are_threaded(demo, db):
    comments = Comment.objects.filter(idea__organisation__slug="eastbrook")
    threads = [thread for idea in EASTBROOK.all_ideas() for thread in idea.comments]
    expected = sum(1 + len(thread.replies) for thread in threads)
    assert comments.count() == expected + 1  # and the moderation case
    assert comments.filter(parent__isnull=False).count() >= 10
    # Conversations: replies to replies.
    assert comments.filter(parent__parent__isnull=False).exists()
    for idea in Idea.objects.filter(organisation__slug="eastbrook"):
        visible = comments.filter(idea=idea, is_hidden=False, is_deleted=False).count()
        assert idea.comment_count == visible, idea.title


def test_two_near_duplicates_were_merged_through_the_merge_service(demo, db):
    record = MergeRecord.objects.get(source__organisation__slug="eastbrook")
    source, target = record.source, record.target
    assert source.status == IdeaStatus.MERGED and source.merged_into == target
    assert record.reason == FLY_TIPPING.merge.reason
    assert record.actor.email == "moderator@eastbrook.example"
    # Supports were carried over, each person counting once.
    assert record.moved_support_user_ids
    target_supporters = list(Support.objects.filter(idea=target).values_list("user_id", flat=True))
    assert len(target_supporters) == len(set(target_supporters)) == target.support_count
    assert set(record.moved_support_user_ids) <= set(target_supporters)
    # The source's author is now a co-author, its comments moved, and the merge is audited.
    assert CoAuthor.objects.filter(idea=target, user=source.author).exists()
    assert Comment.objects.filter(pk__in=record.moved_comment_ids, idea=target).exists()
    assert StatusChange.objects.filter(idea=source, to_status=IdeaStatus.MERGED).exists()
    assert AuditEvent.objects.filter(action="challenges.idea_merged").exists()


def test_the_moderation_case_a_flagged_comment_hidden_with_a_reason(demo, db):
    comment = Comment.objects.get(is_hidden=True, idea__organisation__slug="eastbrook")
    assert comment.author.email == "olga.petrenko@residents.example"
    assert comment.hidden_reason == FLY_TIPPING.moderation_case.reason
    flags = Flag.objects.filter(comment=comment)
    assert flags.count() == len(FLY_TIPPING.moderation_case.flags)
    assert set(flags.values_list("resolution", flat=True)) == {Flag.Resolution.HIDDEN}
    assert set(flags.values_list("resolved_by__email", flat=True)) == {
        "moderator@eastbrook.example"
    }


def test_the_closed_challenge_was_scored_by_three_evaluators(demo, db):
    ideas = ideas_of(SCHOOL_RUN.slug)
    challenge = ideas.first().challenge
    scorecard = challenge.scorecard
    assert scorecard.blind
    criteria = list(scorecard.criteria.all())
    assert 3 <= len(criteria) <= 4
    assert any(criterion.lower_is_better for criterion in criteria)
    assert len({criterion.weight for criterion in criteria}) > 1
    assignments = EvaluatorAssignment.objects.filter(idea__in=ideas)
    assert assignments.count() == ideas.count() * len(SCHOOL_RUN.evaluation.evaluators)
    submitted = Evaluation.objects.filter(assignment__in=assignments, submitted_at__isnull=False)
    assert submitted.count() == assignments.count()
    # Nobody scored their own idea, and the evaluators did not all agree.
    assert not assignments.filter(evaluator_id=models_F_author()).exists()
    scores = sorted(ideas.values_list("score", flat=True))
    assert None not in scores and scores[-1] - scores[0] > 20


def models_F_author():
    from django.db.models import F

    return F("idea__author_id")


def test_two_shortlisted_one_selected_with_a_ledger_entry_the_rest_decided(demo, db):
    ideas = ideas_of(SCHOOL_RUN.slug)
    shortlisted = StatusChange.objects.filter(idea__in=ideas, to_status=IdeaStatus.SHORTLISTED)
    assert shortlisted.count() == 2
    selected = ideas.get(status=IdeaStatus.SELECTED)
    assert selected.pk in set(shortlisted.values_list("idea_id", flat=True))
    # The selection went to the best-scored idea, by a decision maker, with a reason.
    assert selected == ideas.order_by("-score").first()
    change = StatusChange.objects.get(idea=selected, to_status=IdeaStatus.SELECTED)
    assert change.actor.email == "decision-maker@eastbrook.example"
    assert change.reason and change.reason == selected.status_reason
    entry = Entry.objects.get(seq=change.ledger_sequence)
    assert entry.kind == "idea.selected"
    assert entry.subject_id == str(selected.pk)
    assert json.loads(entry.payload)["reason"] == change.reason
    # Every other idea ended on the shelf or declined, each with its reason.
    others = ideas.exclude(pk=selected.pk)
    assert set(others.values_list("status", flat=True)) == {
        IdeaStatus.SHELVED,
        IdeaStatus.DECLINED,
    }
    assert all(idea.status_reason for idea in others)


def test_the_workshop_is_full_with_a_waiting_list(demo, db):
    challenge = Challenge.objects.get(organisation__slug="eastbrook", slug=FLY_TIPPING.slug)
    event = challenge.event
    planned = FLY_TIPPING.event
    assert event.capacity == planned.capacity
    statuses = Counter(event.registrations.values_list("status", flat=True))
    assert statuses["confirmed"] == planned.capacity
    assert statuses["waiting"] == len(planned.registrants) - planned.capacity > 0


def test_seeding_again_changes_nothing(demo, db):
    def counts():
        return (
            Challenge.objects.count(),
            Idea.objects.count(),
            Support.objects.count(),
            Comment.objects.count(),
            StatusChange.objects.count(),
            Evaluation.objects.count(),
            MergeRecord.objects.count(),
            Entry.objects.count(),
        )

    before = counts()
    seed_demo()
    assert counts() == before


def test_the_history_was_replayed_in_its_phases_and_no_phase_was_rewritten(demo, db):
    # Every challenge's phases are still those its lead set (and the audit trail recorded).
    def moment(text):
        return text and datetime.fromisoformat(text)

    events = AuditEvent.objects.filter(action="challenges.phases_set")
    assert events.count() == 3
    for event in events:
        challenge = Challenge.objects.get(pk=event.subject_id)
        recorded = {
            kind: [moment(start), moment(end)] for kind, (start, end) in event.details.items()
        }
        now = {phase.kind: [phase.starts_at, phase.ends_at] for phase in challenge.phases.all()}
        assert now == recorded, challenge.slug
    # The closed challenge's ideas came in during its submission phase, were scored during its
    # review and decided during its selection, by the clock the services read.
    ideas = ideas_of(SCHOOL_RUN.slug)
    phases = {phase.kind: phase for phase in ideas.first().challenge.phases.all()}
    assert all(phases["submission"].contains(idea.created_at) for idea in ideas)
    evaluations = Evaluation.objects.filter(assignment__idea__in=ideas)
    assert all(phases["review"].contains(evaluation.submitted_at) for evaluation in evaluations)
    decisions = StatusChange.objects.filter(idea__in=ideas).exclude(
        to_status=IdeaStatus.UNDER_REVIEW
    )
    assert decisions.count() == ideas.count() + 2
    assert all(phases["selection"].contains(change.created_at) for change in decisions)
    selected = ideas.get(status=IdeaStatus.SELECTED)
    assert phases["selection"].contains(selected.status_changed_at)
    # The idea box has been open since its organisation joined, a year before the seed.
    box = Challenge.objects.get(organisation__slug="eastbrook", is_idea_box=True)
    opened = box.phases.get().starts_at
    assert opened == box.published_at
    assert all(opened < idea.created_at for idea in Idea.objects.filter(challenge=box))
