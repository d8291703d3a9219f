"""What an auditor remembers about each installation it checked with `verify --url`.

One small JSON file per audited address in LEDGER_VERIFY_STATE_DIR: the verifier key that
was trusted (pinned with `--key`, or taken on first use) and the signed note of the last
checkpoint that verified. The next run checks against both: a new key fails, and the log
must still contain that checkpoint unchanged (a rewritten, re-signed or cut-back history
fails even when it is internally consistent).
"""

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from civiclab.core import clock

from .notes import NoteError, VerifierKey


class TrustError(RuntimeError):
    """The saved state for an address is unreadable, or contradicts what was asked."""


@dataclass(frozen=True)
class Trusted:
    key: VerifierKey
    checkpoint: str  # the signed note of the last checkpoint verified, or ""
    since: str  # when the key was first trusted (UTC, RFC 3339)


def state_dir() -> Path:
    return Path(settings.LEDGER_VERIFY_STATE_DIR).expanduser()


def state_file(url: str, folder: Path | None = None) -> Path:
    """The file for one audited address: its host, port and path, made a safe file name."""
    parts = urlsplit(url.rstrip("/"))
    label = (parts.hostname or "unknown") + (f"_{parts.port}" if parts.port else "") + parts.path
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", label).strip("_.") or "unknown"
    return (folder or state_dir()) / f"{name}.json"


def load(path: Path) -> Trusted | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise TrustError(f"Cannot read the saved ledger state {path}: {error}.") from error
    try:
        return Trusted(
            key=VerifierKey.parse(data["verifier_key"]),
            checkpoint=str(data.get("checkpoint") or ""),
            since=str(data.get("trusted_since") or ""),
        )
    except (KeyError, TypeError, AttributeError, NoteError) as error:
        raise TrustError(f"The saved ledger state {path} is malformed: {error}.") from error


def save(path: Path, url: str, key: VerifierKey, checkpoint: str, since: str = "") -> None:
    """Write the state atomically (a half-written file would lose the pinned key)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {
        "url": url,
        "verifier_key": str(key),
        "trusted_since": since or now,
        "checkpoint": checkpoint,
        "checked_at": now,
    }
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
