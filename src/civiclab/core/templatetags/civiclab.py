"""Template helpers of the design system: `{% load civiclab %}`."""

from django import template
from django.core.paginator import Page
from django.forms import BaseForm
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from civiclab.core.idempotency import FORM_FIELD, new_token
from civiclab.core.markup import render_markdown_cached

register = template.Library()

TAG_COLOURS = ("grey", "blue", "green", "yellow", "orange", "red", "purple")

# Status values used across civiclab and the tag colour each gets. Apps add theirs with
# `register_status_colours()` in their AppConfig.ready(); unknown values are grey.
STATUS_COLOURS: dict[str, str] = {
    # neutral, not started or finished without a verdict
    "draft": "grey",
    "queued": "grey",
    "pending": "grey",
    "closed": "grey",
    "archived": "grey",
    "inactive": "grey",
    "withdrawn": "grey",
    "expired": "grey",
    # under way
    "open": "blue",
    "submitted": "blue",
    "running": "blue",
    "in_review": "blue",
    "review": "blue",
    "active": "blue",
    "invited": "blue",
    # good outcome
    "done": "green",
    "approved": "green",
    "accepted": "green",
    "selected": "green",
    "published": "green",
    "go": "green",
    "implemented": "green",
    "completed": "green",
    "confirmed": "green",
    "verified": "green",
    "funded": "green",
    # waiting or needs attention
    "on_hold": "yellow",
    "hold": "yellow",
    "paused": "yellow",
    "shelved": "yellow",
    "pivot": "orange",
    "flagged": "orange",
    "at_risk": "orange",
    "overdue": "orange",
    # stopped or failed
    "failed": "red",
    "rejected": "red",
    "stopped": "red",
    "stop": "red",
    "revoked": "red",
    "cancelled": "red",
    "error": "red",
    # experimental work
    "experiment": "purple",
    "pilot": "purple",
    "prototype": "purple",
}


def register_status_colours(colours: dict[str, str]) -> None:
    """Let an app name the tag colour of its own status values."""
    unknown = set(colours.values()) - set(TAG_COLOURS)
    if unknown:
        raise ValueError(f"Unknown tag colours: {sorted(unknown)}")
    STATUS_COLOURS.update(colours)


@register.filter
def markdown(text: object, top_heading: int = 3) -> str:
    """User-written Markdown as sanitised HTML (`core.markup`), cached by its source."""
    return mark_safe(render_markdown_cached(str(text or ""), top_heading=int(top_heading)))  # noqa: S308  (sanitised by nh3)


@register.filter
def status_colour(status: object) -> str:
    """The tag colour of a status value (grey when unknown)."""
    key = str(getattr(status, "value", status) or "").strip().lower().replace("-", "_")
    key = key.replace(" ", "_")
    return STATUS_COLOURS.get(key, "grey")


@register.simple_tag
def status_tag(status: object, label: str | None = None, colour: str | None = None) -> str:
    """`<strong class="tag tag--green">Done</strong>` for a status value.

    `label` defaults to the choice label of a TextChoices member or the value itself;
    `colour` overrides the mapping.
    """
    if colour not in TAG_COLOURS:
        colour = status_colour(status)
    if label is None:
        label = getattr(status, "label", None) or str(status or "").replace("_", " ").capitalize()
    return format_html('<strong class="tag tag--{}">{}</strong>', colour, label)


@register.simple_tag
def error_prefix(*forms: BaseForm | None) -> str:
    """'Error: ' when any of `forms` has errors, for the page title (GOV.UK pattern)."""
    if any(form is not None and getattr(form, "errors", None) for form in forms):
        return _("Error:") + " "
    return ""


@register.simple_tag
def elided_page_range(page_obj: Page, on_each_side: int = 2, on_ends: int = 1) -> list[int | str]:
    """Page numbers around the current page with an ellipsis for the gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )


@register.filter
def is_ellipsis(value: object) -> bool:
    return not isinstance(value, int)


@register.simple_tag
def breadcrumbs(*parts: object) -> str:
    """Breadcrumbs from label/url pairs; a last label without a url is the current page.

    `{% breadcrumbs _("Home") home_url org.name org_url "Members" %}`
    """
    items = []
    pairs = list(parts)
    while len(pairs) >= 2:
        label, url = pairs[0], pairs[1]
        pairs = pairs[2:]
        items.append(
            format_html(
                '<li class="breadcrumbs__item"><a class="breadcrumbs__link" href="{}">{}</a></li>',
                url,
                label,
            )
        )
    if pairs:
        items.append(
            format_html('<li class="breadcrumbs__item" aria-current="page">{}</li>', pairs[0])
        )
    return format_html(
        '<nav class="breadcrumbs" aria-label="{}"><ol class="breadcrumbs__list">{}</ol></nav>',
        _("Breadcrumb"),
        format_html_join("", "{}", ((item,) for item in items)),
    )


@register.simple_tag
def form_token() -> str:
    """A hidden one-time token for a form that creates something: sent twice (a double click,
    a retried POST), it creates one object (see `core.idempotency`)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_token())
