"""Recent re-authentication: whether this browser session's password was entered lately.

Signing in with a password, or entering it again on the "confirm your password" page, notes
the moment in the session (bound to the person). Sensitive actions, such as creating an API
token, need that moment to be at most REAUTHENTICATION_MINUTES old; an older session is
sent to the confirm-password page, which brings the person back afterwards. A request made
with an API token is never a recent re-authentication.

When the person has two-step sign-in on, a recent re-authentication also needs the second
step passed in this session within the same time (`accounts.mfa.mark_verified`): signing in
with a code, or entering one on the confirm-password page. A stolen password alone, or a
borrowed session, does not reach what re-authentication guards.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from civiclab.core import clock

from . import mfa, selectors

SESSION_KEY = "_civiclab_password_entered"


def mark(request: HttpRequest | None, user: Any) -> None:
    """Note that `user` has just entered their password in this session."""
    session = getattr(request, "session", None)
    if session is None or user is None:
        return
    session[SESSION_KEY] = {"user": user.pk, "at": clock.now().timestamp()}


def is_recent(request: HttpRequest) -> bool:
    """Whether the signed-in person entered their password in this session lately."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None:
        return False
    entered = session.get(SESSION_KEY)
    if not isinstance(entered, dict) or entered.get("user") != user.pk:
        return False
    age = clock.now().timestamp() - float(entered.get("at", 0))
    # At least a minute, so the confirm-password page can always lead back to the action.
    window = max(1, settings.REAUTHENTICATION_MINUTES) * 60
    if not 0 <= age <= window:
        return False
    return mfa.verified_within(request, window) or not selectors.has_mfa(user)


def confirm_url(next_url: str) -> str:
    """The confirm-password page, coming back to `next_url` afterwards."""
    return f"{reverse('accounts:confirm_password')}?{urlencode({'next': next_url})}"


def recent_password_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for signed-in people that first asks for the password when it is not recent."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not is_recent(request):
            return redirect(confirm_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapped
