"""Index the challenges and ideas that exist already in the database's full-text search.

From here on, the receivers keep every document in step with its object (ADR 14). This reads
the current models through the search registry (not the historical ones), because the
document is defined by the registration; `civiclab search_reindex` does the same at any time.
"""

from django.db import migrations


def index_existing(apps, schema_editor):
    from civiclab.core.search.index import reindex

    reindex(kinds=["challenges.challenge", "challenges.idea"])


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0004_scorecard_evaluators_anonymous"),
        ("core", "0008_searchdocument"),
    ]

    operations = [migrations.RunPython(index_existing, migrations.RunPython.noop)]
