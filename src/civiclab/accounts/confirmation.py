"""Signed, time-limited links that confirm an e-mail address.

One token format serves both sign-up ("this address is mine") and a change of address
("move my account to this address"). The token carries a fingerprint of the account's
current address and confirmation time, so it stops working as soon as either changes:
a link can be used once, and old links die when a newer one is confirmed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

SALT = "civiclab.accounts.confirm-email"
DEFAULT_MAX_AGE = 3 * 24 * 60 * 60


# What every refusal for an unconfirmed account says; pages add a button to send the link again.
UNCONFIRMED_MESSAGE = _(
    "Confirm your e-mail address first: follow the link we sent you. If it has not arrived, "
    "ask for a new one from your profile."
)
UNCONFIRMED_CODE = "email_not_confirmed"


class InvalidLink(Exception):
    """The link was tampered with, has expired or was already used."""


@dataclass(frozen=True)
class Confirmation:
    user_id: int
    email: str


def max_age() -> int:
    return getattr(settings, "EMAIL_CONFIRMATION_MAX_AGE_SECONDS", DEFAULT_MAX_AGE)


def _fingerprint(user) -> str:
    state = f"{user.pk}:{user.email}:{user.email_confirmed_at}"
    return salted_hmac(SALT, state).hexdigest()[:20]


def make_token(user, email: str) -> str:
    """A token confirming that `user` controls `email`."""
    return signing.dumps({"u": user.pk, "e": email, "f": _fingerprint(user)}, salt=SALT)


def read_token(token: str) -> tuple[int, str, str]:
    """The (user id, e-mail, fingerprint) in `token`; raises InvalidLink if it is not genuine."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except (signing.BadSignature, ValueError) as error:
        raise InvalidLink from error
    if not isinstance(payload, dict):
        raise InvalidLink
    user_id, email, fingerprint = payload.get("u"), payload.get("e"), payload.get("f")
    if (
        not isinstance(user_id, int)
        or not isinstance(email, str)
        or not isinstance(fingerprint, str)
    ):
        raise InvalidLink
    return user_id, email, fingerprint


def matches(user, fingerprint: str) -> bool:
    """Whether a token issued with `fingerprint` still fits `user`'s current state."""
    return constant_time_compare(_fingerprint(user), fingerprint)
