"""Reads for evaluation: the scorecard, who may evaluate, an evaluator's work list, the
assignment overview and the results.

The results are computed by `civiclab.methods.stats` from plain tuples read in a fixed number
of queries, however many ideas and evaluations there are.
"""

from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.challenges.models import (
    Challenge,
    CoAuthor,
    CoAuthorStatus,
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    Idea,
    IdeaStatus,
    Score,
    Scorecard,
    StatusChange,
)
from civiclab.methods import stats
from civiclab.organisations.models import Membership, Organisation, Role

RELIABLE = 0.8
TENTATIVE = 0.667


# --- scorecard and evaluators ---------------------------------------------------------------

# Ideas that take part in an evaluation round: everything not yet decided or merged.
IDEAS_IN_REVIEW = (IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW)


def scorecard_of(challenge: Challenge) -> Scorecard:
    """The challenge's scorecard, or an unsaved one with the defaults when none exists yet."""
    try:
        return challenge.scorecard
    except Scorecard.DoesNotExist:
        return Scorecard(challenge=challenge)


def criteria_locked(challenge: Challenge) -> bool:
    """True once any evaluation of the challenge was submitted: criteria stay as scored."""
    return Evaluation.objects.filter(
        assignment__idea__challenge=challenge, submitted_at__isnull=False
    ).exists()


def evaluators_of(organisation: Organisation) -> list[User]:
    """People holding the evaluator role in the organisation, by name."""
    user_ids = Membership.objects.filter(
        organisation=organisation, role=Role.EVALUATOR
    ).values_list("user_id", flat=True)
    return list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .order_by("display_name", "pk")
    )


def conflicted_evaluators(idea_ids: Collection[int]) -> set[tuple[int, int]]:
    """(idea id, user id) pairs that may never be assigned: authors and accepted co-authors.

    A pending invitation is no conflict: otherwise an author could bar any evaluator by
    inviting them (inviting an assigned evaluator is refused instead)."""
    pairs = set(Idea.objects.filter(pk__in=idea_ids).values_list("pk", "author_id"))
    pairs.update(
        CoAuthor.objects.filter(
            idea_id__in=idea_ids,
            status=CoAuthorStatus.ACCEPTED,
        ).values_list("idea_id", "user_id")
    )
    return pairs


def stats_criteria(criteria: Iterable[Criterion]) -> list[stats.Criterion]:
    return [
        stats.Criterion(
            key=criterion.pk,
            weight=float(criterion.weight),
            scale_min=criterion.scale_min,
            scale_max=criterion.scale_max,
            lower_is_better=criterion.lower_is_better,
        )
        for criterion in criteria
    ]


# --- an evaluator's work --------------------------------------------------------------------


@dataclass
class AssignedIdea:
    assignment: EvaluatorAssignment
    idea: Idea
    state: str  # "not_started", "draft" or "submitted"
    scored: int
    criteria: int


def assignments_of_evaluator(*, user: User, organisation: Organisation) -> list[AssignedIdea]:
    """The ideas assigned to `user` in `organisation`, newest challenge first, with progress."""
    assignments = list(
        EvaluatorAssignment.objects.filter(evaluator=user, idea__organisation=organisation)
        .select_related("idea__challenge", "idea__organisation", "evaluation")
        .prefetch_related("idea__challenge__phases")
        .annotate(scored=Count("evaluation__scores"))
        .order_by("-idea__challenge__created_at", "idea__title", "pk")
    )
    challenge_ids = {a.idea.challenge_id for a in assignments}
    criteria_count = dict(
        Criterion.objects.filter(scorecard__challenge_id__in=challenge_ids)
        .values_list("scorecard__challenge_id")
        .annotate(n=Count("pk"))
    )
    rows = []
    for assignment in assignments:
        evaluation = evaluation_of(assignment)
        if evaluation is None:
            state = "not_started"
        elif evaluation.submitted_at is None:
            state = "draft"
        else:
            state = "submitted"
        rows.append(
            AssignedIdea(
                assignment=assignment,
                idea=assignment.idea,
                state=state,
                scored=assignment.scored,
                criteria=criteria_count.get(assignment.idea.challenge_id, 0),
            )
        )
    return rows


