from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .notifications import unread_badge_count


def site(request: HttpRequest) -> dict[str, str]:
    return {"SITE_NAME": settings.SITE_NAME}


def notifications(request: HttpRequest) -> dict[str, object]:
    """The unread count on the Notifications link: one COUNT query, made only when a page
    for a signed-in person renders it; none for visitors. The notifications page passes
    the exact number in the same name instead."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_badge_count(user))}
