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

from ..models import Challenge, Idea, IdeaStatus, InnovationType
from .lists import IdeaFilters, IdeaScope, idea_queryset, ordered, search_ids

CHUNK_SIZE = 2000


STATUS_LABELS = dict(IdeaStatus.choices)


TYPE_LABELS = dict(InnovationType.choices)


def export_filename(challenge: Challenge, extension: str) -> str:
    stamp = clock.today().strftime("%Y-%m-%d")
    return f"ideas-{challenge.slug}-{stamp}.{extension}"


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
