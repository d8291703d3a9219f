"""Template helpers of the idea pages: `{% load ideas %}`; the colours of idea statuses."""

from django import template
from django.urls import NoReverseMatch, reverse

from civiclab.core.templatetags.civiclab import register_status_colours

register = template.Library()

# Status colours of the idea workflow (submitted, selected and shelved are already known).
register_status_colours(
    {
        "under_review": "blue",
        "shortlisted": "purple",
        "declined": "red",
        "merged": "grey",
    }
)


@register.simple_tag
def ledger_entry_url(seq) -> str:
    """The ledger page of entry `seq`, or "" when there is none."""
    if seq is None:
        return ""
    try:
        return reverse("ledger:entry", kwargs={"seq": seq})
    except NoReverseMatch:
        return ""
