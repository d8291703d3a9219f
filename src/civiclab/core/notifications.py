"""Telling people what happened: in-app notifications and the e-mail that goes with them.

Apps call `notify()` inside their service's transaction: the rows land with the change they
describe. Once it has committed, a task (`send_notification_emails`) is enqueued for the
worker to send the e-mails, so no request waits on the mail server and a rolled-back change
tells nobody. The task carries notification ids, never addresses.

A notification says what it is about (`notify(about=idea)`), and whether its recipient may
still read that object is asked again at every delivery: when the e-mail leaves and whenever
the notifications page lists it. Someone who lost access since (removed from the
organisation, the challenge closed to staff, the idea hidden) is neither e-mailed nor shown
it; the row is kept, so it comes back if access does. The rule asked for each model comes
from `register_read_check`, which the apps above core fill from their `AppConfig.ready()`
(every discussable model is registered with its `read_perm`). A notification about an
object whose model has no registered rule, or that no longer exists, is not delivered.

E-mails carry no confidential content: the title (written so its recipient may read it) and
a link. What the notification says beyond that (a comment's excerpt, a decision's reason) is
on the notifications page and on the object's page, behind the same check.

Each kind of notification (its verb) is declared with `register_kind` by the app that sends it,
with a label and a default delivery. A person may choose, per kind, to hear of it on the site
and by e-mail straight away, in a daily or weekly digest (`core.digests`), on the site only,
or not at all (`NotificationPreference`; without a row the kind's default holds). Every
e-mail carries a signed one-click unsubscribe link and the RFC 8058 headers
(`core.unsubscribe`). Each notification is e-mailed at most once (`emailed_at`, claimed with a
conditional UPDATE), so a retried task sends nothing twice.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Model, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_tasks import task

from . import clock, unsubscribe
from .models import Delivery, Notification, NotificationPreference
from .people import Person, PersonWithPermissions

logger = logging.getLogger(__name__)

_emails_withheld: ContextVar[bool] = ContextVar("civiclab_emails_withheld", default=False)


# The kinds of notification and how each person wants to hear of them


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its verb, what the preferences page calls it, its default."""

    verb: str
    label: str | Promise
    default: Delivery = Delivery.IMMEDIATE


_kinds: dict[str, Kind] = {}


def register_kind(
    verb: str, label: str | Promise, *, default: Delivery = Delivery.IMMEDIATE
) -> None:
    """Declare a kind of notification (from the sending app's `AppConfig.ready()`)."""
    _kinds[verb] = Kind(verb=verb, label=label, default=Delivery(default))


def kinds() -> list[Kind]:
    """Every declared kind, in the order of their labels."""
    return sorted(_kinds.values(), key=lambda kind: str(kind.label))


def kind_for(verb: str) -> Kind:
    """The declared kind of `verb`; an undeclared verb is e-mailed straight away."""
    return _kinds.get(verb) or Kind(verb=verb, label=verb)


def deliveries_for(user_ids: Iterable[int], verb: str) -> dict[int, Delivery]:
    """How each of these people wants to hear of `verb` now: one query."""
    user_ids = list(user_ids)
    default = kind_for(verb).default
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=verb).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: Delivery(chosen.get(pk, default)) for pk in user_ids}


def preferences_of(user: Person) -> dict[str, Delivery]:
    """The person's delivery for every declared kind, their choice or the default."""
    mine = NotificationPreference.objects.filter(user_id=user.pk or 0)
    chosen = dict(mine.values_list("kind", "delivery"))
    return {kind.verb: Delivery(chosen.get(kind.verb, kind.default)) for kind in kinds()}


