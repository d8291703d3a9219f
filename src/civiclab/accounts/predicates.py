"""Predicates about the person themselves, composed into the rules of every app above.

`has_confirmed_email` is the one place that decides whether an account has proved its e-mail
address. Everything that takes part (submitting, supporting, commenting, reporting, comparing,
registering, following) or is bound to an address (invitations, co-authorship, API tokens)
composes it, so a page, an API endpoint and a service refuse an unconfirmed account alike.
"""

import rules
from django.contrib.auth.models import AnonymousUser

from .models import User


@rules.predicate
def has_confirmed_email(user: User | AnonymousUser) -> bool:
    """Signed in, and the account's address was confirmed through a link sent to it."""
    return bool(user.is_authenticated and getattr(user, "email_confirmed_at", None) is not None)
