"""Telling people what happened: in-app notifications and the e-mail that goes with them.

Apps call `notify()` inside their service's transaction: the rows land with the change they
describe. Once it has committed, a task (`send_notification_emails`) is enqueued for the
worker to send the e-mails, so no request waits on the mail server and a rolled-back change
tells nobody. The task carries notification ids, never addresses.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.template.loader import render_to_string
from django_tasks import task

from . import clock
from .models import Notification
from .people import Person

logger = logging.getLogger(__name__)

_emails_withheld: ContextVar[bool] = ContextVar("civiclab_emails_withheld", default=False)


def _reachable(recipients: Iterable[Any]) -> list[Any]:
    """Distinct, active, not anonymised users, in the order given."""
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or user.pk is None or user.pk in seen:
            continue
        seen.add(user.pk)
        if not getattr(user, "is_active", True) or getattr(user, "is_anonymised", False):
            continue
        users.append(user)
    return users


def absolute_url(url: str) -> str:
    if not url or "://" in url:
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def _send_email(notification: Notification, address: str) -> bool:
    context = {
        "notification": notification,
        "url": absolute_url(notification.url),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("core/email/notification_subject.txt", context).split())
    body = render_to_string("core/email/notification_body.txt", context)
    try:
        send_mail(subject, body, None, [address])
    except Exception:
        # A mail server that is down must not stop the other e-mails; the in-app
        # notification is there. The error may quote the address: do not log it.
        logger.error("Could not send a %s notification e-mail.", notification.verb)
        return False
    return True


@task()
def send_notification_emails(notification_ids: list[int]) -> dict[str, int]:
    """E-mail each notification to its recipient, as the account stands now.

    Someone who deleted or deactivated their account, or has no address, since the
    notification was made gets no e-mail. Returns how many were sent and how many failed.
    """
    notifications = {
        n.pk: n
        for n in Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    }
    counts = {"sent": 0, "failed": 0}
    for pk in notification_ids:
        notification = notifications.get(pk)
        if notification is None or not _reachable([notification.recipient]):
            continue
        address = notification.recipient.email
        if not address:
            continue
        counts["sent" if _send_email(notification, address) else "failed"] += 1
    return counts


@contextmanager
def emails_withheld() -> Iterator[None]:
    """Within the block, `notify()` makes in-app notifications only and e-mails nobody."""
    token = _emails_withheld.set(True)
    try:
        yield
    finally:
        _emails_withheld.reset(token)


def notify(
    *,
    recipients: Iterable[Any],
    verb: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    actor: Person | None = None,
) -> list[Notification]:
    """Create one notification per distinct reachable recipient; e-mail them after commit.

    `verb` is `<app>.<event>` (e.g. `challenges.idea_status_changed`), `url` a path on this site.
    Deleted (anonymised) and deactivated accounts are skipped. Pass `actor` whenever the
    title or body names the person who acted: deleting their account renames them there.
    """
    users = _reachable(recipients)
    if not users:
        return []
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                actor_id=actor.pk if actor is not None else None,
                verb=verb,
                title=str(title)[:200],
                body=str(body),
                url=url,
            )
            for user in users
        ]
    )
    if email and not _emails_withheld.get():
        ids = [n.pk for n, u in zip(notifications, users, strict=True) if u.email]
        if ids:
            # robust: a queue that cannot be reached must not turn the committed change into
            # an error page; the in-app notifications are there.
            transaction.on_commit(lambda: send_notification_emails.enqueue(ids), robust=True)
    return notifications


# Reads and writes of one person's inbox


def unread_count(user: Person) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def inbox(user: Person) -> QuerySet[Notification]:
    """The person's notifications, unread first, newest first within each group."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .alias(unread=unread)
        .order_by("-unread", "-created_at", "-id")
    )


def notification_mark_read(*, user: Person, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; someone else's is not found."""
    notification = Notification.objects.get(pk=notification_id, recipient_id=user.pk)
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Person) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )
