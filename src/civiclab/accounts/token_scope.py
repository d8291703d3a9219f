"""What a personal API token may do: its scope decides which requests it may make.

A `read` token may make only requests that change nothing (GET, HEAD, OPTIONS); any other
method is refused with a 403 whose body says why. A `read_write` token may do everything its
owner may do. Revoked and expired tokens never get this far: they are refused like any bad
token (401).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check(token: ApiToken, method: str | None) -> None:
    """Raise PermissionDenied when `token` may not make a request with `method`."""
    if not token.can_write and (method or "").upper() not in SAFE_METHODS:
        raise PermissionDenied(
            _("This token may only read. Create a token that may read and write to make changes.")
        )
