"""`{% load ledger %}{% ledger_records object %}`: an object's public ledger records, linked.

For the pages of things that are recorded (a gate decision, a PB result): shows where each
record sits in the ledger and links to its page with the proof.
"""

from typing import Any

from django import template
from django.db.models import Model

from civiclab.ledger.selectors import entries_about

register = template.Library()


@register.inclusion_tag("ledger/partials/records.html")
def ledger_records(obj: Model | None, heading_level: int = 2) -> dict[str, Any]:
    entries = list(entries_about(obj._meta.label_lower, str(obj.pk))) if obj is not None else []
    return {"entries": entries, "heading_level": heading_level}
