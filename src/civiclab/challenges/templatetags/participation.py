"""Participation on an idea's page: `{% load participation %}{% idea_participation idea %}`.

Renders the support and follow buttons, the report and merge links, and the comment thread
with reply forms. Its queries do not grow with the number of comments (see
`selectors.participation`).
"""

from django import template

from ..selectors.participation import participation_block

register = template.Library()


@register.inclusion_tag("challenges/participation/block.html", takes_context=True)
def idea_participation(context, idea):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    # The idea page has already asked whether this reader may know the authors (blind review).
    shows_authors = context.get("shows_authors")
    block = participation_block(
        user=user,
        idea=idea,
        shows_authors=shows_authors if isinstance(shows_authors, bool) else None,
    )
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "block": block,
        "idea": idea,
    }
