"""Each demo organisation's challenges and idea box, replayed through the challenges services.

A challenge file (`content/<organisation>/challenges/<slug>.toml`) becomes a published
challenge with its real phase dates: it stands where the content says it stands today. What
happened in its past phases is replayed in order inside `clock.as_of(moment)`, so every rule
is checked against the phase that was running at that moment, and the times the services
record (a status change, a submitted evaluation, the selection's ledger payload) are those
moments. What happens in the running phase (a merge and a moderation while ideas come in,
comparisons during a review) happens now. The audit trail, the counters, the notifications and
the ledger entry of the selection are the real ones.

The clock cannot reach what the database stamps itself: `created_at` (`auto_now_add`) gets the
real time. So after replaying an idea, a support, a comment, a status change or an evaluator
assignment, the seed sets that row's `created_at` to the moment it was replayed at (`_stamp`);
it writes no other timestamp, and no phase, itself.

Idempotent: a challenge that exists already (looked up by its slug) is left as it is, and so is
an idea box with ideas; the seed runs in one transaction, so a challenge is complete or absent.
"""

import random
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from django.db.models import Model, prefetch_related_objects
from django.test.utils import override_settings

from civiclab.challenges.models import (
    Challenge,
    Criterion,
    EvaluatorAssignment,
    Idea,
    IdeaRevision,
    IdeaStatus,
    Phase,
    PhaseKind,
    StatusChange,
    Support,
)
from civiclab.challenges.selectors.pairwise import next_pair, pair_token
from civiclab.challenges.services._internal import tags_get_or_create
from civiclab.challenges.services.challenges import (
    PhaseDates,
    challenge_create,
    challenge_get_or_create_idea_box,
    challenge_publish,
    challenge_set_phases,
)
from civiclab.challenges.services.evaluation import (
    ScoreInput,
    assignments_add,
    criterion_save,
    evaluation_save,
    scorecard_replace,
)
from civiclab.challenges.services.events import event_register, event_save
from civiclab.challenges.services.ideas import idea_create
from civiclab.challenges.services.merge import idea_merge
from civiclab.challenges.services.pairwise import pairwise_record
from civiclab.challenges.services.participation import support_add
from civiclab.challenges.services.selection import idea_select, idea_shortlist
from civiclab.challenges.services.status import idea_set_status
from civiclab.core import clock
from civiclab.demo.content import (
    NOW,
    DemoChallenge,
    DemoEvent,
    DemoIdea,
    DemoIdeaBox,
    DemoMerge,
    DemoModerationCase,
    DemoOrganisation,
    DemoPhase,
    DemoTimeline,
)
from civiclab.discussion.models import Comment
from civiclab.discussion.services.comments import comment_add
from civiclab.discussion.services.moderation import flag_add, moderation_hide
from civiclab.organisations.models import Organisation

from . import SeedContext

# A council sets phase boundaries at the end of the working day.
PHASE_BOUNDARY = time(17, 0)
# Replayed moments stay this far inside their phase.
MARGIN = timedelta(minutes=1)
# An evaluator submits one idea's scores after another, this far apart.
BETWEEN_SCORES = timedelta(minutes=10)
# The scale of every demo criterion.
SCALE = (1, 5)


@dataclass
class Cast:
    """One organisation's people by their content keys, and who may support its ideas."""

    organisation: Organisation
    zone: zoneinfo.ZoneInfo
    users: dict[str, Any]
    residents: list
    staff: list

    def __getitem__(self, key: str):
        return self.users[key]

    def supporters(self, supported_by: str) -> list:
        return list(self.staff) if supported_by == "staff" else [*self.residents, *self.staff]


def seed_challenges(ctx: SeedContext) -> None:
    """The demo seed step: every organisation's challenges, ideas and all around them."""
    for demo in ctx.content.organisations:
        organisation = ctx.organisations[demo.slug]
        cast = _cast(ctx, demo, organisation)
        for spec in demo.challenges:
            if not Challenge.objects.filter(organisation=organisation, slug=spec.slug).exists():
                _seed_challenge(ctx, cast, spec)
        if demo.idea_box is not None:
            _seed_idea_box(ctx, cast, demo.idea_box)


