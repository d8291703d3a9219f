"""Participation on an idea's page: `{% load participation %}{% idea_participation idea %}`.

Placeholder until the participation block is built: it renders nothing.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def idea_participation(context, idea):
    return ""
