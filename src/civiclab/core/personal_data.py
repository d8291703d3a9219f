"""The personal-data registry: what the platform holds about a person, and how to erase it.

Every model with a link (ForeignKey, OneToOne or ManyToMany) to the user model is either
registered here by its app, in `AppConfig.ready()`, or listed in `EXCLUDED` with a reason.
"Download my data" asks every entry's exporter; "delete my account" calls every eraser.
A test walks all installed models and fails naming any model that is neither.

    from civiclab.core import personal_data

    personal_data.register(
        "organisations.membership",
        exporter=lambda user: [...],   # list of dicts, or one dict
        eraser=lambda user: ...,       # or None: nothing personal beyond the link
        user_fields=["user"],
    )

Erasers run before the user row itself is anonymised, so they still see the person's
e-mail address (an invitation, say, is addressed by e-mail rather than linked).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from .people import Person

Exporter = Callable[[Any], list[dict[str, Any]] | dict[str, Any]]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class Entry:
    model_label: str
    exporter: Exporter
    eraser: Eraser | None
    user_fields: tuple[str, ...]


# Models that link to users but hold nothing to export or erase, with the reason why.
EXCLUDED: dict[str, str] = {}

_entries: dict[str, Entry] = {}


def register(
    model_label: str,
    *,
    exporter: Exporter,
    eraser: Eraser | None,
    user_fields: Iterable[str],
) -> None:
    """Declare how `model_label` (e.g. "core.auditevent") is exported and erased for a user.

    Registering a label again replaces its entry (app registries can be populated twice).
    """
    label = model_label.lower()
    _entries[label] = Entry(label, exporter, eraser, tuple(user_fields))


def exclude(model_label: str, *, reason: str) -> None:
    """Declare that `model_label` links to users but holds no personal data, and why."""
    EXCLUDED[model_label.lower()] = reason


def entries() -> list[Entry]:
    return list(_entries.values())


def is_registered(model_label: str) -> bool:
    return model_label.lower() in _entries


def export_for(user: Person) -> dict[str, Any]:
    """Everything registered about `user`, keyed by model label."""
    return {entry.model_label: entry.exporter(user) for entry in _entries.values()}


def erase_for(user: Person) -> None:
    """Call every registered eraser for `user`. Run it inside the deletion's transaction."""
    for entry in _entries.values():
        if entry.eraser is not None:
            entry.eraser(user)


def user_link_fields(model: type[models.Model]) -> list[str]:
    """Names of the fields of `model` that point to the user model."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and field.related_model is user_model
    ]


def uncovered_models() -> list[str]:
    """Labels of installed models that link to users but are neither registered nor excluded."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _entries or label in EXCLUDED:
            continue
        if model is user_model or user_link_fields(model):
            missing.append(label)
    return sorted(missing)
