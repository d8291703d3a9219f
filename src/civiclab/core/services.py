"""Writes shared by every app: the audit trail."""

from typing import Any

from django.db import models

from .models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    organisation_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the service's transaction, so both land or neither.

    `action` is `<app>.<verb>` (e.g. `organisations.member_added`). Keep personal data out of
    `details`: name the object, not the person's e-mail.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        organisation_id=organisation_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        subject_repr=str(subject)[:200] if subject is not None else "",
        details=details or {},
    )
