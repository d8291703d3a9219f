"""Similar-idea suggestions and ranked search, from a TF-IDF index per challenge.

Each process keeps one `civiclab.methods.text.SimilarityIndex` per challenge in memory, built
lazily from the database on first use (about 5 s for 100,000 ideas) and then answering in a
few milliseconds. The index holds every idea of the challenge; who may see which idea is
decided afterwards by the database, so hiding, merging or declining an idea never needs the
index to change.

Keeping processes in step: every create or edit of an idea's text sets a fresh random
"version" token for its challenge in Django's cache (shared by all processes in production).
A process whose index was built at another token rebuilds it on its next use. The process
that made the change updates its own index in place instead, so the person who just wrote
an idea does not wait for a rebuild.
"""

import threading
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from civiclab.methods.text import SimilarityIndex

from ..models import Challenge, Idea, IdeaStatus

# Below this cosine a suggestion is more noise than help (measured on the demo texts).
SUGGESTION_MIN_SCORE = 0.15
# Search wants every idea that shares a meaningful word, best first.
SEARCH_MIN_SCORE = 0.01
SEARCH_LIMIT = 500
MIN_QUERY_LENGTH = 3
# Fields whose change alters the indexed text; saves of counters leave the index alone.
TEXT_FIELDS = frozenset({"title", "summary", "description"})
# Statuses never offered as "is this your idea?" suggestions.
NOT_SUGGESTED = (IdeaStatus.MERGED, IdeaStatus.DECLINED)


@dataclass
class _Entry:
    token: str
    index: SimilarityIndex


_indexes: dict[tuple[int, float], _Entry] = {}
_lock = threading.RLock()


def idea_text(title: str, summary: str, description: str) -> str:
    """The indexed text: the title counts twice, being the densest statement of the idea."""
    return f"{title}\n{title}\n{summary}\n{description}"


def _key(challenge_id: int, created_stamp: float) -> tuple[int, float]:
    # The creation time makes the key unique even where a database reuses ids.
    return (challenge_id, created_stamp)


def _token_key(challenge_id: int) -> str:
    return f"challenges:ideas-token:{challenge_id}"


def ideas_token(challenge_id: int) -> str:
    """The current version token of a challenge's ideas (created on first use)."""
    key = _token_key(challenge_id)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key) or ""
    return token


def ideas_changed(challenge_id: int) -> str:
    """Record that a challenge's ideas changed: every process's cached view goes stale."""
    token = uuid.uuid4().hex
    cache.set(_token_key(challenge_id), token, None)
    return token


def _stamp(challenge: Challenge) -> float:
    return challenge.created_at.timestamp() if challenge.created_at else 0.0


def _build(challenge_id: int) -> SimilarityIndex:
    rows = (
        Idea.objects.filter(challenge_id=challenge_id)
        .order_by("pk")
        .values_list("pk", "title", "summary", "description")
        .iterator(chunk_size=5000)
    )
    # Refresh IDF after a tenth of the ideas have changed; in between, new ideas are weighted
    # with the vocabulary as it was, which is close enough for suggestions.
    return SimilarityIndex(
        ((pk, idea_text(title, summary, description)) for pk, title, summary, description in rows),
        refresh_ratio=0.1,
    )


def challenge_index(challenge: Challenge) -> SimilarityIndex:
    """The challenge's index, current with the latest change any process announced."""
    key = _key(challenge.pk, _stamp(challenge))
    token = ideas_token(challenge.pk)
    with _lock:
        entry = _indexes.get(key)
        if entry is not None and entry.token == token:
            return entry.index
        index = _build(challenge.pk)
        _indexes[key] = _Entry(token=token, index=index)
        return index


def forget_indexes() -> None:
    """Drop every index this process holds (tests, and a lever for memory pressure)."""
    with _lock:
        _indexes.clear()


# -- suggestions ---------------------------------------------------------------------------