def _cast(ctx: SeedContext, demo: DemoOrganisation, organisation: Organisation) -> Cast:
    residents = [*ctx.content.residents, *demo.residents]
    return Cast(
        organisation=organisation,
        zone=zoneinfo.ZoneInfo(organisation.time_zone or "Europe/London"),
        users=ctx.users,
        residents=[ctx.users[person.key] for person in residents],
        staff=[ctx.users[person.key] for person in demo.members],
    )


def _seed_challenge(ctx: SeedContext, cast: Cast, spec: DemoChallenge) -> None:
    challenge = _create_challenge(ctx, cast, spec)
    criteria: list[Criterion] = []
    if spec.scorecard is not None:
        # Set before the first idea came in.
        with clock.as_of(_phase(challenge, PhaseKind.SUBMISSION).starts_at):
            criteria = _set_up_scorecard(cast, challenge, spec)
    if spec.event is not None:
        _seed_event(ctx, cast, challenge, spec)
    ideas = _replay_ideas(ctx, cast, challenge, spec.ideas, spec.timeline, spec.supported_by)
    if spec.moderation_case is not None:
        _seed_moderation_case(cast, ideas, spec.moderation_case)
    if spec.merge is not None:
        _seed_merge(cast, ideas, spec.merge)
    if spec.review is not None:
        _replay_review(cast, challenge, ideas, spec)
    if spec.pairwise is not None:
        _compare(cast, challenge, ideas, spec)
    if spec.evaluation is not None:
        _replay_evaluation(cast, challenge, ideas, spec, criteria)
    if spec.selection is not None:
        _replay_selection(ctx, cast, challenge, ideas, spec)


# --- the challenge and its phases ---------------------------------------------------------------


def _phase_dates(phases: Sequence[DemoPhase], *, now: datetime, zone) -> list[PhaseDates]:
    """Whole days from today, each boundary at 5pm local time, as a council would set them;
    `NOW` is the moment of seeding, a missing end leaves the phase open."""
    today = now.astimezone(zone).date()

    def moment(day: int | str) -> datetime:
        if day == NOW:
            return now
        assert isinstance(day, int)
        return datetime.combine(today + timedelta(days=day), PHASE_BOUNDARY, tzinfo=zone)

    return [
        PhaseDates(
            kind=phase.kind,
            starts_at=moment(phase.starts),
            ends_at=None if phase.ends is None else moment(phase.ends),
        )
        for phase in phases
    ]


def _create_challenge(ctx: SeedContext, cast: Cast, spec: DemoChallenge) -> Challenge:
    """A published challenge with its real phases, created by its innovation lead."""
    lead = cast[spec.lead]
    challenge = challenge_create(
        actor=lead,
        organisation=cast.organisation,
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        problem_statement=spec.problem_statement,
        goals=spec.goals,
        needs=spec.needs,
        sponsor=cast[spec.sponsor] if spec.sponsor else None,
        audience=spec.audience,
        innovation_types=list(spec.innovation_types),
        tag_names=list(spec.tags),
    )
    challenge_set_phases(
        actor=lead,
        challenge=challenge,
        phases=_phase_dates(spec.phases, now=ctx.now, zone=cast.zone),
    )
    challenge_publish(actor=lead, challenge=challenge)
    # Every rule check reads the phases; load them once into the prefetch cache.
    prefetch_related_objects([challenge], "phases")
    return challenge


def _phase(challenge: Challenge, kind: str) -> Phase:
    return next(phase for phase in challenge.phases.all() if phase.kind == kind)


def _hours(hours: float) -> timedelta:
    return timedelta(hours=hours)


def _clamp(moment: datetime, earliest: datetime, latest: datetime) -> datetime:
    return max(earliest, min(moment, latest))


def _stamp(model: type[Model], moment: datetime, **lookup: Any) -> None:
    """Date rows the database stamped with the real time (`auto_now_add`) at the replayed
    moment: the one timestamp `clock.as_of` cannot set."""
    model._default_manager.filter(**lookup).update(created_at=moment)


def _status_at(moment: datetime, decide: Callable[[], StatusChange]) -> None:
    """Replay one decision on an idea at `moment`."""
    with clock.as_of(moment):
        change = decide()
    _stamp(StatusChange, moment, pk=change.pk)


# --- ideas, supports and comments ---------------------------------------------------------------


