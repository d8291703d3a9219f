"""Sections other apps add to the profile page, registered in their AppConfig.ready().

    from civiclab.accounts import profile

    profile.register_section(
        "organisations/profile_memberships.html",
        get_context=lambda request, user: {"memberships": ...},
        order=10,
    )

The template is rendered with the request, `profile_user` and whatever `get_context`
returns; it should start with an `<h2>` so the page's headings stay in order.
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


sections: list[Section] = []


def register_section(
    template_name: str, *, get_context: ContextGetter | None = None, order: int = 100
) -> None:
    if any(section.template_name == template_name for section in sections):
        return
    sections.append(Section(template_name, get_context, order))
    sections.sort(key=lambda section: section.order)


def render_sections(request: HttpRequest, user: Any) -> list[SafeString]:
    rendered = []
    for section in sections:
        context = {"profile_user": user}
        if section.get_context is not None:
            context.update(section.get_context(request, user))
        rendered.append(render_to_string(section.template_name, context, request=request))
    return rendered
