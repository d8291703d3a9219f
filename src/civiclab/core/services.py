"""Writes shared by every app: the audit trail."""

from typing import Any

from django.db import models

from .audit import is_registered_action
from .models import AuditEvent


def audit_record(
    *,
    actor: Any,
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
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action.value,
        organisation_id=organisation_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject_repr=str(subject)[:200] if subject is not None else "",
        details=details or {},
    )
