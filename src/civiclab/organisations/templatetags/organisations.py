"""Template helpers of the organisation pages: `{% load organisations %}`."""

from typing import Any

from django import template

register = template.Library()


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} {_plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value) or "—"
    return str(value)


@register.filter
def audit_details(details: Any) -> list[tuple[str, str]]:
    """An audit event's details as (name, readable value) pairs, lists joined by commas."""
    if not isinstance(details, dict):
        return []
    return [(str(key), _plain(value)) for key, value in details.items()]