def _replay_ideas(
    ctx: SeedContext,
    cast: Cast,
    challenge: Challenge,
    specs: Sequence[DemoIdea],
    timeline: DemoTimeline,
    supported_by: str,
) -> dict[str, Idea]:
    """Submit the ideas one after another over the timeline, then their supports and their
    comments, each spread between its idea's submission and the end of the timeline; every
    moment is kept inside the submission phase and before now."""
    submission = _phase(challenge, PhaseKind.SUBMISSION)
    earliest = submission.starts_at + MARGIN
    latest = min(submission.ends_at or ctx.now, ctx.now) - MARGIN
    until = _clamp(ctx.now + timedelta(days=timeline.ideas_until), earliest, latest)
    span = timeline.ideas_until - timeline.ideas_from
    ideas: dict[str, Idea] = {}
    submitted: dict[str, datetime] = {}
    for index, spec in enumerate(specs):
        rng = random.Random(f"when:{spec.key}")
        day = timeline.ideas_from + span * index / len(specs)
        moment = ctx.now + timedelta(days=day, minutes=rng.randint(0, 600))
        moment = _clamp(moment, earliest, latest)
        with clock.as_of(moment):
            ideas[spec.key] = _submit(cast, challenge, spec)
        _stamp(Idea, moment, pk=ideas[spec.key].pk)
        _stamp(IdeaRevision, moment, idea=ideas[spec.key])
        submitted[spec.key] = moment

    def moments(key: str, count: int) -> list[datetime]:
        start = submitted[key]
        remaining = max((until - start).total_seconds(), 3600)
        return [
            min(start + timedelta(seconds=remaining * (n + 1) / (count + 1)), latest)
            for n in range(count)
        ]

    pool = cast.supporters(supported_by)
    # The per-person rate limit stops scripts clicking; the seed replays weeks of clicks in
    # seconds (and runs more than once a minute in the test suite), so it is lifted here.
    with override_settings(CHALLENGES_SUPPORT_RATE=(1_000_000, 1)):
        for spec in specs:
            supporters = _supporters(spec, pool, author=cast[spec.author])
            for moment, user in zip(moments(spec.key, len(supporters)), supporters, strict=True):
                with clock.as_of(moment):
                    support_add(actor=user, idea=ideas[spec.key])
                _stamp(Support, moment, idea=ideas[spec.key], user=user)
    for spec in specs:
        count = sum(1 + len(thread.replies) for thread in spec.comments)
        when = iter(moments(spec.key, count))
        for thread in spec.comments:
            # Each reply answers the message before it (the service caps the nesting).
            parent = _comment(cast, ideas[spec.key], thread.author, thread.body, next(when))
            for reply in thread.replies:
                parent = _comment(
                    cast, ideas[spec.key], reply.author, reply.body, next(when), parent
                )
    return ideas


def _submit(cast: Cast, challenge: Challenge, spec: DemoIdea) -> Idea:
    tags = tags_get_or_create(organisation=cast.organisation, names=spec.tags)
    return idea_create(
        actor=cast[spec.author],
        challenge=challenge,
        title=spec.title,
        summary=spec.summary,
        description=spec.description,
        expected_benefits=spec.benefits,
        beneficiaries=spec.beneficiaries,
        innovation_types=list(spec.types),
        tags=tags,
        location_name=spec.place,
    )


def _supporters(spec: DemoIdea, pool: list, *, author) -> list:
    """`spec.supporters` people from `pool`, never the author; the same ones every run."""
    rng = random.Random(spec.key)
    eligible = [user for user in pool if user.pk != author.pk]
    return rng.sample(eligible, min(spec.supporters, len(eligible)))


def _comment(
    cast: Cast, idea: Idea, author: str, body: str, moment: datetime, parent=None
) -> Comment:
    with clock.as_of(moment):
        comment = comment_add(actor=cast[author], target=idea, body=body, parent=parent)
    _stamp(Comment, moment, pk=comment.pk)
    return comment


# --- what happens while ideas come in -----------------------------------------------------------


