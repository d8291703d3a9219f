"""Reads for idea lists: who sees which ideas, filters, sorts, search, counts and pages.

Every list (the challenge's page, the organisation-wide page, the API, the exports) goes
through `idea_queryset`, so the same person sees the same ideas everywhere.

Counting: with 100,000 ideas in a challenge a `COUNT(*)` costs more than the page itself, so
page counts are cached for 60 seconds per list, filters and kind of viewer. The cache key
carries a token that changes whenever any idea of the organisation is created, edited,
hidden or has its status changed, so a new idea shows up in the count at once; only changes
made with bulk updates (which send no signals) wait for the 60 seconds.
"""

import hashlib
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.functional import cached_property

from civiclab.accounts.models import User
from civiclab.core import clock
from civiclab.core.search.languages import language_for_country
from civiclab.core.search.query import ranked_hits
from civiclab.organisations.models import Organisation

from ..models import Challenge, Idea, IdeaStatus, Tag
from .challenges import visibility_filter

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_SUPPORTED = "supported"
SORT_TRENDING = "trending"
SORT_SCORE = "score"

# Each ordering matches an index on Idea (challenge, <key>, -id), so a page is an index walk.
ORDERINGS: dict[str, tuple[Any, ...]] = {
    SORT_NEWEST: ("-created_at", "-id"),
    SORT_SUPPORTED: ("-support_count", "-id"),
    SORT_TRENDING: ("-trending_score", "-id"),
    SORT_SCORE: (F("score").desc(nulls_last=True), "-id"),
}
SORTS = (SORT_RELEVANCE, *ORDERINGS)
# A search reads at most this many ranked matches: enough for a person reading a list.
SEARCH_LIMIT = 500
COUNT_TTL = 60
# Counters the services update on every support or comment: they never change a list's size.
COUNTER_FIELDS = frozenset({"support_count", "comment_count", "trending_score", "score"})


@dataclass(frozen=True)
class IdeaFilters:
    """What the viewer asked for; empty strings mean "any"."""

    status: str = ""
    innovation_type: str = ""
    tag: str = ""
    phase: str = ""
    q: str = ""
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        if self.sort == SORT_RELEVANCE and not self.q:
            return SORT_NEWEST
        return self.sort or (SORT_RELEVANCE if self.q else SORT_NEWEST)

    @property
    def is_filtered(self) -> bool:
        return any((self.status, self.innovation_type, self.tag, self.phase, self.q))


@dataclass
class IdeaScope:
    """Which challenges a list covers and what the viewer may see in them."""

    organisation: Organisation
    challenges: list[Challenge]
    sees_hidden: bool
    sees_scores: bool
    viewer_id: int | None = None
    label: str = field(default="")


# -- who sees what -------------------------------------------------------------------------


def visible_challenges(
    *, user: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Challenge]:
    """The organisation's challenges `user` may see (`challenges.view_challenge`, in SQL)."""
    return (
        Challenge.objects.filter(visibility_filter(user), organisation=organisation)
        .order_by("pk")
        .prefetch_related("phases")
    )


def challenge_scope(*, user: User | AnonymousUser, challenge: Challenge) -> IdeaScope:
    return IdeaScope(
        organisation=challenge.organisation,
        challenges=[challenge],
        sees_hidden=user.has_perm("challenges.view_hidden_ideas", challenge),
        sees_scores=user.has_perm("challenges.view_idea_scores", challenge),
        viewer_id=user.pk if user.is_authenticated else None,
        label=f"c{challenge.pk}",
    )


def organisation_scope(
    *, user: User | AnonymousUser, organisation: Organisation, phase: str = ""
) -> IdeaScope:
    """Every challenge of the organisation the viewer may see; `phase` keeps those in it."""
    challenges = list(visible_challenges(user=user, organisation=organisation))
    if phase:
        now = clock.now()
        challenges = [c for c in challenges if c.current_phase_kind(now) == phase]
    return IdeaScope(
        organisation=organisation,
        challenges=challenges,
        sees_hidden=user.has_perm("challenges.view_hidden_ideas", organisation),
        sees_scores=user.has_perm("challenges.view_idea_scores", organisation),
        viewer_id=user.pk if user.is_authenticated else None,
        label=f"o{organisation.pk}:" + ",".join(str(c.pk) for c in challenges),
    )


