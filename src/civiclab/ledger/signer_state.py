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


# Two slots, `<state file>` and `<state file>.2`, written in turn, in place: overwriting a
# file and syncing its data costs a fraction of writing a new file and renaming it over,
# and a write torn by a crash only spoils the slot being written. Each slot holds a signed
# note, so a spoiled one is recognised (its signature fails) and the other one is used: a
# checkpoint this key signed before, which every later head must extend too.


def slots() -> tuple[Path, Path]:
    path = state_path()
    return path, path.with_name(path.name + ".2")


def _read_slot(path: Path, verifier: VerifierKey) -> tuple[str, SignedHead] | None:
    """The slot's note and checkpoint; None if the slot is missing, empty or spoiled."""
    try:
        note = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeError) as error:
        if isinstance(error, UnicodeError):
            return None  # torn in the middle of a character
        raise ImproperlyConfigured(
            f"Cannot read the ledger signer's last checkpoint {path}: {error}"
        ) from error
    try:
        return note, open_checkpoint(note, verifier, origin=verifier.name)
    except NoteError:
        return None


def _version(verifier: VerifierKey) -> tuple[object, ...]:
    """What identifies the slots' contents: their modification times and sizes."""
    stamps: list[object] = [str(verifier)]
    for path in slots():
        try:
            stat = path.stat()
        except FileNotFoundError:
            stamps.append(None)
        else:
            stamps.append((stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


# What this process last read or wrote: (version, (slot index, note, checkpoint)).
_cached: tuple[tuple[object, ...], tuple[int, str, SignedHead]] | None = None


def _latest(verifier: VerifierKey) -> tuple[int, str, SignedHead] | None:
    """The slot holding the larger valid checkpoint, with its note and checkpoint."""
    global _cached
    version = _version(verifier)
    if _cached is not None and _cached[0] == version:
        return _cached[1]
    found = [(index, _read_slot(path, verifier)) for index, path in enumerate(slots())]
    valid = [(index, state) for index, state in found if state is not None]
    present = [
        path
        for path, stamp in zip(slots(), version[1:], strict=True)
        if isinstance(stamp, tuple) and stamp[1] > 0  # an empty slot was never written
    ]
    if present and not valid:
        raise ImproperlyConfigured(
            f"The ledger signer's last checkpoint ({', '.join(map(str, present))}) does not "
            "verify with the signing key. It is only ever written by the signer; find out what "
            "changed it before signing anything."
        )
    if not valid:
        return None
    index, (note, head) = max(valid, key=lambda item: item[1][1].size)
    _cached = (version, (index, note, head))
    return index, note, head


def load(verifier: VerifierKey) -> tuple[str, SignedHead] | None:
    """The last signed checkpoint (note, parsed), or None if this key never signed one here."""
    latest = _latest(verifier)
    return None if latest is None else (latest[1], latest[2])


def save(note: str, *, verifier: VerifierKey) -> None:
    """Record `note` as the last signed checkpoint, durably, in the slot not holding the
    latest one (overwrite in place, then fdatasync)."""
    global _cached
    latest = _latest(verifier)
    index = 0 if latest is None else 1 - latest[0]
    path = slots()[index]
    data = note.encode("utf-8")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.pwrite(descriptor, data, 0)
        os.ftruncate(descriptor, len(data))
        os.fdatasync(descriptor)
    finally:
        os.close(descriptor)
    head = parse_checkpoint_text(split_note(note)[0])  # the signer's own note, just signed
    _cached = (_version(verifier), (index, note, head))


def forget() -> bool:
    """Delete the state (a development ledger started over); True if there was one."""
    global _cached
    _cached = None
    existed = False
    for path in slots():
        existed = path.exists() or existed
        path.unlink(missing_ok=True)
    return existed
