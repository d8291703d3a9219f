"""Template helpers of the design system: `{% load civiclab %}`."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def error_prefix(*forms) -> str:
    """'Error: ' when any of `forms` has errors, for the page title (GOV.UK pattern)."""
    if any(form is not None and getattr(form, "errors", None) for form in forms):
        return _("Error:") + " "
    return ""
