"""Writes for evaluation: the scorecard and its criteria, evaluator assignments and scores.

Every function checks its named rule, runs in one transaction and writes an audit row. The
idea's stored `score` (0-100, for sorting lists) is recomputed from its submitted evaluations
in the same transaction as each submission, so lists never show a stale figure; submissions
for one idea queue on its row lock, so evaluators submitting at the same moment cannot leave a
score that misses one of them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.challenges.models import (
    Challenge,
    Criterion,
    Evaluation,
    EvaluatorAssignment,
    Idea,
    Score,
    Scorecard,
)
from civiclab.challenges.selectors.evaluation import (
    IDEAS_IN_REVIEW,
    conflicted_evaluators,
    criteria_locked,
    evaluators_of,
    scorecard_of,
)
from civiclab.core import clock
from civiclab.core.limits import check_lengths, max_length_of, too_long
from civiclab.core.notifications import notify
from civiclab.core.services import audit_record
from civiclab.methods import stats

from ._internal import idea_score_recompute


def _require(actor: User | AnonymousUser, perm: str, obj: Model | None, message: str) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


# --- scorecard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    """A criterion as sent to `criteria_replace`: with `id` to keep one, without to add."""

    name: str
    guidance: str = ""
    weight: Decimal | float | int = 1
    scale_min: int = 1
    scale_max: int = 5
    lower_is_better: bool = False
    id: int | None = None


def scorecard_replace(
    *,
    actor: User,
    challenge: Challenge,
    blind: bool,
    evaluators_per_idea: int,
    guidance: str,
    pairwise_enabled: bool,
    evaluators_anonymous: bool = False,
    criteria: list[CriterionInput] | None = None,
) -> Scorecard:
    """Set the scorecard's settings and, when given, make its criteria exactly `criteria`
    (see `criteria_replace`): all of it written, or nothing."""
    _require_manage_scorecard(actor, challenge)
    if evaluators_per_idea < 1:
        raise ValidationError({"evaluators_per_idea": _("Each idea needs at least one evaluator.")})
    check_lengths(Scorecard, {"guidance": guidance})
    if criteria is not None:
        _check_criteria_inputs(criteria)
    with transaction.atomic():
        scorecard, _created = Scorecard.objects.select_for_update().get_or_create(
            challenge=challenge
        )
        scorecard.blind = blind
        scorecard.evaluators_per_idea = evaluators_per_idea
        scorecard.guidance = guidance
        scorecard.pairwise_enabled = pairwise_enabled
        scorecard.evaluators_anonymous = evaluators_anonymous
        scorecard.save()
        audit_record(
            actor=actor,
            action=AuditAction.SCORECARD_CHANGED,
            subject=challenge,
            organisation_id=challenge.organisation_id,
            details={
                "blind": blind,
                "evaluators_per_idea": evaluators_per_idea,
                "pairwise_enabled": pairwise_enabled,
                "evaluators_anonymous": evaluators_anonymous,
            },
        )
        if criteria is not None:
            _write_criteria(
                actor=actor, challenge=challenge, scorecard=scorecard, criteria=criteria
            )
    challenge.scorecard = scorecard
    return scorecard


def _require_manage_scorecard(actor: User, challenge: Challenge) -> None:
    _require(
        actor,
        "challenges.manage_scorecard",
        challenge,
        _("Only the challenge's innovation leads and administrators can change its scorecard."),
    )


CRITERION_FIELDS = ("name", "guidance", "weight", "scale_min", "scale_max", "lower_is_better")


def _locked_error() -> ValidationError:
    return ValidationError(
        _(
            "The criteria cannot change any more: evaluators have already submitted scores "
            "against them. Changing them now would make earlier and later scores incomparable."
        ),
        code="criteria_locked",
    )


def _check_criterion(
    name: str, weight: Decimal | float | int, scale_min: int, scale_max: int, guidance: str = ""
) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter the name of the criterion.")
    for field, text in (("name", name), ("guidance", guidance)):
        message = too_long(str(text or "").strip(), max_length_of(Criterion, field) or 0)
        if message:
            errors[field] = message
    if Decimal(str(weight)) < 0:
        errors["weight"] = _("The weight cannot be negative.")
    if scale_max <= scale_min:
        errors["scale_max"] = _("The highest score must be above the lowest score.")
    elif scale_max - scale_min > 100:
        errors["scale_max"] = _("A scale can have at most 101 points.")
    if errors:
        raise ValidationError(errors)


def _no_weight_error(field: str) -> ValidationError:
    return ValidationError(
        {
            field: [
                _(
                    "At least one criterion needs a weight above zero: with every weight at zero "
                    "no idea can get a score."
                )
            ]
        },
        code="all_weights_zero",
    )


def _check_some_weight(weights: list[Decimal], field: str) -> None:
    """Refuse a scorecard whose criteria all weigh nothing (an empty one is allowed)."""
    if weights and all(weight == 0 for weight in weights):
        raise _no_weight_error(field)


def criterion_save(
    *,
    actor: User,
    challenge: Challenge,
    criterion: Criterion | None = None,
    name: str,
    guidance: str = "",
    weight: Decimal | float | int = 1,
    scale_min: int = 1,
    scale_max: int = 5,
    lower_is_better: bool = False,
    position: int | None = None,
) -> Criterion:
    """Add a criterion (no `criterion`) or change one; refused once scores were submitted."""
    _require(
        actor,
        "challenges.manage_scorecard",
        challenge,
        _("Only the challenge's innovation leads and administrators can change its scorecard."),
    )
    _check_criterion(name, weight, scale_min, scale_max, guidance)
    with transaction.atomic():
        scorecard, _created = Scorecard.objects.get_or_create(challenge=challenge)
        if criteria_locked(challenge):
            raise _locked_error()
        if criterion is None:
            criterion = Criterion(scorecard=scorecard)
            if position is None:
                position = scorecard.criteria.count()
        elif criterion.scorecard_id != scorecard.pk:
            raise PermissionDenied(_("This criterion belongs to another challenge."))
        others = scorecard.criteria.exclude(pk=criterion.pk).values_list("weight", flat=True)
        _check_some_weight([*others, Decimal(str(weight))], "weight")
        criterion.name = name.strip()
        criterion.guidance = guidance
        criterion.weight = Decimal(str(weight))
        criterion.scale_min = scale_min
        criterion.scale_max = scale_max
        criterion.lower_is_better = lower_is_better
        if position is not None:
            criterion.position = position
        adding = criterion.pk is None
        criterion.save()
        audit_record(
            actor=actor,
            action=AuditAction.CRITERION_ADDED if adding else AuditAction.CRITERION_CHANGED,
            subject=challenge,
            organisation_id=challenge.organisation_id,
            details={
                "criterion": criterion.name,
                "weight": str(criterion.weight),
                "scale": [scale_min, scale_max],
                "lower_is_better": lower_is_better,
            },
        )
    return criterion


def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    challenge = criterion.scorecard.challenge
    _require(
        actor,
        "challenges.manage_scorecard",
        challenge,
        _("Only the challenge's innovation leads and administrators can change its scorecard."),
    )
    with transaction.atomic():
        if criteria_locked(challenge):
            raise _locked_error()
        others = criterion.scorecard.criteria.exclude(pk=criterion.pk)
        _check_some_weight(list(others.values_list("weight", flat=True)), "criterion")
        name = criterion.name
        criterion.delete()
        audit_record(
            actor=actor,
            action=AuditAction.CRITERION_REMOVED,
            subject=challenge,
            organisation_id=challenge.organisation_id,
            details={"criterion": name},
        )


def criteria_replace(
    *, actor: User, challenge: Challenge, criteria: list[CriterionInput]
) -> list[Criterion]:
    """Make the scorecard's criteria exactly `criteria`, in this order, in one transaction.

    Criteria with an id are changed, those without are added, and those left out removed.
    Refused (with nothing written) once scores were submitted, unless nothing changes.
    """
    _require_manage_scorecard(actor, challenge)
    _check_criteria_inputs(criteria)
    with transaction.atomic():
        scorecard, _created = Scorecard.objects.get_or_create(challenge=challenge)
        return _write_criteria(
            actor=actor, challenge=challenge, scorecard=scorecard, criteria=criteria
        )


def _check_criteria_inputs(criteria: list[CriterionInput]) -> None:
    errors: dict[str, list[str]] = {}
    for index, given in enumerate(criteria):
        try:
            _check_criterion(
                given.name, given.weight, given.scale_min, given.scale_max, given.guidance
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"criteria.{index}.{name}"] = messages
    if errors:
        raise ValidationError(errors)
    _check_some_weight([Decimal(str(given.weight)) for given in criteria], "criteria")


def _write_criteria(
    *, actor: User, challenge: Challenge, scorecard: Scorecard, criteria: list[CriterionInput]
) -> list[Criterion]:
    """Replace the criteria with checked inputs and audit it, in the caller's transaction."""
    existing = {c.pk: c for c in scorecard.criteria.all()}
    unknown = [g.id for g in criteria if g.id is not None and g.id not in existing]
    if unknown:
        raise ValidationError(
            {
                "criteria": [
                    _("These criteria are not on this scorecard: %(ids)s.")
                    % {"ids": ", ".join(map(str, unknown))}
                ]
            }
        )
    if _criteria_differ(existing, criteria) and criteria_locked(challenge):
        raise _locked_error()
    kept = {g.id for g in criteria if g.id is not None}
    removed = [c for pk, c in existing.items() if pk not in kept]
    for criterion in removed:
        criterion.delete()
    saved = []
    for position, given in enumerate(criteria):
        found = existing.get(given.id) if given.id is not None else None
        criterion = found or Criterion(scorecard=scorecard)
        criterion.name = given.name.strip()
        criterion.guidance = given.guidance
        criterion.weight = Decimal(str(given.weight))
        criterion.scale_min = given.scale_min
        criterion.scale_max = given.scale_max
        criterion.lower_is_better = given.lower_is_better
        criterion.position = position
        criterion.save()
        saved.append(criterion)
    audit_record(
        actor=actor,
        action=AuditAction.CRITERIA_REPLACED,
        subject=challenge,
        organisation_id=challenge.organisation_id,
        details={
            "criteria": [c.name for c in saved],
            "removed": [c.name for c in removed],
        },
    )
    return saved


