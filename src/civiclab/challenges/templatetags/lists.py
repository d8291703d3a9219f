"""Template helpers of the idea lists: `{% load lists %}`."""

from django import template

from ..models import InnovationType

register = template.Library()

_TYPE_LABELS = dict(InnovationType.choices)


@register.filter
def idea_type_label(value: str) -> str:
    """The readable name of an innovation type value ("governance_policy" -> "Governance...")."""
    return str(_TYPE_LABELS.get(value, value))
