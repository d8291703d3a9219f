"""Writes shared by every app: the audit trail."""

from typing import Any

from django.db import models

from .audit import is_registered_action
from .models import AuditEvent
from .people import Person


def audit_record(
    *,
    actor: Person | None,
    action: models.TextChoices,
    subject: models.Model | None = None,
    organisation_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the service's transaction, so both land or neither.

    `action` is a member of the app's registered audit enum (`<app>/audit.py`, e.g.
    `AuditAction.MEMBER_ADDED`, stored as `organisations.member_added`); a plain string raises
    `TypeError`. Keep personal data out of `details`: name the object, not the person's e-mail.
    """
    if not is_registered_action(action):
        raise TypeError(
            f"audit_record() takes a member of a registered audit action enum, not {action!r}: "
            "declare the action in the app's audit.py."
        )
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None and signed_in else None,
        action=action.value,
        organisation_id=organisation_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject_repr=str(subject)[:200] if subject is not None else "",
        details=details or {},
    )