def _criteria_differ(existing: dict[int, Criterion], criteria: list[CriterionInput]) -> bool:
    if [g.id for g in criteria] != list(existing):
        return True
    for given in criteria:
        assert given.id is not None  # every id matched an existing criterion above
        current = existing[given.id]
        if (
            current.name != given.name.strip()
            or current.guidance != given.guidance
            or current.weight != Decimal(str(given.weight))
            or (current.scale_min, current.scale_max) != (given.scale_min, given.scale_max)
            or current.lower_is_better != given.lower_is_better
        ):
            return True
    return False


# --- assignments ----------------------------------------------------------------------------


def _require_assign(actor: User, challenge: Challenge) -> None:
    _require(
        actor,
        "challenges.assign_evaluators",
        challenge,
        _(
            "Only the challenge's innovation leads and administrators can assign evaluators, "
            "during the submission and review phases."
        ),
    )


def _tell_evaluators(challenge: Challenge, assignments: list[EvaluatorAssignment]) -> None:
    """One notification per evaluator with new work, however many ideas they were given."""
    counts: dict[int, int] = {}
    people = {}
    for assignment in assignments:
        counts[assignment.evaluator_id] = counts.get(assignment.evaluator_id, 0) + 1
        people[assignment.evaluator_id] = assignment.evaluator
    url = reverse("challenges:my_evaluations", kwargs={"org_slug": challenge.organisation.slug})
    for user_id, count in counts.items():
        notify(
            recipients=[people[user_id]],
            verb="challenges.evaluators_assigned",
            title=ngettext(
                "You have %(count)s new idea to evaluate in “%(challenge)s”",
                "You have %(count)s new ideas to evaluate in “%(challenge)s”",
                count,
            )
            % {"count": count, "challenge": challenge.title},
            body=_("Score them during the review phase; your list shows your progress."),
            url=url,
        )


