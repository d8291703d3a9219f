"""Reads shared by every app: the audit trail and the site search."""

import datetime
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from .models import AuditEvent
from .search import registry as search_registry
from .search.query import ranked_hits
from .search.registry import Result


def _start_of_day(day: datetime.date, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def audit_events(
    *,
    organisation_id: int,
    action: str = "",
    actor_id: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    time_zone: str = "UTC",
) -> QuerySet[AuditEvent]:
    """An organisation's audit events, newest first, filtered; whole days in `time_zone`."""
    tz = zoneinfo.ZoneInfo(time_zone)
    events = AuditEvent.objects.filter(organisation_id=organisation_id).select_related("actor")
    if action:
        events = events.filter(action=action)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(occurred_at__gte=_start_of_day(since, tz))
    if until is not None:
        next_day = until + datetime.timedelta(days=1)
        events = events.filter(occurred_at__lt=_start_of_day(next_day, tz))
    return events.order_by("-occurred_at", "-id")


def audit_actions(*, organisation_id: int) -> list[str]:
    """The distinct actions recorded for an organisation, for a filter."""
    return list(
        AuditEvent.objects.filter(organisation_id=organisation_id)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_actors(*, organisation_id: int) -> QuerySet:
    """The people who appear as actors in an organisation's audit trail, for a filter."""
    actor_ids = AuditEvent.objects.filter(
        organisation_id=organisation_id, actor__isnull=False
    ).values("actor_id")
    return get_user_model().objects.filter(pk__in=actor_ids).order_by("display_name", "email")


# -- site search (ADR 14) ------------------------------------------------------------------


@dataclass
class SiteSearch:
    """One page of a site search: the results the viewer may see, best first."""

    text: str
    kinds: list[str]
    page: Page[Any] | None
    results: list[Result]
    total: int


def site_search(
    *,
    user: AbstractBaseUser | AnonymousUser,
    text: str,
    kinds: Sequence[str] = (),
    page_number: int | str | None = 1,
    per_page: int = 20,
) -> SiteSearch:
    """Everything of the registered kinds matching `text` that `user` may see, ranked.

    One full-text query (every language: organisations write in different ones), then per
    kind one query keeping what the viewer may see (the kind's own visibility rule, in SQL)
    and one loading the page's objects. At most 500 matches are ranked.
    """
    text = (text or "").strip()[:200]
    chosen = search_registry.kinds(kinds)
    if not text:
        return SiteSearch(text=text, kinds=chosen, page=None, results=[], total=0)
    hits = ranked_hits(text=text, kinds=chosen, limit=500)
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    visible: set[tuple[str, int]] = set()
    for kind, ids in by_kind.items():
        searchable = search_registry.for_kind(kind)
        objects = searchable.visible(user, searchable.model._default_manager.filter(pk__in=ids))
        visible.update((kind, pk) for pk in objects.values_list("pk", flat=True))
    ranked = [(hit.kind, hit.object_id) for hit in hits if (hit.kind, hit.object_id) in visible]
    paginator = Paginator(ranked, per_page)
    page = paginator.get_page(page_number)
    wanted: dict[str, list[int]] = {}
    for kind, pk in page.object_list:
        wanted.setdefault(kind, []).append(pk)
    loaded: dict[tuple[str, int], Result] = {}
    for kind, ids in wanted.items():
        searchable = search_registry.for_kind(kind)
        objects = searchable.model._default_manager.filter(pk__in=ids).select_related(
            *searchable.related
        )
        for result in searchable.results(list(objects)):
            loaded[(kind, result.obj.pk)] = result
    results = [loaded[key] for key in page.object_list if key in loaded]
    return SiteSearch(text=text, kinds=chosen, page=page, results=results, total=len(ranked))
