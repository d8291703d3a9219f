"""Evaluation on an idea's page: `{% load evaluation %}{% idea_evaluation idea %}`.

Placeholder until the evaluation block is built: it renders nothing.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def idea_evaluation(context, idea):
    return ""