def _visibility(scope: IdeaScope) -> Q:
    if scope.sees_hidden:
        return Q()
    # Authors keep seeing their own hidden ideas, so they can follow what happened.
    if scope.viewer_id is not None:
        return Q(is_hidden=False) | Q(author_id=scope.viewer_id)
    return Q(is_hidden=False)


# -- the list ------------------------------------------------------------------------------


def idea_queryset(*, scope: IdeaScope, filters: IdeaFilters) -> QuerySet[Idea]:
    """The ideas of `scope` matching `filters`, unordered and without search."""
    ideas = Idea.objects.filter(_visibility(scope))
    if len(scope.challenges) == 1:
        ideas = ideas.filter(challenge=scope.challenges[0])
    else:
        ideas = ideas.filter(
            organisation=scope.organisation, challenge_id__in=[c.pk for c in scope.challenges]
        )
    if filters.status:
        ideas = ideas.filter(status=filters.status)
    else:
        # Merged ideas live on inside the idea they joined; list them only when asked.
        ideas = ideas.exclude(status=IdeaStatus.MERGED)
    if filters.innovation_type:
        # The JSON list is stored as text on SQLite and as jsonb on PostgreSQL; the quoted
        # value matches one element on both (no type name contains another in quotes).
        ideas = ideas.filter(innovation_types__icontains=f'"{filters.innovation_type}"')
    if filters.tag:
        # EXISTS rather than a join: the database then walks the sort order's index and
        # checks each idea's tag through the (idea, tag) unique index, stopping after a
        # page; a join made it gather and sort every idea with the tag (thousands).
        tagged = Idea.tags.through.objects.filter(
            idea_id=OuterRef("pk"), tag__organisation=scope.organisation, tag__slug=filters.tag
        )
        ideas = ideas.filter(Exists(tagged))
    return ideas


def with_row_data(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    """What a list row shows, in two queries however many rows (ideas, then their tags)."""
    return ideas.select_related("organisation", "challenge").prefetch_related("tags")


def ordered(ideas: QuerySet[Idea], sort: str) -> QuerySet[Idea]:
    return ideas.order_by(*ORDERINGS.get(sort, ORDERINGS[SORT_NEWEST]))


def search_ids(*, scope: IdeaScope, filters: IdeaFilters) -> list[int]:
    """Ids matching the search text among what the viewer may see, most relevant first.

    The database's full-text search ranks (`core.search`, ADR 14), in the organisation's
    language; one more query keeps what the viewer may see with the filters applied.
    """
    if not scope.challenges or not filters.q.strip():
        return []
    hits = ranked_hits(
        text=filters.q,
        kinds=["challenges.idea"],
        languages_=[language_for_country(scope.organisation.country)],
        scope_ids=[c.pk for c in scope.challenges],
        limit=SEARCH_LIMIT,
    )
    ranked = [hit.object_id for hit in hits]
    if not ranked:
        return []
    allowed = set(
        idea_queryset(scope=scope, filters=filters)
        .filter(pk__in=ranked)
        .values_list("pk", flat=True)
    )
    return [idea_id for idea_id in ranked if idea_id in allowed]


# -- counts --------------------------------------------------------------------------------


def _list_token_key(organisation_id: int) -> str:
    return f"challenges:idea-list-token:{organisation_id}"


def list_token(organisation_id: int) -> str:
    key = _list_token_key(organisation_id)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key) or ""
    return token


def list_changed(organisation_id: int) -> None:
    cache.set(_list_token_key(organisation_id), uuid.uuid4().hex, None)


def cached_count(*, scope: IdeaScope, filters: IdeaFilters, ideas: QuerySet[Idea]) -> int:
    """`ideas.count()`, remembered for 60 s per list, filters and kind of viewer."""
    if scope.sees_hidden:
        viewer = "all"
    elif scope.viewer_id is not None:
        viewer = f"u{scope.viewer_id}"
    else:
        viewer = "public"
    parts = {
        "scope": scope.label,
        "stamp": [c.created_at.timestamp() for c in scope.challenges[:1] if c.created_at],
        "viewer": viewer,
        "filters": asdict(filters) | {"sort": ""},
        "token": list_token(scope.organisation.pk),
    }
    digest = hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()[:32]
    key = f"challenges:idea-count:{digest}"
    count = cache.get(key)
    if count is None:
        count = ideas.count()
        cache.set(key, count, COUNT_TTL)
    return count


