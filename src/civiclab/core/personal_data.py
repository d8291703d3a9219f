"""The personal-data registry: what the platform holds about a person, and how to erase it.

Every model with a link (ForeignKey, OneToOne or ManyToMany) to the user model is either
registered here by its app, in `AppConfig.ready()`, or listed in `EXCLUDED` with a reason.
The walk follows one level of foreign keys further: a model whose foreign key or one-to-one
field points to a registered model (an evaluation to its evaluator's assignment, a score to
its evaluation) or to one that links to the user model is registered or excluded too; an
excluded model ends the walk. "Download my data" asks every entry's exporter; "delete my
account" calls every eraser. A test walks all installed models and fails naming any model
that is neither.

An app may also refuse a deletion while the account is needed (the last administrator of
an active organisation): `refuse_deletion_when(check)`, where `check(user)` returns the
reasons, one sentence each; the deletion asks every check before it erases anything.

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
DeletionCheck = Callable[[Any], list[str]]


@dataclass(frozen=True)
class Entry:
    model_label: str
    exporter: Exporter
    eraser: Eraser | None
    user_fields: tuple[str, ...]


# Models that link to users but hold nothing to export or erase, with the reason why.
EXCLUDED: dict[str, str] = {}

_entries: dict[str, Entry] = {}
_deletion_checks: dict[str, DeletionCheck] = {}


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


def refuse_deletion_when(check: DeletionCheck) -> None:
    """Declare a reason an account cannot be deleted yet; registering it again replaces it."""
    _deletion_checks[f"{check.__module__}.{check.__qualname__}"] = check


def deletion_refusals(user: Person) -> list[str]:
    """Why `user` cannot delete their account now (empty: they can). Call it inside the
    deletion's transaction: checks may lock the rows they read."""
    return [reason for check in _deletion_checks.values() for reason in check(user)]


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


def personal_models() -> set[str]:
    """Labels of the models that hold personal data: those linked to the user model, and
    those registered (which may reach the person through a foreign key)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    linked = {
        model._meta.label_lower
        for model in apps.get_models()
        if model is user_model or user_link_fields(model)
    }
    return linked | set(_entries)


def points_to_personal_model(model: type[models.Model], personal: set[str]) -> bool:
    """Whether a foreign key or one-to-one field of `model` leads to one of `personal`."""
    return any(
        field.concrete
        and (field.many_to_one or field.one_to_one)
        and isinstance(field.related_model, type)
        and issubclass(field.related_model, models.Model)
        and field.related_model._meta.label_lower in personal
        for field in model._meta.get_fields()
    )


def uncovered_models() -> list[str]:
    """Labels of installed models that link to users, or point one foreign key away to a
    model that does or is registered, but are neither registered nor excluded."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    personal = personal_models()
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _entries or label in EXCLUDED:
            continue
        if (
            model is user_model
            or user_link_fields(model)
            or points_to_personal_model(model, personal)
        ):
            missing.append(label)
    return sorted(missing)
