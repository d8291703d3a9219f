"""Telling people what happened: in-app notifications and the e-mail that goes with them.

Apps call `notify()` inside their service's transaction: the rows land with the change they
describe, and the e-mails leave only once it has committed (a rolled-back change tells nobody).
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.template.loader import render_to_string

from . import clock
from .models import Notification

logger = logging.getLogger(__name__)


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


def _send_email(notification: Notification, address: str) -> None:
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
        # A mail server that is down must not undo or break what already happened; the
        # in-app notification is there. The error may quote the address: do not log it.
        logger.error("Could not send a %s notification e-mail.", notification.verb)


def notify(
    *,
    recipients: Iterable[Any],
    verb: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one notification per distinct reachable recipient; e-mail them on commit.

    `verb` is `<app>.<event>` (e.g. `challenges.idea_status_changed`), `url` a path on this site.
    Deleted (anonymised) and deactivated accounts are skipped.
    """
    users = _reachable(recipients)
    if not users:
        return []
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, verb=verb, title=str(title)[:200], body=str(body), url=url)
            for user in users
        ]
    )
    if email:
        pairs = [(n, u.email) for n, u in zip(notifications, users, strict=True) if u.email]

        def send_all() -> None:
            for notification, address in pairs:
                _send_email(notification, address)

        transaction.on_commit(send_all)
    return notifications


# Reads and writes of one person's inbox


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(user: Any):
    """The person's notifications, unread first, newest first within each group."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        Notification.objects.filter(recipient=user)
        .alias(unread=unread)
        .order_by("-unread", "-created_at", "-id")
    )


def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; someone else's is not found."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=clock.now()
    )