class IdeaWindow:
    """A list's ideas in the list's order, read one window (a slice) at a time.

    `count()` is the number of ideas matching the filters (cached, see `cached_count`);
    slicing reads only the rows asked for, with their row data, in a constant number of
    queries whatever the window's size. Without search: one indexed query for the window and
    one for its tags; `after` (a condition on the sort key and id, for keyset paging) narrows
    the rows but not the count. With search: the index ranks, one query keeps what the
    viewer may see (and one sorts, for a sort other than relevance), and the window is read
    in that order. Django's `Paginator` takes it as its object list for numbered pages.
    """

    def __init__(self, *, scope: IdeaScope, filters: IdeaFilters, after: Q | None = None) -> None:
        if after is not None and filters.q:
            raise ValueError("A search result is windowed by position, not by key.")
        self.scope = scope
        self.filters = filters
        self.after = after

    @cached_property
    def _ranked_ids(self) -> list[int]:
        ids = search_ids(scope=self.scope, filters=self.filters)
        sort = self.filters.effective_sort
        if sort != SORT_RELEVANCE:
            ids = list(ordered(Idea.objects.filter(pk__in=ids), sort).values_list("pk", flat=True))
        return ids

    def count(self) -> int:
        if self.filters.q:
            return len(self._ranked_ids)
        ideas = idea_queryset(scope=self.scope, filters=self.filters)
        return cached_count(scope=self.scope, filters=self.filters, ideas=ideas)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Idea]:
        if not isinstance(window, slice):
            raise TypeError("IdeaWindow reads slices of the list.")
        if self.filters.q:
            rank = {idea_id: n for n, idea_id in enumerate(self._ranked_ids[window])}
            rows = with_row_data(Idea.objects.filter(pk__in=list(rank)))
            return sorted(rows, key=lambda idea: rank[idea.pk])
        ideas = idea_queryset(scope=self.scope, filters=self.filters)
        if self.after is not None:
            ideas = ideas.filter(self.after)
        return list(with_row_data(ordered(ideas, self.filters.effective_sort))[window])


def idea_window(*, scope: IdeaScope, filters: IdeaFilters, after: Q | None = None) -> IdeaWindow:
    """The ideas of a list, to read by slices: pages and API window the same list."""
    return IdeaWindow(scope=scope, filters=filters, after=after)


def idea_page(
    *, scope: IdeaScope, filters: IdeaFilters, page_number: int | str | None, per_page: int = 20
) -> Page[Idea]:
    """One numbered page of the list (a page number out of range gives the nearest page)."""
    window = idea_window(scope=scope, filters=filters)
    # Paginator only counts and slices its object list; the stub asks for a whole sequence.
    paginator: Paginator[Idea] = Paginator(window, per_page)  # type: ignore[arg-type]
    return paginator.get_page(page_number)


def visible_tags(*, scope: IdeaScope) -> list[Tag]:
    """The tags the filter offers: those on an idea of `scope` its viewer may see, so that a
    tag used only in a staff-only challenge or on a hidden idea is not given away."""
    ideas = Idea.objects.filter(
        _visibility(scope), challenge_id__in=[c.pk for c in scope.challenges]
    )
    used = Idea.tags.through.objects.filter(idea__in=ideas).values("tag_id")
    return list(Tag.objects.filter(organisation=scope.organisation, pk__in=used).order_by("name"))


# -- keeping counts honest (called by ../receivers.py) ----------------------------------------


def announce_list_change(organisation_id: int) -> None:
    """The organisation's idea lists changed: counts cached before now are not used again."""
    # Now, for this process and this transaction's own reads; again after commit, for the
    # other processes, which could otherwise cache a count read before the commit.
    list_changed(organisation_id)
    transaction.on_commit(lambda: list_changed(organisation_id))