def evaluation_of(assignment: EvaluatorAssignment) -> Evaluation | None:
    try:
        return assignment.evaluation
    except Evaluation.DoesNotExist:
        return None


def assignment_of(*, user: User, idea: Idea) -> EvaluatorAssignment | None:
    return (
        EvaluatorAssignment.objects.filter(evaluator=user, idea=idea)
        .select_related("evaluation")
        .first()
    )


def evaluation_scores(
    assignment: EvaluatorAssignment,
) -> tuple[Evaluation | None, dict[int, Score]]:
    """The evaluation of an assignment and its scores by criterion id."""
    evaluation = evaluation_of(assignment)
    if evaluation is None:
        return None, {}
    return evaluation, {score.criterion_id: score for score in evaluation.scores.all()}


def criteria_of(challenge: Challenge) -> list[Criterion]:
    return list(Criterion.objects.filter(scorecard__challenge=challenge))


# --- assignment overview --------------------------------------------------------------------


def ideas_with_assignments(*, challenge: Challenge, statuses: Iterable[str]) -> list[Idea]:
    """Ideas of the challenge in `statuses` (or with assignments), with their evaluators."""
    return list(
        Idea.objects.filter(Q(status__in=statuses, is_hidden=False) | Q(assignments__isnull=False))
        .filter(challenge=challenge)
        .distinct()
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=EvaluatorAssignment.objects.select_related(
                    "evaluator", "evaluation"
                ).order_by("evaluator__display_name", "pk"),
            )
        )
        .order_by("title", "pk")
    )


# --- results --------------------------------------------------------------------------------


@dataclass
class Agreement:
    """Krippendorff's alpha (interval level) and what it means in plain words."""

    alpha: float | None
    level: str  # "reliable", "tentative", "low" or "undefined"
    reason: str = ""


@dataclass
class CriterionCell:
    criterion: Criterion
    summary: stats.CriterionSummary | None


@dataclass
class ResultRow:
    idea: Idea
    score: float | None
    rank: int | None
    assigned: int
    submitted: int
    cells: list[CriterionCell]
    ledger_sequence: int | None = None
    # Why the idea has no rank although it was scored (hidden or merged), else "".
    unranked_reason: str = ""


@dataclass
class Results:
    challenge: Challenge
    criteria: list[Criterion]
    rows: list[ResultRow]
    overall: Agreement
    per_criterion: list[tuple[Criterion, Agreement, stats.CriterionSummary | None]] = field(
        default_factory=list
    )

    @property
    def submitted(self) -> int:
        return sum(row.submitted for row in self.rows)

    @property
    def ranked(self) -> list[ResultRow]:
        return [row for row in self.rows if not row.unranked_reason]

    @property
    def unranked(self) -> list[ResultRow]:
        return [row for row in self.rows if row.unranked_reason]


def unranked_reason(idea: Idea) -> str:
    """Why a scored idea stays out of the ranking: it is no longer a candidate."""
    if idea.status == IdeaStatus.MERGED:
        return str(_("Merged into another idea"))
    if idea.is_hidden:
        return str(_("Hidden by moderation"))
    return ""


def interpret_alpha(values: list[list[Hashable | None]]) -> Agreement:
    try:
        alpha = stats.krippendorff_alpha(values, "interval")
    except stats.AlphaUndefined as error:
        return Agreement(alpha=None, level="undefined", reason=str(error))
    if alpha >= RELIABLE:
        level = "reliable"
    elif alpha >= TENTATIVE:
        level = "tentative"
    else:
        level = "low"
    return Agreement(alpha=alpha, level=level)


def submitted_scores(challenge: Challenge) -> list[stats.Score]:
    """Every score of a submitted evaluation in the challenge, as plain data."""
    rows = Score.objects.filter(
        evaluation__assignment__idea__challenge=challenge,
        evaluation__submitted_at__isnull=False,
    ).values_list(
        "evaluation__assignment__idea_id",
        "evaluation__assignment__evaluator_id",
        "criterion_id",
        "value",
    )
    return [
        stats.Score(idea=idea, evaluator=evaluator, criterion=criterion, value=value)
        for idea, evaluator, criterion, value in rows
    ]