def notification_preferences_set(
    *, user: Person, deliveries: dict[str, str]
) -> dict[str, Delivery]:
    """Record the person's choices (verb to delivery) and return all their preferences.

    Raises ValidationError naming each unknown kind or delivery; nothing is written then.
    """
    errors = {}
    for verb, delivery in deliveries.items():
        if verb not in _kinds:
            errors[verb] = _("There is no kind of notification called “%(kind)s”.") % {"kind": verb}
        elif delivery not in Delivery.values:
            errors[verb] = _(
                "“%(delivery)s” is not a way of delivering notifications; "
                "choose one of %(choices)s."
            ) % {"delivery": delivery, "choices": ", ".join(Delivery.values)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for verb, delivery in deliveries.items():
            NotificationPreference.objects.update_or_create(
                user_id=user.pk, kind=verb, defaults={"delivery": delivery}
            )
    return preferences_of(user)


def notification_emails_stop(*, user_id: int, kind: str) -> list[str]:
    """Stop e-mails of one kind (or of every declared kind, `kind="*"`), keeping them on
    the site. What a one-click unsubscribe does; a kind already off stays off. Returns the
    verbs it changed."""
    verbs = [k.verb for k in kinds()] if kind == "*" else [kind]
    chosen = dict(
        NotificationPreference.objects.filter(user_id=user_id, kind__in=verbs).values_list(
            "kind", "delivery"
        )
    )
    changed = [
        verb
        for verb in verbs
        if chosen.get(verb, kind_for(verb).default) not in (Delivery.IN_APP, Delivery.OFF)
    ]
    with transaction.atomic():
        for verb in changed:
            NotificationPreference.objects.update_or_create(
                user_id=user_id, kind=verb, defaults={"delivery": Delivery.IN_APP}
            )
    return changed


# Who may still read what a notification is about


@dataclass(frozen=True)
class ReadCheck:
    """The rule a recipient must pass on an object of `model`, and how to load it for it."""

    perm: str
    objects: Callable[[], QuerySet[Any]]


_read_checks: dict[type[Model], ReadCheck] = {}


def register_read_check(
    model: type[Model], perm: str, *, objects: Callable[[], QuerySet[Any]] | None = None
) -> None:
    """Notifications about a `model` object reach only people with `perm` on it, when made and
    at every delivery. `objects` loads the rows with what the rule reads joined."""
    _read_checks[model] = ReadCheck(
        perm=perm, objects=objects or (lambda: model._default_manager.all())
    )


def unregister_read_check(model: type[Model]) -> None:
    """Take a model off (for tests that register one of their own)."""
    _read_checks.pop(model, None)


def _check_for(model: type[Model] | None) -> ReadCheck | None:
    return _read_checks.get(model) if model is not None else None


def _subjects(notifications: Iterable[Notification]) -> dict[tuple[int, int], Model | None]:
    """The objects these notifications are about, read afresh: one query per kind of object.
    An object that is gone, or of a model without a read check, maps to None."""
    wanted: dict[int, set[int]] = {}
    for n in notifications:
        if n.subject_type_id is not None and n.subject_id is not None:
            wanted.setdefault(n.subject_type_id, set()).add(n.subject_id)
    found: dict[tuple[int, int], Model | None] = {}
    for type_id, ids in wanted.items():
        check = _check_for(ContentType.objects.get_for_id(type_id).model_class())
        rows = {obj.pk: obj for obj in check.objects().filter(pk__in=ids)} if check else {}
        for pk in ids:
            found[type_id, pk] = rows.get(pk)
    return found


def _may_read(user: PersonWithPermissions, obj: Model | None) -> bool:
    check = _check_for(type(obj)) if obj is not None else None
    return check is not None and bool(user.has_perm(check.perm, obj))


def _deliverable(
    user: PersonWithPermissions, notifications: Iterable[Notification]
) -> list[Notification]:
    """Those of `user`'s notifications whose object, if any, `user` may still read now."""
    notifications = list(notifications)
    subjects = _subjects(notifications)
    verdicts: dict[tuple[int, int], bool] = {}
    kept = []
    for n in notifications:
        if n.subject_type_id is None or n.subject_id is None:
            kept.append(n)
            continue
        key = (n.subject_type_id, n.subject_id)
        if key not in verdicts:
            verdicts[key] = _may_read(user, subjects[key])
        if verdicts[key]:
            kept.append(n)
    return kept


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


def send_with_unsubscribe(
    *, subject: str, body: str, address: str, unsubscribe_url: str, what: str
) -> bool:
    """Send one notification e-mail with its List-Unsubscribe headers (RFC 2369, RFC 8058).

    False when the mail server refused it; `what` names it in the log, never the address.
    """
    message = EmailMessage(
        subject,
        body,
        None,
        [address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception:
        # A mail server that is down must not stop the other e-mails; the in-app
        # notification is there. The error may quote the address: do not log it.
        logger.error("Could not send a %s notification e-mail.", what)
        return False
    return True


def email_context(*, user_id: int, kind: str, address: str) -> dict[str, str]:
    """What every notification e-mail's template needs besides its own content."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "unsubscribe_url": unsubscribe.unsubscribe_url(user_id=user_id, kind=kind, address=address),
        # Served by accounts, above core: asked by name when the e-mail is written.
        "preferences_url": absolute_url(reverse("accounts:notification_preferences")),
    }


def _send_email(notification: Notification, address: str) -> bool:
    common = email_context(
        user_id=notification.recipient_id, kind=notification.verb, address=address
    )
    context = {
        "notification": notification,
        "url": absolute_url(notification.url),
        "kind_label": kind_for(notification.verb).label,
        **common,
    }
    subject = " ".join(render_to_string("core/email/notification_subject.txt", context).split())
    body = render_to_string("core/email/notification_body.txt", context)
    return send_with_unsubscribe(
        subject=subject,
        body=body,
        address=address,
        unsubscribe_url=common["unsubscribe_url"],
        what=notification.verb,
    )


def _claim_for_email(notification: Notification) -> bool:
    """Mark the notification e-mailed unless someone has: True when this call did."""
    return bool(
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        )
    )


@task()
def send_notification_emails(notification_ids: list[int]) -> dict[str, int]:
    """E-mail each notification to its recipient, as the account and its access stand now.

    Someone who deleted or deactivated their account, or has no address, since the
    notification was made gets no e-mail; nor does someone who may no longer read what it is
    about, nor someone who has since chosen not to be e-mailed straight away about its kind.
    A notification already e-mailed (a retried task) is not sent again. Returns how many were
    sent, how many failed and how many were withheld for lack of access.
    """
    notifications = {
        n.pk: n
        for n in Notification.objects.filter(
            pk__in=notification_ids, emailed_at__isnull=True
        ).select_related("recipient")
    }
    subjects = _subjects(notifications.values())
    chosen = _chosen_deliveries(notifications.values())
    counts = {"sent": 0, "failed": 0, "withheld": 0}
    for pk in notification_ids:
        notification = notifications.get(pk)
        if notification is None or not _reachable([notification.recipient]):
            continue
        address = notification.recipient.email
        if not address:
            continue
        delivery = chosen.get(
            (notification.recipient_id, notification.verb), kind_for(notification.verb).default
        )
        if delivery != Delivery.IMMEDIATE:
            continue
        if notification.subject_type_id is not None and not _may_read(
            notification.recipient,
            subjects.get((notification.subject_type_id, notification.subject_id or 0)),
        ):
            counts["withheld"] += 1
            continue
        if not _claim_for_email(notification):
            continue
        if _send_email(notification, address):
            counts["sent"] += 1
        else:
            # Let a retry try again.
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            counts["failed"] += 1
    return counts


def _chosen_deliveries(notifications: Iterable[Notification]) -> dict[tuple[int, str], str]:
    """The recipients' stored choices for the kinds of these notifications: one query."""
    notifications = list(notifications)
    if not notifications:
        return {}
    rows = NotificationPreference.objects.filter(
        user_id__in={n.recipient_id for n in notifications},
        kind__in={n.verb for n in notifications},
    ).values_list("user_id", "kind", "delivery")
    return {(user_id, kind): delivery for user_id, kind, delivery in rows}


@contextmanager
def emails_withheld() -> Iterator[None]:
    """Within the block, `notify()` makes in-app notifications only and e-mails nobody, now
    or in a digest."""
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
    about: Model | None = None,
) -> list[Notification]:
    """Create one notification per distinct reachable recipient; e-mail them after commit.

    `verb` is `<app>.<event>` (e.g. `challenges.idea_status_changed`), `url` a path on this site.
    Deleted (anonymised) and deactivated accounts are skipped. Pass `actor` whenever the
    title or body names the person who acted: deleting their account renames them there.
    Pass `about`, the object the notification is about, whenever the title or body says
    something about it that not everyone may read: only recipients who may read it get the
    notification, and each delivery asks again (its model must have a registered read check).
    The e-mail carries the title and a link only; the body is shown on the notifications page.
    Each recipient's preference for `verb` decides: nothing for "off", no e-mail now for
    "on this site only" and the digests (which `core.digests` sends later).
    """
    users = _reachable(recipients)
    subject_type = None
    if about is not None:
        check = _check_for(type(about))
        if check is None:
            raise LookupError(f"{type(about).__name__} has no notification read check.")
        subject_type = ContentType.objects.get_for_model(about)
        users = [user for user in users if user.has_perm(check.perm, about)]
    if not users:
        return []
    deliveries = deliveries_for([user.pk for user in users], verb)
    users = [user for user in users if deliveries[user.pk] != Delivery.OFF]
    if not users:
        return []
    withheld = _emails_withheld.get()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                actor_id=actor.pk if actor is not None else None,
                verb=verb,
                subject_type=subject_type,
                subject_id=about.pk if about is not None else None,
                title=str(title)[:200],
                body=str(body),
                url=url,
                # Withheld for good (the demo's history): no digest sends them later either.
                emailed_at=clock.now() if withheld else None,
            )
            for user in users
        ]
    )
    if email and not withheld:
        ids = [
            n.pk
            for n, u in zip(notifications, users, strict=True)
            if u.email and deliveries[u.pk] == Delivery.IMMEDIATE
        ]
        if ids:
            # robust: a queue that cannot be reached must not turn the committed change into
            # an error page; the in-app notifications are there.
            transaction.on_commit(lambda: send_notification_emails.enqueue(ids), robust=True)
    return notifications


