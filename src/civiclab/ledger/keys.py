"""The installation's ledger signing key: where it lives, how it is made, what is published."""

import contextlib
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .notes import Signer, VerifierKey, check_key_name


def ledger_origin() -> str:
    """The log's name in checkpoints: LEDGER_ORIGIN, else `<SITE_URL host>/ledger`."""
    origin = getattr(settings, "LEDGER_ORIGIN", "") or (
        f"{urlsplit(settings.SITE_URL).netloc or 'localhost'}/ledger"
    )
    check_key_name(origin)
    return origin


def key_path() -> Path:
    return Path(settings.LEDGER_SIGNING_KEY_FILE)


def generate_key_file(path: Path) -> None:
    """Write a new Ed25519 private key (PKCS#8 PEM) readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    # O_EXCL: never overwrite a key that already signed checkpoints.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def load_key_file(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file, or ImproperlyConfigured saying why not."""
    try:
        return _load_private_key(str(path), path.stat().st_mtime_ns)
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"Cannot read the key {path}: {error}") from error


@lru_cache(maxsize=4)
def _load_private_key(path: str, mtime_ns: int) -> Ed25519PrivateKey:
    key = load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"The ledger signing key in {path} is not an Ed25519 key.")
    return key


def signer() -> Signer:
    """The signer for checkpoints; creates the key first when this installation may."""
    path = key_path()
    if not path.exists():
        if not getattr(settings, "LEDGER_SIGNING_KEY_AUTOCREATE", False):
            raise ImproperlyConfigured(
                f"The ledger signing key {path} does not exist. Create it once with "
                "`civiclab ledger key --create` and keep it safe (LEDGER_SIGNING_KEY_FILE)."
            )
        # Another process may have made it a moment ago.
        with contextlib.suppress(FileExistsError):
            generate_key_file(path)
    try:
        key = _load_private_key(str(path), path.stat().st_mtime_ns)
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"Cannot read the ledger signing key {path}: {error}") from error
    return Signer(ledger_origin(), key)


def verifier_key() -> VerifierKey:
    return signer().verifier_key