def assignments_add(
    *, actor: User, idea: Idea, evaluators: Sequence[User]
) -> list[EvaluatorAssignment]:
    """Assign `evaluators` to `idea` by hand; people already assigned are left as they are."""
    challenge = idea.challenge
    _require_assign(actor, challenge)
    allowed = {user.pk for user in evaluators_of(idea.organisation)}
    conflicts = {user_id for _idea, user_id in conflicted_evaluators([idea.pk])}
    errors = []
    for person in evaluators:
        if person.pk not in allowed:
            errors.append(
                _("%(name)s is not an evaluator of this organisation.") % {"name": person}
            )
        elif person.pk in conflicts:
            errors.append(
                _("%(name)s wrote or co-wrote this idea and cannot evaluate it.") % {"name": person}
            )
    if errors:
        raise ValidationError({"evaluators": errors})
    with transaction.atomic():
        existing = set(idea.assignments.values_list("evaluator_id", flat=True))
        created = EvaluatorAssignment.objects.bulk_create(
            [
                EvaluatorAssignment(idea=idea, evaluator=person, assigned_by=actor)
                for person in evaluators
                if person.pk not in existing
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.EVALUATORS_ASSIGNED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={"evaluators": [a.evaluator_id for a in created], "automatic": False},
        )
        _tell_evaluators(challenge, created)
    return created


def assignment_remove(*, actor: User, assignment: EvaluatorAssignment) -> None:
    idea = assignment.idea
    _require_assign(actor, idea.challenge)
    evaluation = Evaluation.objects.filter(assignment=assignment).first()
    if evaluation is not None and evaluation.submitted_at is not None:
        raise ValidationError(
            _("This evaluator has already submitted scores; the assignment stays.")
        )
    with transaction.atomic():
        evaluator_id = assignment.evaluator_id
        assignment.delete()
        audit_record(
            actor=actor,
            action=AuditAction.EVALUATOR_UNASSIGNED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={"evaluator": evaluator_id},
        )


@dataclass(frozen=True)
class AutomaticAssignment:
    ideas: int
    created: int


def assignments_automatic(
    *, actor: User, challenge: Challenge, seed: int = 0
) -> AutomaticAssignment:
    """Give every idea in review the scorecard's number of evaluators, balanced and without
    conflicts of interest. Ideas that already have some evaluators are topped up."""
    _require_assign(actor, challenge)
    per_idea = scorecard_of(challenge).evaluators_per_idea
    people = [user.pk for user in evaluators_of(challenge.organisation)]
    ideas = list(
        Idea.objects.filter(
            challenge=challenge, status__in=IDEAS_IN_REVIEW, is_hidden=False
        ).values_list("pk", "title")
    )
    titles = dict(ideas)
    held: dict[int, set[int]] = {pk: set() for pk in titles}
    for idea_id, user_id in EvaluatorAssignment.objects.filter(idea_id__in=titles).values_list(
        "idea_id", "evaluator_id"
    ):
        held[idea_id].add(user_id)
    conflicts = conflicted_evaluators(list(titles))
    # Ideas grouped by how many evaluators they still need; each group is balanced.
    missing: dict[int, list[int]] = {}
    for idea_id, holders in held.items():
        need = per_idea - len(holders)
        if need > 0:
            missing.setdefault(need, []).append(idea_id)
    plan: dict[int, list[int]] = {}
    short: list[int] = []
    for need, idea_ids in sorted(missing.items()):
        barred = conflicts | {(i, u) for i in idea_ids for u in held[i]}
        try:
            # The ideas and evaluators given are ids, so the plan holds ids.
            assigned = stats.balanced_assignment(idea_ids, people, need, barred, seed=seed)
            plan.update(cast(dict[int, list[int]], assigned))
        except stats.InfeasibleAssignment as error:
            short.extend(cast(list[int], error.ideas))
        except ValueError:
            short.extend(idea_ids)
    if short:
        names = ", ".join(f"“{titles[i]}”" for i in short[:10])
        more = len(short) - 10
        raise ValidationError(
            _(
                "There are not enough evaluators without a conflict of interest to give "
                "%(per_idea)s evaluators to: %(names)s%(more)s. Add evaluators to the "
                "organisation or lower the number of evaluators per idea."
            )
            % {
                "per_idea": per_idea,
                "names": names,
                "more": _(" and %(count)s more") % {"count": more} if more > 0 else "",
            },
            code="infeasible",
        )
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=people)}
    with transaction.atomic():
        created = EvaluatorAssignment.objects.bulk_create(
            [
                EvaluatorAssignment(idea_id=idea_id, evaluator=users[user_id], assigned_by=actor)
                for idea_id, user_ids in plan.items()
                for user_id in user_ids
            ],
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            action=AuditAction.EVALUATORS_ASSIGNED,
            subject=challenge,
            organisation_id=challenge.organisation_id,
            details={"automatic": True, "ideas": len(plan), "assignments": len(created)},
        )
        _tell_evaluators(challenge, created)
    return AutomaticAssignment(ideas=len(plan), created=len(created))


