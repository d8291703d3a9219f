"""Daily and weekly digests: one e-mail per person with the notifications they chose to
receive that way, title and link only.

`send_daily_digests` and `send_weekly_digests` are tasks that `core.scheduler` enqueues
(`settings.SCHEDULE`, "notification-digest-daily" and "-weekly", both daily at midnight UTC
by default). A run works out the period it belongs to from the clock (its day, or its ISO
week starting Monday, in UTC) and, for each person with unread notifications of a kind they
want in that digest, not e-mailed yet and made in the last two periods (older ones are left
on the site), does this:

1. asks again, as `notify()` would at any delivery, whether the person may still read what
   each notification is about, and leaves out what they may not;
2. in one transaction, writes the person's `NotificationDigest` row for the period (unique on
   person, frequency and period) and marks the notifications as e-mailed in it, claiming
   only those nobody has claimed (a conditional UPDATE);
3. sends the e-mail after the commit, and records when it left.

A retried or doubled run of the same period finds the digest row, or finds the notifications
claimed, and sends nothing again. When the mail server refuses the e-mail, the claim is
undone, so the next run tries again.
"""

import logging
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django_tasks import task

from . import clock
from .models import Delivery, Notification, NotificationDigest
from .notifications import (
    _chosen_deliveries,
    _deliverable,
    _reachable,
    absolute_url,
    email_context,
    kind_for,
    send_with_unsubscribe,
)
from .unsubscribe import EVERY_KIND

logger = logging.getLogger(__name__)

PERIOD_LENGTH = {Delivery.DAILY: timedelta(days=1), Delivery.WEEKLY: timedelta(days=7)}


def period_start(frequency: Delivery, at: datetime) -> date:
    """The period a run at `at` belongs to: its day, or the Monday of its ISO week (UTC).

    A person gets at most one digest of each frequency per period, whichever run sends it:
    the weekly task runs every day and the first run of a week with something to tell sends
    it, so a Monday missed while every worker was down is caught up on Tuesday.
    """
    day = at.astimezone(UTC).date()
    if frequency == Delivery.DAILY:
        return day
    return day - timedelta(days=day.weekday())


def digests_send(frequency: Delivery, *, at: datetime | None = None) -> dict[str, int]:
    """Send the `frequency` digest to everyone who has something in one and has not had
    one this period.

    Returns how many digests were sent, failed, or were already sent for this period.
    """
    at = at or clock.now()
    period = period_start(frequency, at)
    since = at - 2 * PERIOD_LENGTH[frequency]
    candidates = list(
        Notification.objects.filter(
            read_at__isnull=True,
            emailed_at__isnull=True,
            digest__isnull=True,
            created_at__gte=since,
            created_at__lt=at,
        )
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    chosen = _chosen_deliveries(candidates)
    by_person: dict[int, list[Notification]] = {}
    for n in candidates:
        if chosen.get((n.recipient_id, n.verb), kind_for(n.verb).default) == frequency:
            by_person.setdefault(n.recipient_id, []).append(n)
    counts = {"sent": 0, "failed": 0, "already_sent": 0}
    for notifications in by_person.values():
        outcome = _digest_send_one(frequency, period, notifications)
        if outcome:
            counts[outcome] += 1
    return counts


def _digest_send_one(
    frequency: Delivery, period: date, notifications: list[Notification]
) -> str | None:
    recipient = notifications[0].recipient
    if not _reachable([recipient]) or not recipient.email:
        return None
    # Access is asked again now: a notification about something the person may no longer
    # read stays out of the e-mail (and on the site, where the same check hides it).
    deliverable = _deliverable(recipient, notifications)
    if not deliverable:
        return None
    try:
        with transaction.atomic():
            digest = NotificationDigest.objects.create(
                recipient=recipient, frequency=frequency, period=period
            )
            claimed = Notification.objects.filter(
                pk__in=[n.pk for n in deliverable],
                emailed_at__isnull=True,
                digest__isnull=True,
            ).update(digest=digest, emailed_at=clock.now())
            if not claimed:
                raise _NothingLeft
    except IntegrityError:
        return "already_sent"
    except _NothingLeft:
        return "already_sent"
    items = list(digest.notifications.order_by("created_at", "id"))
    if _send_digest(digest, items, recipient.email):
        NotificationDigest.objects.filter(pk=digest.pk).update(sent_at=clock.now())
        return "sent"
    # The mail server refused it: give the notifications back to the next run.
    with transaction.atomic():
        Notification.objects.filter(digest=digest).update(digest=None, emailed_at=None)
        digest.delete()
    return "failed"


class _NothingLeft(Exception):
    """Another run claimed every notification of this digest first."""


def _send_digest(digest: NotificationDigest, items: list[Notification], address: str) -> bool:
    common = email_context(user_id=digest.recipient_id, kind=EVERY_KIND, address=address)
    context = {
        "digest": digest,
        "daily": digest.frequency == Delivery.DAILY,
        "items": [{"title": n.title, "url": absolute_url(n.url)} for n in items],
        **common,
    }
    subject = " ".join(render_to_string("core/email/digest_subject.txt", context).split())
    body = render_to_string("core/email/digest_body.txt", context)
    return send_with_unsubscribe(
        subject=subject,
        body=body,
        address=address,
        unsubscribe_url=common["unsubscribe_url"],
        what=f"{digest.frequency} digest",
    )


@task()
def send_daily_digests() -> dict[str, int]:
    """The daily digest, for everyone who chose it for some kind and has news."""
    return digests_send(Delivery.DAILY)


@task()
def send_weekly_digests() -> dict[str, int]:
    """The weekly digest, for everyone who chose it for some kind, has news and has had no
    weekly digest this ISO week."""
    return digests_send(Delivery.WEEKLY)
