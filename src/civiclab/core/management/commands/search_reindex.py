"""`civiclab search_reindex [KIND ...]`: rebuild search documents from their objects.

Saves through the ORM keep the index in step by themselves; this is for data written around
it (bulk loads, raw SQL, restored backups) and after changing how a kind is indexed.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civiclab.core.search import registry
from civiclab.core.search.index import reindex


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of every (or the named) searchable kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kinds", nargs="*", help="e.g. challenges.idea (default: all)")

    def handle(self, *args: Any, kinds: list[str], **options: Any) -> None:
        known = {searchable.kind for searchable in registry.registered()}
        unknown = [kind for kind in kinds if kind not in known]
        if unknown:
            raise CommandError(
                f"Unknown search kind: {', '.join(unknown)}. Known: {', '.join(sorted(known))}."
            )
        written = reindex(kinds=kinds)
        self.stdout.write(f"Indexed {written} documents.")