def evaluation_results(*, challenge: Challenge) -> Results:
    """Weighted scores, ranks, per-criterion spread and rater agreement of a challenge.

    Ideas are those with at least one evaluator; only submitted evaluations count.
    """
    criteria = criteria_of(challenge)
    counts = {
        row["idea_id"]: row
        for row in EvaluatorAssignment.objects.filter(idea__challenge=challenge)
        .values("idea_id")
        .annotate(
            assigned=Count("pk"),
            submitted=Count("pk", filter=Q(evaluation__submitted_at__isnull=False)),
        )
    }
    ideas: dict[Hashable, Idea] = {
        idea.pk: idea
        for idea in Idea.objects.filter(pk__in=list(counts)).select_related("organisation")
    }
    for idea in ideas.values():
        idea.challenge = challenge  # rules read the phases prefetched on this one
    ledger = dict(
        StatusChange.objects.filter(idea_id__in=list(ideas), ledger_sequence__isnull=False)
        .order_by("created_at", "pk")
        .values_list("idea_id", "ledger_sequence")
    )
    scores = submitted_scores(challenge)
    method_criteria = stats_criteria(criteria)
    reasons = {pk: unranked_reason(idea) for pk, idea in ideas.items()}
    # Hidden and merged ideas are scored apart, so they neither take a rank nor push others
    # down; they are listed after the ranking with the reason.
    ranked = stats.weighted_scores(
        [s for s in scores if not reasons.get(s.idea)],
        method_criteria,
        [pk for pk in ideas if not reasons[pk]],
    )
    unranked = stats.weighted_scores(
        [s for s in scores if reasons.get(s.idea)],
        method_criteria,
        [pk for pk in ideas if reasons[pk]],
    )
    rows = []
    for result in [*ranked, *unranked]:
        idea = ideas[result.idea]
        rows.append(
            ResultRow(
                idea=idea,
                score=result.score,
                rank=None if reasons[idea.pk] else result.rank,
                assigned=counts[idea.pk]["assigned"],
                submitted=counts[idea.pk]["submitted"],
                cells=[CriterionCell(c, result.criteria.get(c.pk)) for c in criteria],
                ledger_sequence=ledger.get(idea.pk),
                unranked_reason=reasons[idea.pk],
            )
        )
    per_criterion = []
    if criteria:
        summaries = stats.criterion_summaries(scores, method_criteria)
        for criterion in criteria:
            data = stats.reliability_data(
                (s.idea, s.evaluator, s.value) for s in scores if s.criterion == criterion.pk
            )
            per_criterion.append((criterion, interpret_alpha(data), summaries[criterion.pk]))
    return Results(
        challenge=challenge,
        criteria=criteria,
        rows=rows,
        overall=interpret_alpha(evaluator_score_data(scores, method_criteria)),
        per_criterion=per_criterion,
    )


def evaluator_score_data(
    scores: list[stats.Score], criteria: list[stats.Criterion]
) -> list[list[Hashable | None]]:
    """Reliability data of each evaluator's own weighted 0-100 score of each idea.

    The overall agreement is on the number that drives the ranking: every evaluator's
    scorecard reduced to one weighted score, as if they had been the only evaluator.
    """
    if not criteria or not scores:
        return []
    per_evaluator = [
        stats.Score(
            idea=(s.idea, s.evaluator), evaluator=s.evaluator, criterion=s.criterion, value=s.value
        )
        for s in scores
    ]
    # Each result's idea is the (idea, evaluator) pair it was scored under above.
    triples = [
        (*cast(tuple[Hashable, Hashable], result.idea), result.score)
        for result in stats.weighted_scores(per_evaluator, criteria)
        if result.score is not None
    ]
    return stats.reliability_data(triples)


@dataclass
class EvaluatorRecord:
    """One evaluator's work on one idea, as those who decide see it."""

    label: str
    submitted: bool
    comment: str
    scores: dict[int, Score]  # by criterion id; empty until submitted


