"""Search documents and each database's full-text index over them (ADR 14).

SQLite: an FTS5 table with external content (the rows of `core_searchdocument`), kept in step
by three triggers, so every insert, update and delete of a document changes the index in the
same statement and transaction. PostgreSQL: a stored generated `tsvector` column, weighted
title (A) over body (B), in the document's text search configuration, with a GIN index.
"""

from django.db import migrations, models

FTS = "core_searchdocument_fts"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        title, body, filters,
        content='core_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER core_searchdocument_fts_insert AFTER INSERT ON core_searchdocument BEGIN
        INSERT INTO {FTS}(rowid, title, body, filters)
        VALUES (new.id, new.title, new.body, new.filters);
    END""",
    f"""CREATE TRIGGER core_searchdocument_fts_delete AFTER DELETE ON core_searchdocument BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body, filters)
        VALUES ('delete', old.id, old.title, old.body, old.filters);
    END""",
    f"""CREATE TRIGGER core_searchdocument_fts_update AFTER UPDATE ON core_searchdocument BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body, filters)
        VALUES ('delete', old.id, old.title, old.body, old.filters);
        INSERT INTO {FTS}(rowid, title, body, filters)
        VALUES (new.id, new.title, new.body, new.filters);
    END""",
    # The vocabulary with each term's document count, for leaving out words nearly every
    # document has when looking for similar ideas.
    f"CREATE VIRTUAL TABLE {FTS}_vocab USING fts5vocab({FTS}, 'row')",
]
SQLITE_BACKWARD = [
    f"DROP TABLE IF EXISTS {FTS}_vocab",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_update",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _vector(column: str) -> str:
    # A generated column must be immutable: `to_tsvector` with a constant configuration is,
    # a configuration read from a column and cast is not; hence one branch per configuration.
    # The configurations of core.search.languages, fixed here as they were when this ran.
    configs = ("dutch", "english", "french", "german", "simple", "spanish")
    branches = " ".join(
        f"WHEN '{config}' THEN to_tsvector('{config}'::regconfig, {column})" for config in configs
    )
    return f"CASE config {branches} ELSE to_tsvector('simple'::regconfig, {column}) END"


POSTGRES_FORWARD = [
    f"""ALTER TABLE core_searchdocument ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight({_vector("title")}, 'A') || setweight({_vector("body")}, 'B')
        ) STORED""",
    "CREATE INDEX core_searchdocument_vector ON core_searchdocument USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchdocument_vector",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notification_preferences_and_digests")]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=60)),
                ("object_id", models.PositiveBigIntegerField()),
                ("organisation_id", models.BigIntegerField(null=True)),
                ("scope_id", models.BigIntegerField(null=True)),
                ("language", models.CharField(max_length=8)),
                ("config", models.CharField(max_length=20)),
                ("title", models.TextField()),
                ("body", models.TextField()),
                ("filters", models.TextField()),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "indexes": [models.Index(fields=["kind", "scope_id"], name="search_document_scope")],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "object_id"), name="search_document_once")
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
