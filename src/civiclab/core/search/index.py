"""Writing the search index: one `SearchDocument` per searchable object, in the caller's
transaction.

`document_put(obj)` is called by the owning app's receivers on every save of a registered
model that changes its text (and `document_remove` on delete), inside the transaction that
saves the object, so the index can never disagree with committed data. The database keeps its
own full-text structure in step with the document row (see migration 0007). Writes that
bypass the ORM's save (bulk loads, raw SQL) call `reindex(...)` afterwards, or run
`civiclab search_reindex`.

Text is stored as the database will index it: on PostgreSQL, for a language it stems itself,
as written; otherwise as Snowball stems (`languages.stemmed_text`), which FTS5's `unicode61`
tokeniser (diacritics folded) and PostgreSQL's `simple` configuration then take word by word.
"""

import re
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Model

from ..models import SearchDocument
from . import languages, registry

_NOT_TOKEN = re.compile(r"[^a-z0-9]")


def kind_token(kind: str) -> str:
    return "k" + _NOT_TOKEN.sub("", kind.lower())


def filter_tokens(kind: str, document: registry.Document) -> str:
    """The tokens FTS5 filters on: kind, scope, organisation and language."""
    return " ".join(
        (
            kind_token(kind),
            f"s{document.scope_id or 0}",
            f"o{document.organisation_id or 0}",
            f"l{languages.language(document.language).code}",
        )
    )


def indexed_text(text: str, code: str) -> str:
    """`text` as the current database indexes it in `code`'s language."""
    if connection.vendor == "postgresql" and languages.language(code).postgres:
        return text
    return languages.stemmed_text(text, code)


def _row(kind: str, object_id: int, document: registry.Document) -> SearchDocument:
    language = languages.language(document.language)
    return SearchDocument(
        kind=kind,
        object_id=object_id,
        organisation_id=document.organisation_id,
        scope_id=document.scope_id,
        language=language.code,
        config=language.postgres_config,
        title=indexed_text(document.title, language.code),
        body=indexed_text(document.body, language.code),
        filters=filter_tokens(kind, document),
    )


def document_put(obj: Model) -> None:
    """Index `obj` (or take it out of the index, when its registration gives no document)."""
    searchable = registry.for_model(type(obj))
    if searchable is None:
        return
    document = searchable.document(obj)
    if document is None:
        document_remove(kind=searchable.kind, object_id=obj.pk)
        return
    row = _row(searchable.kind, obj.pk, document)
    fields = ("organisation_id", "scope_id", "language", "config", "title", "body", "filters")
    with transaction.atomic():
        updated = SearchDocument.objects.filter(kind=row.kind, object_id=row.object_id).update(
            **{field: getattr(row, field) for field in fields}
        )
        if not updated:
            row.save(force_insert=True)


def document_remove(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


def reindex(*, kinds: Iterable[str] = (), batch_size: int = 2000) -> int:
    """Rebuild the documents of `kinds` (all registered kinds by default) from their objects,
    in one transaction. Returns the number of documents written."""
    written = 0
    with transaction.atomic():
        for kind in registry.kinds(kinds):
            searchable = registry.for_kind(kind)
            queryset = searchable.indexable()
            ids = list(queryset.values_list("pk", flat=True))
            for start in range(0, len(ids), batch_size):
                chunk = ids[start : start + batch_size]
                SearchDocument.objects.filter(kind=kind, object_id__in=chunk).delete()
                rows = []
                for obj in queryset.filter(pk__in=chunk).order_by("pk"):
                    document = searchable.document(obj)
                    if document is not None:
                        rows.append(_row(kind, obj.pk, document))
                SearchDocument.objects.bulk_create(rows, batch_size=batch_size)
                written += len(rows)
    return written
