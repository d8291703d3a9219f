"""Loading ledger entries (see `core.access`). The ledger is public: every entry is visible
to everyone, so the only "not visible" is an entry that does not exist yet."""

from typing import Any

from civiclab.core.access import NotVisible

from .models import Entry


def entry_for_user(*, user: Any, seq: int) -> Entry:
    entry = Entry.objects.filter(seq=seq).first()
    if entry is None:
        raise NotVisible
    return entry
