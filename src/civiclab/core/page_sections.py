"""Sections that apps add to another app's page, without that app importing them.

A page names itself and the name its object has in section templates; an app registers a
section in its AppConfig.ready():

    from civiclab.core import page_sections

    page_sections.register(
        page_sections.ORGANISATION,
        "challenges/challenges/organisation_section.html",
        get_context=lambda request, organisation: {"challenges": open_challenges(organisation)},
        order=10,
    )

The page renders its sections with `page_sections.render(page, request, obj)`. A section's
template gets the request, the page's object under the page's name (`organisation`,
`profile_user`, `idea`) and whatever `get_context` returns; it should start with an `<h2>`
so the page's headings stay in order. Keep `get_context` to a fixed number of queries: the
page's query count must not grow with the data.

Two pages have no object of their own and are how apps plug into the home page (issue 9):
`WORKSPACE` (a signed-in person's work, the person as `person`) and `HOME` (what a signed-out
visitor sees, with no object). A section with nothing to say returns None from `get_context`
and is left out, so a block shows only when it has something (or chooses to show an empty
state). Later apps (portfolio, budgeting) add their block here as they are built.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# Returns the section's context, or None when the section has nothing to show.
ContextGetter = Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Page:
    name: str
    object_name: str


PROFILE = Page("profile", "profile_user")
ORGANISATION = Page("organisation", "organisation")
IDEA = Page("idea", "idea")
WORKSPACE = Page("workspace", "person")
HOME = Page("home", "visitor")


@dataclass(frozen=True)
class Section:
    template_name: str
    get_context: ContextGetter | None = None
    order: int = 100


_sections: dict[str, list[Section]] = {}


def register(
    page: Page,
    template_name: str,
    *,
    get_context: ContextGetter | None = None,
    order: int = 100,
) -> None:
    """Add a section to `page`; registering the same template twice keeps the first."""
    sections = _sections.setdefault(page.name, [])
    if any(section.template_name == template_name for section in sections):
        return
    sections.append(Section(template_name, get_context, order))
    sections.sort(key=lambda section: section.order)


def unregister(page: Page, template_name: str) -> None:
    sections = _sections.get(page.name, [])
    sections[:] = [s for s in sections if s.template_name != template_name]


def sections_of(page: Page) -> list[Section]:
    return list(_sections.get(page.name, []))


def render(page: Page, request: HttpRequest, obj: object) -> list[SafeString]:
    rendered = []
    for section in _sections.get(page.name, []):
        context = {page.object_name: obj}
        if section.get_context is not None:
            extra = section.get_context(request, obj)
            if extra is None:
                continue
            context.update(extra)
        rendered.append(render_to_string(section.template_name, context, request=request))
    return rendered