def _seed_event(ctx: SeedContext, cast: Cast, challenge: Challenge, spec: DemoChallenge) -> None:
    event: DemoEvent | None = spec.event
    assert event is not None
    day = (ctx.now + timedelta(days=event.in_days)).astimezone(cast.zone).date()
    starts_at = datetime.combine(day, event.starts, tzinfo=cast.zone)
    saved = event_save(
        actor=cast[spec.lead],
        challenge=challenge,
        kind=event.kind,
        title=event.title,
        description=event.description,
        starts_at=starts_at,
        ends_at=starts_at + _hours(event.hours),
        place=event.place,
        capacity=event.capacity,
    )
    for key in event.registrants:
        event_register(actor=cast[key], event=saved)


def _seed_moderation_case(cast: Cast, ideas: dict[str, Idea], case: DemoModerationCase) -> None:
    comment = comment_add(actor=cast[case.author], target=ideas[case.idea], body=case.body)
    for flag in case.flags:
        flag_add(actor=cast[flag.by], item=comment, reason=flag.reason, note=flag.note)
    comment.refresh_from_db()
    moderation_hide(actor=cast[case.moderator], item=comment, reason=case.reason)


def _seed_merge(cast: Cast, ideas: dict[str, Idea], merge: DemoMerge) -> None:
    source, target = ideas[merge.source], ideas[merge.target]
    source.refresh_from_db()
    target.refresh_from_db()
    idea_merge(actor=cast[merge.by], source=source, target=target, reason=merge.reason)


# --- review, comparison, evaluation and selection -----------------------------------------------


def _replay_review(
    cast: Cast, challenge: Challenge, ideas: dict[str, Idea], spec: DemoChallenge
) -> None:
    """The lead's first look at the ideas, hours after the review phase opened."""
    review = spec.review
    assert review is not None
    opened = _phase(challenge, PhaseKind.REVIEW).starts_at
    lead = cast[spec.lead]
    shelved = dict(review.shelved)
    for key, idea in ideas.items():
        if key in shelved:
            moment, status, reason = (
                opened + _hours(review.shelved_after_hours),
                IdeaStatus.SHELVED,
                shelved[key],
            )
        elif key in review.not_yet_reviewed:
            continue
        else:
            moment, status, reason = (
                opened + _hours(review.after_hours),
                IdeaStatus.UNDER_REVIEW,
                review.reason,
            )
        _status_at(
            moment, partial(idea_set_status, actor=lead, idea=idea, status=status, reason=reason)
        )


def _set_up_scorecard(cast: Cast, challenge: Challenge, spec: DemoChallenge) -> list[Criterion]:
    scorecard = spec.scorecard
    assert scorecard is not None
    lead = cast[spec.lead]
    scorecard_replace(
        actor=lead,
        challenge=challenge,
        blind=scorecard.blind,
        evaluators_per_idea=scorecard.evaluators_per_idea,
        guidance=scorecard.guidance,
        pairwise_enabled=scorecard.pairwise,
    )
    return [
        criterion_save(
            actor=lead,
            challenge=challenge,
            name=criterion.name,
            guidance=criterion.guidance,
            weight=criterion.weight,
            scale_min=SCALE[0],
            scale_max=SCALE[1],
            lower_is_better=criterion.lower_is_better,
            position=position,
        )
        for position, criterion in enumerate(scorecard.criteria)
    ]


def _compare(cast: Cast, challenge: Challenge, ideas: dict[str, Idea], spec: DemoChallenge) -> None:
    """Staff compare pairs during the review (now); each prefers, with some noise, the idea
    more colleagues supported."""
    pairwise = spec.pairwise
    assert pairwise is not None
    appeal = {ideas[idea.key].pk: idea.supporters for idea in spec.ideas}
    # The rate limit guards against scripts; the seed is one (see `_replay_ideas`).
    with override_settings(CHALLENGES_PAIRWISE_RATE=(1_000_000, 1)):
        for key in pairwise.voters:
            voter, rng = cast[key], random.Random(f"pairs:{key}")
            for _round in range(pairwise.pairs_per_voter):
                pair = next_pair(user=voter, challenge=challenge, rng=rng)
                if pair is None:
                    break
                first, second = pair
                margin = appeal[first.pk] - appeal[second.pk] + rng.gauss(0, 2.5)
                winner, loser = (first, second) if margin >= 0 else (second, first)
                pairwise_record(
                    actor=voter,
                    challenge=challenge,
                    winner=winner,
                    loser=loser,
                    pair_token=pair_token(user=voter, challenge=challenge, pair=pair),
                    tie=abs(margin) < 0.3,
                )