# Reads and writes of one person's inbox


def _withheld_ids(user: PersonWithPermissions) -> list[int]:
    """The person's notifications about something they may no longer read."""
    about_something = Notification.objects.filter(
        recipient_id=user.pk, subject_type__isnull=False
    ).only("id", "subject_type_id", "subject_id")
    shown = {n.pk for n in _deliverable(user, about_something)}
    return [n.pk for n in about_something if n.pk not in shown]


def visible_notifications(user: PersonWithPermissions) -> QuerySet[Notification]:
    """The person's notifications they may still read: those about nothing in particular,
    and those about an object they may read now (asked afresh on every call)."""
    mine = Notification.objects.filter(recipient_id=user.pk)
    withheld = _withheld_ids(user)
    return mine.exclude(pk__in=withheld) if withheld else mine


def unread_badge_count(user: Person) -> int:
    """The number on the Notifications link: one COUNT of the person's unread rows.

    Cheap enough for every page, so it does not ask the read checks: a notification about
    something the person may no longer read is counted until they open the notifications
    page, which shows the exact number (`unread_count`) in the link too.
    """
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def unread_count(user: PersonWithPermissions) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return visible_notifications(user).filter(read_at__isnull=True).count()


def inbox(user: PersonWithPermissions) -> QuerySet[Notification]:
    """The person's notifications they may still read, unread first, newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        visible_notifications(user).alias(unread=unread).order_by("-unread", "-created_at", "-id")
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
