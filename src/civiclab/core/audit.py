"""The audit actions registry: every action an app records, with a label in plain words.

Each app that records audit events declares its actions in `<app>/audit.py` as one
`models.TextChoices`, whose values are the stored codes (`<app>.<verb>`) and whose labels are
what people read on the audit trail page, and registers it in `AppConfig.ready()`:

    from civiclab.core import audit

    audit.register_actions(AuditAction)

`core.services.audit_record` accepts only a member of a registered enum, so a free string or
an action pieced together at run time cannot reach the trail. Core sits below every app, so it
never imports their enums; it reads labels through this registry. A test walks the registry and
every `audit_record` call in the source, so an action without a member fails.

Codes are stored as they are and never renamed: rows written under a code that no enum declares
(a retired action, say) keep it, and the page shows the code itself.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Code -> the enum that declares it. A code belongs to exactly one enum.
_owners: dict[str, type[models.TextChoices]] = {}


def register_actions(actions: type[models.TextChoices]) -> None:
    """Declare an app's audit actions. Registering the same enum again changes nothing."""
    if not (isinstance(actions, type) and issubclass(actions, models.TextChoices)):
        raise TypeError(f"Audit actions are declared as a models.TextChoices, not {actions!r}.")
    for member in actions:
        owner = _owners.get(member.value)
        if owner is not None and owner is not actions:
            raise ImproperlyConfigured(
                f"The audit action {member.value!r} is declared twice: in "
                f"{owner.__module__}.{owner.__qualname__} and "
                f"{actions.__module__}.{actions.__qualname__}."
            )
    for member in actions:
        _owners[member.value] = actions


def registered_actions() -> list[type[models.TextChoices]]:
    """The registered enums, in the order they were registered."""
    return list(dict.fromkeys(_owners.values()))


def is_registered_action(action: object) -> bool:
    """Whether `action` is a member of a registered enum (a plain string is not)."""
    return isinstance(action, models.TextChoices) and _owners.get(action.value) is type(action)


def action_label(code: str) -> str:
    """The label of a stored code in the active language, or the code itself if none declares it."""
    owner = _owners.get(code)
    if owner is None:
        return code
    return str(owner(code).label)
