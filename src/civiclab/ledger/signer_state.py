"""The signer's memory: the last checkpoint this installation's key signed, kept beside the key.

The database holds the entries, the subtree hashes, the head and the checkpoints, so someone
who can write to the database could rewrite all of them consistently. What they cannot
change is this file: the signed note of the last checkpoint the key signed, stored next to
the key (LEDGER_SIGNER_STATE_FILE). Before signing a new tree head the signer checks that it
is a consistent extension of that checkpoint (services.checkpoint_issue), so a rewritten
history is refused however carefully its hashes were recomputed.

The file is the signed note itself, so it explains itself and cannot be forged either.
"""

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .keys import key_path
from .notes import Checkpoint as SignedHead
from .notes import NoteError, VerifierKey, open_checkpoint, parse_checkpoint_text, split_note


def state_path() -> Path:
    """LEDGER_SIGNER_STATE_FILE, else `<signing key file>.last-checkpoint` beside the key."""
    configured = getattr(settings, "LEDGER_SIGNER_STATE_FILE", "")
    if configured:
        return Path(configured)
    key = key_path()
    return key.with_name(key.name + ".last-checkpoint")


@contextlib.contextmanager
def locked() -> Iterator[None]:
    """Hold an exclusive lock beside the state file: one signer at a time on this machine."""
    path = state_path()
    lock_file = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot open the ledger signer's lock file {lock_file}: {error.strerror}. The "
            "folder of the signing key must be writable by civiclab (or set "
            "LEDGER_SIGNER_STATE_FILE)."
        ) from error
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


# The state last read or written by this process, keyed by what identifies the file's
# version: (path, verifier, modification time, size). Saves a read and a signature check.
_cached: tuple[tuple[str, str, int, int], tuple[str, SignedHead]] | None = None


def _version(path: Path, verifier: VerifierKey) -> tuple[str, str, int, int]:
    stat = path.stat()
    return (str(path), str(verifier), stat.st_mtime_ns, stat.st_size)


def load(verifier: VerifierKey) -> tuple[str, SignedHead] | None:
    """The last signed checkpoint (note, parsed), or None if this key never signed one here."""
    global _cached
    path = state_path()
    try:
        version = _version(path, verifier)
        if _cached is not None and _cached[0] == version:
            return _cached[1]
        note = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeError) as error:
        raise ImproperlyConfigured(
            f"Cannot read the ledger signer's last checkpoint {path}: {error}"
        ) from error
    try:
        state = note, open_checkpoint(note, verifier, origin=verifier.name)
    except NoteError as error:
        raise ImproperlyConfigured(
            f"The ledger signer's last checkpoint {path} does not verify with the signing key "
            f"({error}). It is only ever written by the signer; find out what changed it "
            "before signing anything."
        ) from error
    _cached = (version, state)
    return state


def save(note: str, *, verifier: VerifierKey | None = None) -> None:
    """Replace the state with `note` atomically: write and fsync a new file, rename it over.

    The folder is not synced after the rename (it would double the cost of every checkpoint):
    a crash may bring back the previous state, an earlier checkpoint this key signed, which
    every later head must extend too. Never a torn or empty file.
    """
    path = state_path()
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(note)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    global _cached
    _cached = None
    if verifier is not None:  # the signer's own note: remember it without reading it back
        head = parse_checkpoint_text(split_note(note)[0])
        _cached = (_version(path, verifier), (note, head))


def forget() -> bool:
    """Delete the state (a development ledger started over); True if there was one."""
    path = state_path()
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed
