"""Sections that apps above `organisations` add to an organisation's public page.

An app registers a section in its AppConfig.ready():

    from civiclab.organisations import page_sections

    page_sections.register_section(
        "challenges/organisation_challenges.html",
        get_context=lambda request, organisation: {"challenges": open_challenges(organisation)},
        order=10,
    )

The template is rendered with the request, `organisation` and whatever `get_context` returns;
it should start with an `<h2>` so the page's headings stay in order. Keep `get_context` to a
fixed number of queries: the page's query count must not grow with the data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

ContextGetter = Callable[[HttpRequest, Any], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    template_name: str
    get_context: ContextGetter | None = None
    order: int = 100


_sections: list[Section] = []


def register_section(
    template_name: str, *, get_context: ContextGetter | None = None, order: int = 100
) -> None:
    """Add a section; registering the same template twice keeps the first."""
    if any(section.template_name == template_name for section in _sections):
        return
    _sections.append(Section(template_name, get_context, order))
    _sections.sort(key=lambda section: section.order)


def unregister_section(template_name: str) -> None:
    _sections[:] = [s for s in _sections if s.template_name != template_name]


def render_sections(request: HttpRequest, organisation: Any) -> list[SafeString]:
    rendered = []
    for section in _sections:
        context = {"organisation": organisation}
        if section.get_context is not None:
            context.update(section.get_context(request, organisation))
        rendered.append(render_to_string(section.template_name, context, request=request))
    return rendered
