"""Addresses of the discussion pages, for tests: `discussion_url("comment_add", idea)`."""

from django.urls import reverse

from civiclab.discussion.models import Comment
from civiclab.discussion.registry import discussable_of


def discussion_url(name: str, obj, **kwargs) -> str:
    """A page about a registered object (`on` and `pk` from the object) or about a comment."""
    if isinstance(obj, Comment):
        target = obj.target
        address = {"pk": obj.pk}
    else:
        target = obj
        address = {"on": discussable_of(obj).segment, "pk": obj.pk}
    organisation = discussable_of(target).organisation_of(target)
    return reverse(
        f"discussion:{name}", kwargs={"org_slug": organisation.slug, **address, **kwargs}
    )
