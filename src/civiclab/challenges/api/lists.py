"""API endpoints for the idea collections: `/challenges/{id}/ideas` (list and submit) and `/ideas`.

Readable without an account, like the pages; a token or a session shows what that person
may see besides (staff-only challenges, hidden ideas for moderators, scores for managers).

Pagination is by cursor ("keyset"): each answer carries `next`, the address of the following
page, until there is none. A cursor holds the sort key and id of the last idea returned, so
the next page starts with an index seek however deep it is, and an idea added meanwhile
neither repeats nor skips a row. Search results (`q`) are ranked in memory; their cursor is a
position in that ranking.

Submissions through the API carry no attachments: files are added on the idea's edit page.
"""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from civiclab.accounts.api_auth import PUBLIC_READ
from civiclab.core.api import bad_cursor, cursor_decode, cursor_encode, request_user, url_with
from civiclab.organisations import access as organisation_access

from .. import access
from ..models import Idea, IdeaStatus, InnovationType, PhaseKind
from ..selectors.lists import (
    SORT_NEWEST,
    SORT_SCORE,
    SORT_SUPPORTED,
    SORT_TRENDING,
    IdeaFilters,
    IdeaScope,
    challenge_scope,
    idea_window,
    organisation_scope,
)
from ..services.ideas import idea_create
from .challenges import ORGANISATION_NOT_FOUND
from .ideas import IdeaIn, IdeaOut, full_idea, idea_out, tags_from_slugs

router = Router(tags=["ideas"])

Sort = Literal["relevance", "newest", "supported", "trending", "score"]


class ChallengeRef(Schema):
    id: int
    slug: str
    title: str


class IdeaListItem(Schema):
    id: int
    title: str
    summary: str
    status: str
    status_label: str
    innovation_types: list[str]
    tags: list[str] = Field(description="Tag slugs.")
    support_count: int
    comment_count: int
    created_at: datetime
    challenge: ChallengeRef
    is_hidden: bool = Field(description="Only ever true for moderators.")
    score: float | None = Field(description="Evaluation score 0-100; null unless you manage.")
    url: str

    @staticmethod
    def resolve_status_label(idea: Idea) -> str:
        return str(idea.get_status_display())

    @staticmethod
    def resolve_tags(idea: Idea) -> list[str]:
        return [tag.slug for tag in idea.tags.all()]

    @staticmethod
    def resolve_score(idea: Idea, context: dict) -> float | None:
        return idea.score if getattr(idea, "_sees_scores", False) else None

    @staticmethod
    def resolve_url(idea: Idea) -> str:
        try:
            return idea.get_absolute_url()
        except NoReverseMatch:
            return f"/organisations/{idea.organisation.slug}/ideas/{idea.pk}/"


class IdeaListPage(Schema):
    items: list[IdeaListItem]
    count: int = Field(description="Ideas matching the filters (may lag by up to a minute).")
    page_size: int
    next: str | None = Field(description="The next page's address; null on the last page.")


class IdeaListFilters(Schema):
    status: IdeaStatus | None = Field(None, description="Merged ideas appear only when asked.")
    innovation_type: InnovationType | None = None
    tag: str | None = Field(None, max_length=60, description="A tag's slug.")
    q: str | None = Field(None, max_length=200, description="Search text; sorts by relevance.")
    sort: Sort | None = Field(None, description="`score` is for the challenge's managers.")
    cursor: str | None = Field(
        None,
        max_length=400,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="The `next` address's cursor; one this API did not give out is a 404.",
    )
    page_size: int = Field(20, ge=1, le=100)


class OrganisationIdeaFilters(IdeaListFilters):
    organisation: str = Field(description="The organisation's slug.", max_length=80)
    phase: PhaseKind | None = Field(None, description="Only challenges now in this phase.")


def _filters(params: IdeaListFilters, *, phase: str = "") -> IdeaFilters:
    return IdeaFilters(
        status=params.status.value if params.status else "",
        innovation_type=params.innovation_type.value if params.innovation_type else "",
        tag=params.tag or "",
        phase=phase,
        q=" ".join((params.q or "").split()),
        sort=params.sort or "",
    )


# -- cursors -------------------------------------------------------------------------------


def _after(sort: str, cursor: dict[str, Any]) -> Q:
    """Ideas after the cursor's (key, id) in the list's order, phrased for an index seek."""
    key, last_id = cursor.get("k"), cursor.get("i")
    if not isinstance(last_id, int):
        raise bad_cursor()
    try:
        if sort == SORT_NEWEST:
            key = datetime.fromisoformat(key)
            field = "created_at"
        elif sort == SORT_SUPPORTED:
            key, field = int(key), "support_count"
        elif sort == SORT_TRENDING:
            key, field = float(key), "trending_score"
        else:  # score: highest first, unscored ideas last
            if key is None:
                return Q(score__isnull=True, id__lt=last_id)
            key = float(key)
            return Q(score__lt=key) | Q(score=key, id__lt=last_id) | Q(score__isnull=True)
    except (TypeError, ValueError) as error:
        raise bad_cursor() from error
    # `key <= k AND (key < k OR id < i)`: the first condition lets the database seek the
    # (challenge, key, id) index instead of walking it from the top.
    return Q(**{f"{field}__lte": key}) & (Q(**{f"{field}__lt": key}) | Q(id__lt=last_id))