def similar_ideas(
    *, challenge: Challenge, text: str, limit: int = 5, exclude_id: int | None = None
) -> list[Idea]:
    """Up to `limit` visible, open ideas of the challenge most like `text`, best first.

    Hidden, merged and declined ideas are never suggested. One query after the index.
    """
    text = (text or "").strip()
    if len(text) < MIN_QUERY_LENGTH or limit <= 0:
        return []
    index = challenge_index(challenge)
    exclude = (exclude_id,) if exclude_id is not None else ()
    # Ask for more than needed: some of the best matches may be hidden or merged.
    hits = index.similar(text, limit=limit * 4, min_score=SUGGESTION_MIN_SCORE, exclude=exclude)
    if not hits:
        return []
    rank = {idea_id: position for position, (idea_id, _score) in enumerate(hits)}
    ideas = (
        Idea.objects.filter(pk__in=list(rank), challenge=challenge, is_hidden=False)
        .exclude(status__in=NOT_SUGGESTED)
        .select_related("organisation")
        .only(
            "pk", "title", "summary", "status", "support_count", "organisation__slug", "challenge"
        )
    )
    return sorted(ideas, key=lambda idea: rank[idea.pk])[:limit]


def ranked_idea_ids(*, challenges: list[Challenge], text: str) -> list[int]:
    """Ids of the ideas of `challenges` matching `text`, most relevant first (at most 500).

    Visibility is not applied here: callers intersect with what the viewer may see.
    """
    text = (text or "").strip()
    if not text:
        return []
    hits: list[tuple[float, int]] = []
    for challenge in challenges:
        index = challenge_index(challenge)
        hits.extend(
            (score, int(idea_id))
            for idea_id, score in index.similar(
                text, limit=SEARCH_LIMIT, min_score=SEARCH_MIN_SCORE
            )
        )
    hits.sort(key=lambda hit: (-hit[0], -hit[1]))
    return [idea_id for _score, idea_id in hits[:SEARCH_LIMIT]]


# -- keeping indexes current (called by ../receivers.py) -------------------------------------


def _apply_locally(challenge_id: int, created_stamp: float, idea: Idea | None, idea_id: int) -> str:
    """Update this process's index in place if it was current, then announce the change.

    Returns the token announced, which this process's index now carries (if it has one).
    """
    key = _key(challenge_id, created_stamp)
    with _lock:
        entry = _indexes.get(key)
        was_current = entry is not None and entry.token == cache.get(_token_key(challenge_id))
        token = ideas_changed(challenge_id)
        if entry is None:
            return token
        if not was_current:
            del _indexes[key]
            return token
        if idea is None:
            entry.index.discard(idea_id)
        else:
            entry.index.add(idea_id, idea_text(idea.title, idea.summary, idea.description))
        entry.token = token
        return token


def _announce_after_commit(challenge_id: int, created_stamp: float, token: str) -> None:
    """Announce the change again once committed: another process may have rebuilt its index
    between the first announcement and the commit, without the change. This process's index
    already has it, so it keeps up with the new token, unless someone else changed the
    challenge in between."""
    key = _key(challenge_id, created_stamp)
    with _lock:
        entry = _indexes.get(key)
        unchanged_since = cache.get(_token_key(challenge_id)) == token
        fresh = ideas_changed(challenge_id)
        if entry is not None and entry.token == token and unchanged_since:
            entry.token = fresh


def _challenge_stamp(idea: Idea) -> float:
    challenge = idea._state.fields_cache.get("challenge")
    if challenge is None:
        created = Challenge.objects.filter(pk=idea.challenge_id).values_list(
            "created_at", flat=True
        )
        first = created.first()
        return first.timestamp() if first else 0.0
    return _stamp(challenge)


def idea_text_changed(idea: Idea) -> None:
    """An idea was added or its text changed: this process's index takes it now, the others
    rebuild on their next use (announced again after commit)."""
    stamp = _challenge_stamp(idea)
    challenge_id, idea_id = idea.challenge_id, idea.pk
    token = _apply_locally(challenge_id, stamp, idea, idea_id)
    transaction.on_commit(lambda: _announce_after_commit(challenge_id, stamp, token))


def idea_removed(idea: Idea) -> None:
    """An idea was deleted: it leaves this process's index now, the others' on rebuild."""
    challenge_id, idea_id = idea.challenge_id, idea.pk
    stamp = _challenge_stamp(idea)
    token = _apply_locally(challenge_id, stamp, None, idea_id)
    transaction.on_commit(lambda: _announce_after_commit(challenge_id, stamp, token))