def _score(idea: DemoIdea, evaluator: str, tendency: float, position: int) -> int:
    """The evaluator's score for one criterion: the idea's merit, their tendency, and a little
    honest disagreement; the same every run."""
    rng = random.Random(f"{idea.key}:{evaluator}:{position}")
    value = idea.merit[position] + tendency
    value += rng.choice((-1, 0, 0, 0, 0, 0, 0, 0, 1))
    return max(SCALE[0], min(SCALE[1], round(value)))


def _replay_evaluation(
    cast: Cast,
    challenge: Challenge,
    ideas: dict[str, Idea],
    spec: DemoChallenge,
    criteria: list[Criterion],
) -> None:
    """The lead assigns the evaluators to every idea, and each scores them during the review."""
    evaluation = spec.evaluation
    assert evaluation is not None
    opened = _phase(challenge, PhaseKind.REVIEW).starts_at
    assigned_at = opened + _hours(evaluation.assigned_after_hours)
    scored_at = {key: opened + _hours(hours) for key, hours in evaluation.scored_after_hours}
    tendencies = dict(evaluation.tendencies)
    comments = {(evaluator, idea): text for evaluator, idea, text in evaluation.comments}
    evaluators = [cast[key] for key in evaluation.evaluators]
    for position, idea_spec in enumerate(spec.ideas):
        idea = ideas[idea_spec.key]
        with clock.as_of(assigned_at):
            created = assignments_add(actor=cast[spec.lead], idea=idea, evaluators=evaluators)
        _stamp(EvaluatorAssignment, assigned_at, idea=idea)
        assignments = {assignment.evaluator_id: assignment for assignment in created}
        for key in evaluation.evaluators:
            evaluator = cast[key]
            scores = {
                criterion.pk: ScoreInput(value=_score(idea_spec, key, tendencies[key], number))
                for number, criterion in enumerate(criteria)
            }
            with clock.as_of(scored_at[key] + BETWEEN_SCORES * position):
                evaluation_save(
                    actor=evaluator,
                    assignment=assignments[evaluator.pk],
                    scores=scores,
                    comment=comments.get((key, idea_spec.key), ""),
                    submit=True,
                )


def _replay_selection(
    ctx: SeedContext,
    cast: Cast,
    challenge: Challenge,
    ideas: dict[str, Idea],
    spec: DemoChallenge,
) -> None:
    """The lead shortlists; at the end of the selection phase the decision maker (the
    challenge's sponsor) selects, and the lead puts the rest on the shelf or declines them."""
    selection = spec.selection
    assert selection is not None
    phase = _phase(challenge, PhaseKind.SELECTION)
    shortlisted_at = phase.starts_at + _hours(selection.shortlisted_after_hours)
    decided_at = (phase.ends_at or ctx.now) - _hours(selection.decided_before_end_hours)
    lead, decision_maker = cast[spec.lead], cast[spec.sponsor]
    decided = [(ideas[idea.key], idea.decision) for idea in spec.ideas if idea.decision]
    for idea, decision in decided:
        if decision.shortlist_reason:
            reason = decision.shortlist_reason
            _status_at(
                shortlisted_at, partial(idea_shortlist, actor=lead, idea=idea, reason=reason)
            )
    for idea, decision in decided:
        if decision.status == IdeaStatus.SELECTED:
            decide = partial(idea_select, actor=decision_maker, idea=idea, reason=decision.reason)
        else:
            decide = partial(
                idea_set_status,
                actor=lead,
                idea=idea,
                status=decision.status,
                reason=decision.reason,
            )
        _status_at(decided_at, decide)


# --- the idea box -------------------------------------------------------------------------------


def _seed_idea_box(ctx: SeedContext, cast: Cast, box: DemoIdeaBox) -> None:
    """Ideas in the always-open idea box, which opened when the organisation joined."""
    challenge = challenge_get_or_create_idea_box(organisation=cast.organisation)
    if Idea.objects.filter(challenge=challenge).exists():
        return
    prefetch_related_objects([challenge], "phases")
    _replay_ideas(ctx, cast, challenge, box.ideas, box.timeline, box.supported_by)
