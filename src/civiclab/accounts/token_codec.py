"""The format of personal API tokens: `clb_<prefix>_<secret>`.

The prefix (8 hex characters) is stored in clear so a token can be found and recognised in
lists; the whole token is stored only as a SHA-256 digest. A high-entropy secret needs no
slow hash: nobody can guess it, so the digest only has to stop a database leak from
revealing usable tokens.
"""

import hashlib
import re
import secrets

PREFIX_BYTES = 4
SECRET_BYTES = 32
TOKEN_PATTERN = re.compile(r"^clb_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{32,64})$")


def generate() -> tuple[str, str]:
    """A new (token, prefix)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return f"clb_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def prefix_of(token: str) -> str | None:
    """The prefix of a well-formed token, or None when `token` is not one of ours."""
    match = TOKEN_PATTERN.match(token)
    return match.group("prefix") if match else None
