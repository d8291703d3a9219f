"""Receivers keep caches and search documents fresh, live in `receivers.py` and are
connected when the app is ready; no receiver writes trending scores."""

from pathlib import Path

from django.db.models.signals import post_delete, post_save

import civiclab.challenges
from civiclab.challenges.models import Challenge, Idea, Support

PACKAGE = Path(civiclab.challenges.__file__).parent


def _names(signal, sender) -> set[str]:
    sync, asynchronous = signal._live_receivers(sender)
    return {getattr(receiver, "__name__", "") for receiver in [*sync, *asynchronous]}


def test_selectors_and_trending_connect_nothing_on_import():
    paths = [*(PACKAGE / "selectors").rglob("*.py"), PACKAGE / "services" / "trending.py"]
    for path in paths:
        source = path.read_text()
        assert "django.db.models.signals" not in source, path
        assert ".connect(" not in source, path


def test_list_counts_and_search_documents_follow_ideas_and_challenges():
    assert {"_idea_saved_counts", "_idea_saved_search"} <= _names(post_save, Idea)
    assert {"_idea_deleted_counts", "_idea_deleted_search"} <= _names(post_delete, Idea)
    assert {"_challenge_saved_search"} <= _names(post_save, Challenge)
    assert {"_challenge_deleted_search"} <= _names(post_delete, Challenge)


def test_nothing_listens_to_supports():
    assert _names(post_save, Support) == set()
    assert _names(post_delete, Support) == set()
