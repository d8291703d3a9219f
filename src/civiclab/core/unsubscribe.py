"""One-click unsubscribe links in notification e-mails (RFC 8058), without signing in.

The link carries a token signed with the installation's SECRET_KEY (django.core.signing,
HMAC-SHA256) over the account's id and the kind of notification ("*" for every kind, as in a
digest). Its salt is its own, so no other signed value of the site (a confirmation link, a
pairwise pair) passes as one, and changing the account id or the kind breaks the signature:
nobody can make a token for an account, or move one to another. The signature covers the
account's e-mail address too, so a link sent to an address the account no longer has stops
working.

Tokens do not expire: an e-mail read weeks later must still unsubscribe. What a token allows
is small and reversible (e-mails of that kind stop; the notifications stay on the site, and
the preferences page turns them back on).

Opening the link (GET) changes nothing; it shows a page with a button. The button, and the
POST a mail client sends on its own for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`,
stop the e-mails.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "civiclab.core.unsubscribe"
EVERY_KIND = "*"


@dataclass(frozen=True)
class Unsubscribe:
    """What a valid token names: whose e-mails, and of which kind."""

    user_id: int
    kind: str


def _address_tag(address: str) -> str:
    # A short digest, not the address: the token sits in a URL that may reach logs.
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def _address_of(user_id: int) -> str | None:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        ._default_manager.filter(pk=user_id, is_active=True)
        .values_list("email", flat=True)
        .first()
    )


def make_token(*, user_id: int, kind: str, address: str | None = None) -> str:
    address = _address_of(user_id) if address is None else address
    return signing.dumps([user_id, kind, _address_tag(address or "")], salt=SALT, compress=True)


def read_token(token: str) -> Unsubscribe | None:
    """What the token names, or None when it is not one this site signed for this account
    as it stands (forged, altered, for another purpose, or for an address since changed)."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], int)
        and not isinstance(value[0], bool)
        and isinstance(value[1], str)
        and isinstance(value[2], str)
    ):
        return None
    user_id, kind, tag = value
    address = _address_of(user_id)
    if not address or tag != _address_tag(address):
        return None
    return Unsubscribe(user_id=user_id, kind=kind)


def unsubscribe_url(*, user_id: int, kind: str, address: str) -> str:
    token = make_token(user_id=user_id, kind=kind, address=address)
    path = reverse("notification_unsubscribe", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path