# --- scoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreInput:
    value: int | None
    comment: str = ""


def evaluation_save(
    *,
    actor: User,
    assignment: EvaluatorAssignment,
    scores: dict[int, ScoreInput],
    comment: str = "",
    submit: bool = False,
) -> Evaluation:
    """Save an evaluator's scores as a draft, or submit them.

    `scores` maps criterion ids to a value (None while undecided in a draft) and a comment.
    A submitted evaluation stays submitted when changed again (until the review phase ends),
    and every submission recomputes the idea's stored score.
    """
    idea = assignment.idea
    if assignment.evaluator_id != actor.pk:
        raise PermissionDenied(_("This idea is assigned to somebody else."))
    # Checked here as well as in the rule: no role (not even a platform administrator's)
    # lets anybody score an idea they wrote or co-wrote.
    if actor.pk in {user_id for _idea, user_id in conflicted_evaluators([idea.pk])}:
        raise PermissionDenied(_("You wrote or co-wrote this idea, so you cannot score it."))
    _require(
        actor,
        "challenges.evaluate_idea",
        idea,
        _("You can score this idea only while the review phase is open."),
    )
    criteria = list(Criterion.objects.filter(scorecard__challenge_id=idea.challenge_id))
    if not criteria:
        raise ValidationError(_("The scorecard has no criteria yet; there is nothing to score."))
    check_lengths(Evaluation, {"comment": comment})
    _check_scores(criteria, scores)
    with transaction.atomic():
        # Every submission for this idea queues on the idea's row, so each recomputes the
        # stored score from all the evaluations committed before it (never from a view that
        # misses a submission made at the same moment); the rule is checked again on it.
        idea = (
            Idea.objects.select_for_update(of=("self",))
            .select_related("challenge", "organisation")
            .get(pk=idea.pk)
        )
        _require(
            actor,
            "challenges.evaluate_idea",
            idea,
            _("You can score this idea only while the review phase is open."),
        )
        evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
            assignment=assignment
        )
        submit = submit or evaluation.submitted_at is not None
        if submit:
            _check_complete(criteria, scores)
        evaluation.comment = comment
        if submit:
            evaluation.submitted_at = clock.now()
        evaluation.save()
        _write_scores(evaluation, criteria, scores)
        if submit:
            idea_score_recompute(idea=idea)
        audit_record(
            actor=actor,
            action=AuditAction.EVALUATION_SUBMITTED if submit else AuditAction.EVALUATION_SAVED,
            subject=idea,
            organisation_id=idea.organisation_id,
            details={"assignment": assignment.pk},
        )
    return evaluation


