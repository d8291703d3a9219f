"""Authentication for the JSON API: personal tokens (Bearer) and browser sessions (with CSRF)."""

import hmac

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from civiclab.core import clock

from . import services, token_codec, token_scope
from .models import ApiToken, User


def token_of_request(request: HttpRequest) -> ApiToken | None:
    """The API token this request authenticated with, or None (a session, or nobody)."""
    return getattr(request, "api_token", None)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer clb_<prefix>_<secret>`: a personal token of an active person."""

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
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None or getattr(user, "is_anonymised", False):
            return None
        return user


class AnonymousReader:
    """The last resort of `PUBLIC_READ`: a request with no credentials reads as anonymous.

    A request that sent an `Authorization` header which the token check refused gets a 401,
    never a silent downgrade to anonymous. The API marks operations ending in this fallback
    as optionally authenticated in its OpenAPI document.
    """

    def __call__(self, request: HttpRequest) -> AnonymousUser | None:
        if request.headers.get("Authorization"):
            return None
        return AnonymousUser()


# Public reads: the caller's rights when a token or session comes along, else anonymous.
PUBLIC_READ = [TokenAuth(), SessionAuth(), AnonymousReader()]
