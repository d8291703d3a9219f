"""Demo ledger entries: what a public body would record on joining the platform.

Called by the demo seed with its organisations (model instances with name and slug), so
the ledger need not import the organisations app.
"""

from collections.abc import Iterable
from typing import Any

from .models import Entry
from .services import ledger_append, subject_of

POLICY = {
    "title": "Open decisions policy",
    "version": "1.0",
    "summary": (
        "Challenge selections, stage-gate decisions, participatory budgeting results and "
        "experiment pre-registrations are recorded in the public ledger when they are made. "
        "Records are never edited: a correction is a new record that refers to the old one."
    ),
    "applies_from": "2026-01-01",
}


def seed_demo_ledger(organisations: Iterable[Any]) -> int:
    """Record each organisation's registration and its open decisions policy, once."""
    appended = 0
    for organisation in organisations:
        if Entry.objects.filter(
            kind="organisation.registered", organisation_id=organisation.pk
        ).exists():
            continue
        common = {
            "organisation_id": organisation.pk,
            "organisation_label": organisation.name,
            **subject_of(organisation),
        }
        ledger_append(
            kind="organisation.registered",
            payload={
                "name": organisation.name,
                "slug": organisation.slug,
                "country": str(getattr(organisation, "country", "") or ""),
                "level": str(getattr(organisation, "level", "") or ""),
            },
            **common,
        )
        ledger_append(kind="policy.published", payload=POLICY, **common)
        appended += 2
    return appended
