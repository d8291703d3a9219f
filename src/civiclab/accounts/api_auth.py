"""Authentication for the JSON API: personal tokens (Bearer) and browser sessions (with CSRF)."""

import hmac

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from civiclab.core import clock

from . import services, token_codec, token_scope
from .models import ApiToken, User


def token_of_request(request: HttpRequest) -> ApiToken | None:
    """The API token this request authenticated with, or None (a session, or nobody)."""
    return getattr(request, "api_token", None)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer clb_<prefix>_<secret>`: a personal token of an active person.

    A request that sends an `Authorization` header is judged by it alone: a header this
    check refuses (an unknown, revoked or malformed token, or another scheme) is a 401 on
    every endpoint, public reads included, and never falls back to the browser session or
    to an anonymous read.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization")
        if not header:
            return None  # no token sent: the session, or anonymity, may answer
        scheme, _space, token = header.partition(" ")
        user = self.authenticate(request, token) if scheme.lower() == "bearer" else None
        if user is None:
            raise AuthenticationError
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        prefix = token_codec.prefix_of(token)
        if prefix is None:
            return None
        digest = token_codec.digest(token)
        # Look up by the public prefix and compare digests in constant time, so response
        # times say nothing about how much of a guessed digest matched.
        candidates = ApiToken.objects.select_related("user").filter(
            prefix=prefix, revoked_at__isnull=True, expires_at__gt=clock.now()
        )
        found = None
        for candidate in candidates:
            if hmac.compare_digest(candidate.digest, digest):
                found = candidate
        if found is None:
            return None
        user = found.user
        if not user.is_active or user.is_anonymised:
            return None
        # Expired tokens were left out above, so they are refused like unknown ones (401);
        # a read-only token on a request that could change something is a 403 saying why.
        token_scope.check(found, request.method)
        services.token_mark_used(token=found)
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        return user


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken).

    Without a signed-in session there is nothing to protect from cross-site requests, so no
    CSRF check runs and a write without credentials gets the API's 401, not a 403.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "is_anonymised", False):
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        try:
            return super()._get_key(request)
        except HttpError:
            raise HttpError(
                403,
                _(
                    "The CSRF token is missing or wrong: a signed-in browser session must send "
                    "it in the X-CSRFToken header."
                ),
            ) from None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None or getattr(user, "is_anonymised", False):
            return None
        return user


class AnonymousReader:
    """The last resort of `PUBLIC_READ`: a request with no credentials reads as anonymous.

    A request that sent an `Authorization` header is refused by `TokenAuth` before it gets
    here (a 401, never a silent downgrade to anonymous). The API marks operations ending in
    this fallback as optionally authenticated in its OpenAPI document.
    """

    def __call__(self, request: HttpRequest) -> AnonymousUser | None:
        if request.headers.get("Authorization"):
            return None
        return AnonymousUser()


# Public reads: the caller's rights when a token or session comes along, else anonymous.
PUBLIC_READ = [TokenAuth(), SessionAuth(), AnonymousReader()]
