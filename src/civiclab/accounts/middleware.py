"""What a privileged session may do: idle timeout, and two-step sign-in before anything else.

For a signed-in person whose session is privileged (`accounts.mfa.is_privileged`):

1. Idle timeout. The session notes the time of each request; a request more than
   PRIVILEGED_SESSION_IDLE_MINUTES after the previous one signs the person out and sends
   them to sign in again (the API answers 401 in the house error shape). Ordinary sessions
   are not timed out here.
2. Required enrolment. Someone holding a role in MFA_REQUIRED_ROLES without two-step sign-in
   reaches only the pages to turn it on, to confirm the password for that, to sign out, and
   static files; every other page sends them to turn it on with a message saying why, and
   the API answers 403. The rule is an allow-list, so a page added later is covered.

Requests made with an API token carry no session user and are not affected.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from civiclab.core import clock
from civiclab.core.api import error_response

from . import mfa, selectors

LAST_SEEN_KEY = "_civiclab_last_seen"
# The time of the last request is written at most this often, so a busy page does not save
# the session on every request; the timeout is exact to within this many seconds.
LAST_SEEN_RESOLUTION_SECONDS = 30
# Reachable by someone who must still turn two-step sign-in on.
ENROLMENT_URL_NAMES = (
    "accounts:mfa",
    "accounts:mfa_enrol",
    "accounts:confirm_password",
    "accounts:logout",
)


def _allowed_while_enrolling(path: str) -> bool:
    if path.startswith((settings.STATIC_URL or "/static/", "/healthz")):
        return True
    return path in {reverse(name) for name in ENROLMENT_URL_NAMES}


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


class PrivilegedSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Only sessions: a request with an API token has no session user at this point.
        if user is None or not user.is_authenticated or not mfa.is_privileged(user):
            return self.get_response(request)
        now = clock.now().timestamp()
        last_seen = request.session.get(LAST_SEEN_KEY)
        idle = settings.PRIVILEGED_SESSION_IDLE_MINUTES * 60
        if isinstance(last_seen, int | float) and now - last_seen > idle:
            logout(request)
            message = _(
                "You were signed out after %(minutes)d minutes without activity. Sign in again "
                "to continue."
            ) % {"minutes": settings.PRIVILEGED_SESSION_IDLE_MINUTES}
            if _is_api(request.path):
                return error_response(401, message, code="session_expired")
            messages.info(request, message)
            return redirect_to_login(request.get_full_path())
        if not isinstance(last_seen, int | float) or now - last_seen >= (
            LAST_SEEN_RESOLUTION_SECONDS
        ):
            request.session[LAST_SEEN_KEY] = now
        if (
            mfa.requires_mfa(user)
            and not _allowed_while_enrolling(request.path)
            and not selectors.has_mfa(user)
        ):
            message = _(
                "Your roles on this platform need two-step sign-in. Turn it on to continue."
            )
            if _is_api(request.path):
                return error_response(403, message, code="mfa_required")
            messages.warning(request, message)
            return redirect("accounts:mfa_enrol")
        return self.get_response(request)
