"""The rows of a challenge's idea export, as the person exporting may see them.

The rows are the ones the same person sees in the idea list with the same filters, read from
the database in chunks so that 100,000 ideas never sit in memory at once.

Spreadsheet programs run a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return) as a formula, also after leading spaces or as a full-width equals sign, and idea titles are
written by anyone: such cells get a leading apostrophe (`core.spreadsheet`, OWASP "CSV
injection").
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.core import clock
from civiclab.core.spreadsheet import neutralise

from ..models import Challenge, EvaluatorAssignment, Idea, IdeaStatus, InnovationType
from .evaluation import criteria_of, evaluation_results, evaluator_records, scorecard_of
from .lists import IdeaFilters, IdeaScope, idea_queryset, ordered, search_ids

CHUNK_SIZE = 2000


STATUS_LABELS = dict(IdeaStatus.choices)


TYPE_LABELS = dict(InnovationType.choices)


def export_filename(challenge: Challenge, extension: str, *, what: str = "ideas") -> str:
    """`ideas-<challenge>-2026-12-03.csv`: what, whose and when, for every download."""
    stamp = clock.today().strftime("%Y-%m-%d")
    return f"{what}-{challenge.slug}-{stamp}.{extension}"


def _headers(with_scores: bool, with_hidden: bool) -> list[str]:
    headers = [
        _("Id"),
        _("Title"),
        _("Status"),
        _("Reason for the status"),
        _("Author"),
        _("Submitted"),
        _("Supports"),
        _("Comments"),
        _("Types of innovation"),
        _("Tags"),
    ]
    if with_scores:
        headers.append(_("Score (0-100)"))
    if with_hidden:
        headers.append(_("Hidden by moderators"))
    headers.append(_("Address"))
    return headers


def _hides_authors(actor: User | AnonymousUser, challenge: Challenge) -> bool:
    """Blind review hides authors from evaluators; their exports must not reveal them."""
    if actor.has_perm("challenges.view_idea_scores", challenge):
        return False
    scorecard = getattr(challenge, "scorecard", None) if _has_scorecard(challenge) else None
    return bool(scorecard and scorecard.blind)


def _has_scorecard(challenge: Challenge) -> bool:
    try:
        challenge.scorecard  # noqa: B018
    except Challenge.scorecard.RelatedObjectDoesNotExist:
        return False
    return True


def _ideas(scope: IdeaScope, filters: IdeaFilters) -> Iterator[Idea]:
    rank: dict[int, int] | None
    if filters.q:
        ids = search_ids(scope=scope, filters=filters)
        rank = {idea_id: position for position, idea_id in enumerate(ids)}
        ideas = Idea.objects.filter(pk__in=ids)
    else:
        rank = None
        ideas = ordered(idea_queryset(scope=scope, filters=filters), filters.effective_sort)
    ideas = ideas.select_related("author").prefetch_related("tags")
    ideas = ideas.only(
        "pk",
        "title",
        "status",
        "status_reason",
        "author__display_name",
        "created_at",
        "support_count",
        "comment_count",
        "innovation_types",
        "score",
        "is_hidden",
    )
    if rank is not None:
        return iter(sorted(ideas, key=lambda idea: rank[idea.pk]))
    return ideas.iterator(chunk_size=CHUNK_SIZE)


def export_rows(
    *,
    actor: User | AnonymousUser,
    challenge: Challenge,
    scope: IdeaScope,
    filters: IdeaFilters,
    local_dates: bool,
) -> Iterator[list[Any]]:
    """The header row, then one row per idea; `local_dates` gives spreadsheets naive local
    times, otherwise ISO 8601 with the offset."""
    with_scores = scope.sees_scores
    with_hidden = scope.sees_hidden
    hide_authors = _hides_authors(actor, challenge)
    # One reverse() for the whole export: the address differs only by the idea's number.
    base = settings.SITE_URL.rstrip("/") if getattr(settings, "SITE_URL", "") else ""
    head, tail = _address_parts(challenge)
    head = base + head
    yield _headers(with_scores, with_hidden)
    for idea in _ideas(scope, filters):
        created_at = timezone.localtime(idea.created_at)
        created: datetime | str
        if local_dates:
            created = created_at.replace(tzinfo=None, microsecond=0)  # spreadsheets: local time
        else:
            created = created_at.isoformat(timespec="seconds")
        row: list[Any] = [
            idea.pk,
            idea.title,
            str(STATUS_LABELS.get(idea.status, idea.status)),
            idea.status_reason,
            "" if hide_authors else idea.author.display_name,
            created,
            idea.support_count,
            idea.comment_count,
            "; ".join(str(TYPE_LABELS.get(t, t)) for t in idea.innovation_types or []),
            "; ".join(tag.name for tag in idea.tags.all()),
        ]
        if with_scores:
            row.append(round(idea.score, 1) if idea.score is not None else None)
        if with_hidden:
            row.append(_("yes") if idea.is_hidden else _("no"))
        row.append(f"{head}{idea.pk}{tail}")
        yield [neutralise(value) for value in row]


def _address_parts(challenge: Challenge) -> tuple[str, str]:
    org_slug = challenge.organisation.slug
    try:
        pattern = reverse("challenges:idea_detail", kwargs={"org_slug": org_slug, "pk": 0})
    except NoReverseMatch:
        pattern = f"/organisations/{org_slug}/ideas/0/"
    head, _zero, tail = pattern.rpartition("0")
    return head, tail


# --- evaluation results ---------------------------------------------------------------------


def results_rows(*, challenge: Challenge) -> Iterator[list[Any]]:
    """The ranking as a table: a header, then one row per idea with evaluators, ranked first.

    Criterion columns hold the mean score on the criterion's own scale.
    """
    results = evaluation_results(challenge=challenge)
    yield [
        str(_("Rank")),
        str(_("Idea number")),
        str(_("Title")),
        str(_("Status")),
        str(_("Score (0-100)")),
        str(_("Evaluations submitted")),
        str(_("Evaluators assigned")),
        str(_("Not ranked because")),
        *[str(criterion.name) for criterion in results.criteria],
    ]
    for row in results.rows:
        cells = [
            row.rank,
            row.idea.pk,
            row.idea.title,
            str(STATUS_LABELS.get(row.idea.status, row.idea.status)),
            round(row.score, 1) if row.score is not None else None,
            row.submitted,
            row.assigned,
            row.unranked_reason,
            *[round(c.summary.mean, 2) if c.summary else None for c in row.cells],
        ]
        yield [neutralise(value) for value in cells]


def evaluation_comment_rows(*, challenge: Challenge) -> Iterator[list[Any]]:
    """Every submitted score with its comment, one row per idea, evaluator and criterion, and
    each evaluator's overall comment (criterion left empty). Evaluators are named or numbered
    as the scorecard says (`idea_evaluations`)."""
    yield [
        str(_("Idea number")),
        str(_("Title")),
        str(_("Evaluator")),
        str(_("Criterion")),
        str(_("Score")),
        str(_("Comment")),
    ]
    names = {criterion.pk: criterion.name for criterion in criteria_of(challenge)}
    titles = dict(
        Idea.objects.filter(challenge=challenge, assignments__isnull=False).values_list(
            "pk", "title"
        )
    )
    records = evaluator_records(
        assignments=EvaluatorAssignment.objects.filter(idea__challenge=challenge),
        anonymous=scorecard_of(challenge).evaluators_anonymous,
    )
    for idea_id, evaluators in records.items():
        for evaluator in evaluators:
            if not evaluator.submitted:
                continue
            for criterion_id, score in evaluator.scores.items():
                cells = [
                    idea_id,
                    titles.get(idea_id, ""),
                    evaluator.label,
                    names.get(criterion_id, ""),
                    score.value,
                    score.comment,
                ]
                yield [neutralise(value) for value in cells]
            if evaluator.comment:
                cells = [
                    idea_id,
                    titles.get(idea_id, ""),
                    evaluator.label,
                    "",
                    None,
                    evaluator.comment,
                ]
                yield [neutralise(value) for value in cells]