def _cursor_of(sort: str, idea: Idea) -> str:
    key: Any = {
        SORT_NEWEST: lambda: idea.created_at.isoformat(),
        SORT_SUPPORTED: lambda: idea.support_count,
        SORT_TRENDING: lambda: idea.trending_score,
        SORT_SCORE: lambda: idea.score,
    }[sort]()
    return cursor_encode({"s": sort, "k": key, "i": idea.pk})


def _mark(ideas, scope: IdeaScope) -> list[Idea]:
    rows = list(ideas)
    for idea in rows:
        idea._sees_scores = scope.sees_scores
    return rows


def _page(
    request: HttpRequest,
    scope: IdeaScope,
    filters: IdeaFilters,
    params: IdeaListFilters,
) -> dict[str, Any]:
    sort = filters.effective_sort
    if sort == SORT_SCORE and not scope.sees_scores:
        raise PermissionDenied(_("Only the people who run this challenge can sort by score."))
    cursor = cursor_decode(params.cursor)
    size = params.page_size
    if filters.q:
        return _search_page(request, scope, filters, cursor, size)
    after = None
    if cursor:
        if cursor.get("s") != sort:
            raise HttpError(404, _("This cursor belongs to another sort order."))
        after = _after(sort, cursor)
    window = idea_window(scope=scope, filters=filters, after=after)
    count = window.count()
    rows = _mark(window[: size + 1], scope)
    more = len(rows) > size
    rows = rows[:size]
    return {
        "items": rows,
        "count": count,
        "page_size": size,
        "next": url_with(request, cursor=_cursor_of(sort, rows[-1])) if more and rows else None,
    }


def _search_page(request, scope, filters, cursor: dict[str, Any], size: int) -> dict[str, Any]:
    offset = cursor.get("o", 0) if cursor else 0
    if not isinstance(offset, int) or offset < 0 or (cursor and cursor.get("s") != "q"):
        raise bad_cursor()
    window = idea_window(scope=scope, filters=filters)
    count = window.count()
    rows = _mark(window[offset : offset + size], scope)
    more = offset + size < count
    return {
        "items": rows,
        "count": count,
        "page_size": size,
        "next": url_with(request, cursor=cursor_encode({"s": "q", "o": offset + size}))
        if more
        else None,
    }


# -- endpoints -----------------------------------------------------------------------------


@router.get(
    "/challenges/{challenge_id}/ideas",
    response=IdeaListPage,
    auth=PUBLIC_READ,
    summary="Ideas of a challenge",
)
def challenge_ideas(request, challenge_id: int, params: Query[IdeaListFilters]):
    """The ideas of one challenge, filtered and sorted like its idea list page."""
    viewer = request_user(request)
    challenge = access.challenge_for_user(
        user=viewer, pk=challenge_id, perm="challenges.list_ideas"
    )
    scope = challenge_scope(user=viewer, challenge=challenge)
    return _page(request, scope, _filters(params), params)


@router.post(
    "/challenges/{challenge_id}/ideas",
    response={201: IdeaOut},
    summary="Submit an idea to a challenge",
)
def create_idea(request, challenge_id: int, payload: IdeaIn):
    """Submit an idea to a challenge (JSON; attachments are added on the idea's edit page)."""
    user = request_user(request)
    challenge = access.challenge_for_user(user=user, pk=challenge_id)
    fields = payload.dict()
    fields["innovation_types"] = [str(kind) for kind in payload.innovation_types]
    fields["tags"] = tags_from_slugs(challenge.organisation_id, payload.tags)
    idea = idea_create(actor=user, challenge=challenge, **fields)
    return Status(201, idea_out(request, full_idea(request, idea.pk)))


@router.get(
    "/ideas",
    response=IdeaListPage,
    auth=PUBLIC_READ,
    summary="Ideas of an organisation",
    openapi_extra={"responses": {404: {"description": ORGANISATION_NOT_FOUND}}},
)
def organisation_ideas(request, params: Query[OrganisationIdeaFilters]):
    """Ideas across the organisation's challenges you can see; `phase` keeps challenges in it."""
    viewer = request_user(request)
    organisation = organisation_access.active_organisation_for_user(
        user=viewer, slug=params.organisation
    )
    phase = params.phase.value if params.phase else ""
    scope = organisation_scope(user=viewer, organisation=organisation, phase=phase)
    return _page(request, scope, _filters(params, phase=phase), params)
