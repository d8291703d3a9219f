"""Loading a person's own things (see `core.access`): someone else's token is not found."""

from typing import Any

from civiclab.core.access import NotVisible

from . import selectors
from .models import ApiToken


def token_for_user(*, user: Any, pk: int) -> ApiToken:
    """One of the person's own API tokens."""
    token = selectors.token_of(user, pk) if user.is_authenticated else None
    if token is None:
        raise NotVisible
    return token
