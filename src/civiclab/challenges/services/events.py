"""Writes about a challenge's event: set it up, register, cancel, and its iCalendar file.

Places are counted under a lock on the event row (`select_for_update` on PostgreSQL; SQLite
runs write transactions one at a time), so two people can never take the last place.
"""

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.core import clock
from civiclab.core.limits import check_lengths
from civiclab.core.notifications import notify
from civiclab.core.services import audit_record

from ..models import Challenge, Event, EventKind, EventRegistration, RegistrationStatus

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "registration_open",
)


def _require(actor: User | AnonymousUser | None, perm: str, obj: Model | None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _check_event(fields: dict[str, Any], *, moved_from: datetime | None = None) -> None:
    """Refuse an incomplete event, or one scheduled in the past. `moved_from` is the saved
    start of an existing event: correcting the text of one that took place stays possible,
    moving it (or creating one) into the past does not."""
    errors: dict[str, str] = {}
    if fields.get("kind") not in EventKind.values:
        errors["kind"] = _("Choose the kind of event.")
    if not str(fields.get("title") or "").strip():
        errors["title"] = _("Enter a title for the event.")
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if starts_at is None:
        errors["starts_at"] = _("Enter when the event starts.")
    if ends_at is None:
        errors["ends_at"] = _("Enter when the event ends.")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    for field in ("starts_at", "ends_at"):
        message = fields.get(field) and clock.implausible_date_message(fields[field])
        if message:
            errors[field] = message
    if starts_at is not None and starts_at != moved_from and starts_at < clock.now():
        errors.setdefault("starts_at", _("An event cannot start in the past."))
    if not (fields.get("place") or "").strip() and not (fields.get("online_url") or "").strip():
        errors["place"] = _("Enter a place or an online link.")
    capacity = fields.get("capacity")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Enter at least 1 place, or leave it empty for no limit.")
    if errors:
        raise ValidationError(errors)


def event_save(*, actor: User, challenge: Challenge, **fields: Any) -> Event:
    """Create the challenge's event or change it; more places move people off the waiting list."""
    _require(actor, "challenges.change_event", challenge)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"event_save() does not take {sorted(unknown)}")
    check_lengths(Event, fields)
    with transaction.atomic():
        existing = Event.objects.select_for_update().filter(challenge=challenge).first()
        created = existing is None
        values = {name: getattr(existing, name) for name in EVENT_FIELDS} if existing else {}
        values.setdefault("registration_open", True)
        values.setdefault("description", "")
        values.setdefault("place", "")
        values.setdefault("online_url", "")
        values.setdefault("capacity", None)
        values.update(fields)
        _check_event(values, moved_from=existing.starts_at if existing else None)
        if existing is None:
            event = Event.objects.create(challenge=challenge, **values)
            changed = sorted(values)
        else:
            event = existing
            changed = [name for name in EVENT_FIELDS if getattr(event, name) != values[name]]
            for name in changed:
                setattr(event, name, values[name])
            if changed:
                event.save(update_fields=[*changed, "updated_at"])
        promoted = _fill_free_places(event)
        audit_record(
            actor=actor,
            action=AuditAction.EVENT_CREATED if created else AuditAction.EVENT_CHANGED,
            subject=event,
            organisation_id=challenge.organisation_id,
            details={"fields": changed, "promoted": len(promoted)},
        )
        _notify_promoted(event, promoted)
    return event


def event_remove(*, actor: User, challenge: Challenge) -> None:
    """Call the event off: registrations go with it, and everyone registered is told."""
    _require(actor, "challenges.change_event", challenge)
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(challenge=challenge).first()
        if event is None:
            return
        registered = [
            registration.user
            for registration in event.registrations.exclude(
                status=RegistrationStatus.CANCELLED
            ).select_related("user")
        ]
        title, when = event.title, _local_text(event)
        audit_record(
            actor=actor,
            action=AuditAction.EVENT_REMOVED,
            subject=event,
            organisation_id=challenge.organisation_id,
            details={"title": title, "registered": len(registered)},
        )
        event.delete()
        if registered:
            notify(
                recipients=registered,
                verb="challenges.event_cancelled",
                title=_("%(event)s has been called off") % {"event": title},
                body=_("%(event)s, planned for %(when)s, will not take place.")
                % {"event": title, "when": when},
                url=challenge.get_absolute_url(),
            )


