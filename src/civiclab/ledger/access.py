"""Loading ledger entries (see `core.access`). The ledger is public: every entry is visible
to everyone, so the only "not visible" is an entry that does not exist yet."""

from civiclab.core.access import NotVisible
from civiclab.core.people import Person

from .models import Entry


def entry_for_user(*, user: Person, seq: int) -> Entry:
    entry = Entry.objects.filter(seq=seq).first()
    if entry is None:
        raise NotVisible
    return entry
