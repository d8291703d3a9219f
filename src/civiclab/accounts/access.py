"""Loading a person's own things (see `core.access`): someone else's token is not found."""

from django.contrib.auth.models import AnonymousUser

from civiclab.core.access import NotVisible

from . import selectors
from .models import ApiToken, User


def token_for_user(*, user: User | AnonymousUser, pk: int) -> ApiToken:
    """One of the person's own API tokens."""
    token = selectors.token_of(user, pk) if user.is_authenticated else None
    if token is None:
        raise NotVisible
    return token