@dataclass
class IdeaEvaluations:
    idea: Idea
    criteria: list[Criterion]
    evaluators: list[EvaluatorRecord]
    anonymous: bool

    def by_criterion(self) -> list[tuple[Criterion, list[tuple[str, Score]]]]:
        """Each criterion with the submitted scores given on it, evaluator by evaluator."""
        return [
            (
                criterion,
                [
                    (e.label, e.scores[criterion.pk])
                    for e in self.evaluators
                    if criterion.pk in e.scores
                ],
            )
            for criterion in self.criteria
        ]


def evaluator_label(*, anonymous: bool, position: int, user: User) -> str:
    if anonymous:
        return str(_("Evaluator %(number)s") % {"number": position})
    return user.display_name or str(_("An evaluator"))


def evaluator_records(
    *, assignments: QuerySet[EvaluatorAssignment], anonymous: bool
) -> dict[int, list[EvaluatorRecord]]:
    """Each idea's evaluators with their submitted scores and comments, in three queries.

    Drafts are not shown (an evaluator may still change their mind): a draft counts as not
    submitted. When the scorecard makes evaluators anonymous they are numbered per idea in the
    order they were assigned, so the numbers stay put as evaluations come in.
    """
    rows = (
        assignments.select_related("evaluator", "evaluation")
        .prefetch_related(
            Prefetch("evaluation__scores", queryset=Score.objects.order_by("criterion_id"))
        )
        .order_by("idea_id", "created_at", "pk")
    )
    records: dict[int, list[EvaluatorRecord]] = {}
    for assignment in rows:
        evaluation = getattr(assignment, "evaluation", None)
        submitted = evaluation is not None and evaluation.submitted_at is not None
        given = records.setdefault(assignment.idea_id, [])
        given.append(
            EvaluatorRecord(
                label=evaluator_label(
                    anonymous=anonymous, position=len(given) + 1, user=assignment.evaluator
                ),
                submitted=submitted,
                comment=evaluation.comment if evaluation is not None and submitted else "",
                scores=(
                    {score.criterion_id: score for score in evaluation.scores.all()}
                    if evaluation is not None and submitted
                    else {}
                ),
            )
        )
    return records


def idea_evaluations(*, idea: Idea) -> IdeaEvaluations:
    """Every evaluator's scores and comments on `idea`, for its evaluations page."""
    anonymous = scorecard_of(idea.challenge).evaluators_anonymous
    records = evaluator_records(
        assignments=EvaluatorAssignment.objects.filter(idea=idea), anonymous=anonymous
    )
    return IdeaEvaluations(
        idea=idea,
        criteria=criteria_of(idea.challenge),
        evaluators=records.get(idea.pk, []),
        anonymous=anonymous,
    )


def idea_result_summary(*, idea: Idea) -> dict[str, int | float | None]:
    """The numbers the idea page shows managers: evaluators assigned and done, the score."""
    counts = EvaluatorAssignment.objects.filter(idea=idea).aggregate(
        assigned=Count("pk"),
        submitted=Count("pk", filter=Q(evaluation__submitted_at__isnull=False)),
    )
    return {"assigned": counts["assigned"], "submitted": counts["submitted"], "score": idea.score}


def assigned_count(*, user: User | AnonymousUser, challenge: Challenge) -> int:
    """How many of the challenge's ideas are assigned to `user` for evaluation."""
    if not user.is_authenticated:
        return 0
    return EvaluatorAssignment.objects.filter(evaluator=user, idea__challenge=challenge).count()


def people_by_ids(ids: list[int]) -> list[User]:
    """Accounts by id, in id order (the caller reports ids that are not there)."""
    return list(get_user_model().objects.filter(pk__in=ids).order_by("pk"))


def organisations_with_assignments(*, user: User) -> QuerySet[Organisation]:
    """The organisations in which `user` has been assigned ideas to evaluate."""
    return Organisation.objects.filter(
        pk__in=EvaluatorAssignment.objects.filter(evaluator=user).values("idea__organisation")
    ).order_by("name")
