"""Reads shared by every app: the audit trail."""

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import AuditEvent


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