def _confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _has_free_place(event: Event) -> bool:
    return event.capacity is None or _confirmed_count(event) < event.capacity


def _fill_free_places(event: Event) -> list[EventRegistration]:
    """Confirm people from the waiting list, first come first served, while places are free."""
    promoted = []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).order_by(
        "created_at", "id"
    )
    for registration in waiting:
        if not _has_free_place(event):
            break
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        promoted.append(registration)
    return promoted


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("challenge").get(pk=event.pk)


def event_register(*, actor: User, event: Event) -> EventRegistration:
    """A place if one is free, else a place on the waiting list. Registering twice is harmless."""
    _require(actor, "challenges.register_event", event)
    with transaction.atomic():
        event = _lock(event)
        registration = EventRegistration.objects.filter(event=event, user=actor).first()
        if registration is not None and registration.status != RegistrationStatus.CANCELLED:
            return registration
        status = (
            RegistrationStatus.CONFIRMED if _has_free_place(event) else RegistrationStatus.WAITING
        )
        if registration is None:
            registration = EventRegistration.objects.create(event=event, user=actor, status=status)
        else:
            # Coming back after cancelling joins the end of the queue.
            registration.status = status
            registration.created_at = clock.now()
            registration.save(update_fields=["status", "created_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.EVENT_REGISTERED,
            subject=event,
            organisation_id=event.challenge.organisation_id,
            details={"status": status},
        )
    return registration


def event_cancel_registration(*, actor: User, event: Event) -> EventRegistration | None:
    """Give up a place (or a place in the queue); the first person waiting gets the place."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to manage your registration."))
    with transaction.atomic():
        event = _lock(event)
        registration = EventRegistration.objects.filter(event=event, user=actor).first()
        if registration is None or registration.status == RegistrationStatus.CANCELLED:
            return registration
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        promoted = _fill_free_places(event) if was_confirmed else []
        audit_record(
            actor=actor,
            action=AuditAction.EVENT_CANCELLED,
            subject=event,
            organisation_id=event.challenge.organisation_id,
            details={"promoted": len(promoted)},
        )
        _notify_promoted(event, promoted)
    return registration


def _notify_promoted(event: Event, promoted: list[EventRegistration]) -> None:
    """Tell the people who got a place; rows land with the change, e-mails after the commit."""
    if not promoted:
        return
    title = _("You have a place at %(event)s") % {"event": event.title}
    body = _(
        "A place became free and it is yours: %(event)s starts %(when)s. If you cannot come, "
        "cancel your registration so the next person can go."
    ) % {"event": event.title, "when": _local_text(event)}
    notify(
        recipients=[registration.user for registration in promoted],
        verb="challenges.event_place",
        title=title,
        body=body,
        url=event.challenge.get_absolute_url(),
    )


def _local_text(event: Event) -> str:
    tz = event.challenge.organisation.zone
    return date_format(event.starts_at.astimezone(tz), "j F Y, H:i")


# --- iCalendar ------------------------------------------------------------------------------


def _ics_escape(text: str) -> str:
    """TEXT value escaping of RFC 5545 section 3.3.11."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Content lines longer than 75 octets continue on lines starting with a space (3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines spend one octet on the space
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_ics(*, event: Event, url: str, host: str = "civiclab") -> str:
    """The event as an iCalendar file with one VEVENT, times in UTC, lines CRLF and folded."""
    location = ", ".join(part for part in (event.place, event.online_url) if part)
    description = "\n\n".join(part for part in (event.description, url) if part)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//civiclab//challenge events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:challenge-event-{event.pk}@{host}",
        f"DTSTAMP:{_utc(clock.now())}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{_ics_escape(event.title)}",
    ]
    if location:
        lines.append(f"LOCATION:{_ics_escape(location)}")
    if url:
        lines.append(f"URL:{url}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_escape(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)