def _check_scores(criteria: list[Criterion], scores: dict[int, ScoreInput]) -> None:
    by_id = {criterion.pk: criterion for criterion in criteria}
    errors: dict[str, list[str]] = {}
    comment_limit = max_length_of(Score, "comment") or 0
    for criterion_id, given in scores.items():
        criterion = by_id.get(criterion_id)
        too_long_comment = too_long(str(given.comment or "").strip(), comment_limit)
        if too_long_comment:
            errors[f"comment_{criterion_id}"] = [too_long_comment]
        if criterion is None:
            errors.setdefault("scores", []).append(
                _("There is no criterion %(id)s on this scorecard.") % {"id": criterion_id}
            )
        elif given.value is None and given.comment.strip():
            # A comment is kept with its score; dropping it silently would lose work.
            errors[f"score_{criterion_id}"] = [
                _("Choose a score for “%(name)s” to keep your comment on it.") % {"name": criterion}
            ]
        elif given.value is not None and not (
            criterion.scale_min <= given.value <= criterion.scale_max
        ):
            errors[f"score_{criterion_id}"] = [
                _("Choose a score from %(low)s to %(high)s for “%(name)s”.")
                % {"low": criterion.scale_min, "high": criterion.scale_max, "name": criterion}
            ]
    if errors:
        raise ValidationError(errors)


def _check_complete(criteria: list[Criterion], scores: dict[int, ScoreInput]) -> None:
    errors = {
        f"score_{criterion.pk}": [
            _("Choose a score for “%(name)s” before you submit.") % {"name": criterion}
        ]
        for criterion in criteria
        if scores.get(criterion.pk) is None or scores[criterion.pk].value is None
    }
    if errors:
        raise ValidationError(errors)


def _write_scores(
    evaluation: Evaluation, criteria: list[Criterion], scores: dict[int, ScoreInput]
) -> None:
    existing = {score.criterion_id: score for score in evaluation.scores.all()}
    for criterion in criteria:
        given = scores.get(criterion.pk)
        current = existing.get(criterion.pk)
        if given is None or given.value is None:
            if current is not None:
                current.delete()
            continue
        if current is None:
            Score.objects.create(
                evaluation=evaluation,
                criterion=criterion,
                value=given.value,
                comment=given.comment,
            )
        elif (current.value, current.comment) != (given.value, given.comment):
            current.value, current.comment = given.value, given.comment
            current.save(update_fields=["value", "comment"])
