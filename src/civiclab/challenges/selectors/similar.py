"""Similar-idea suggestions, from the database's full-text search (ADR 14).

While someone types a new idea, the draft's significant words (stemmed in the organisation's
language; stop words and, on SQLite, words found in more than one document in a hundred left
out) are searched as "any of these words" among the challenge's ideas, ranked by `bm25()` on
SQLite and `ts_rank` on PostgreSQL. Nothing is built or held in the process: the first
suggestion of a fresh process costs what the hundredth does.

A suggestion must share enough with the draft to help: at least a third of the draft's
significant stems and at least two (one, for a draft of one or two such words); "along" and
"path" alone do not make a ten-word draft a duplicate. Hidden, merged and declined ideas are never
suggested, nor the idea being edited.
"""

import math

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from civiclab.accounts.models import User
from civiclab.core.search import languages
from civiclab.core.search.query import query_terms, ranked_hits

from ..models import Challenge, CoAuthor, CoAuthorStatus, Idea, IdeaStatus
from ..searchable import IDEA_KIND

MIN_QUERY_LENGTH = 3
# Candidates read from the index per suggestion asked for: some are hidden, merged or weak.
CANDIDATES_PER_SUGGESTION = 4
NOT_SUGGESTED = (IdeaStatus.MERGED, IdeaStatus.DECLINED)


def similar_ideas(
    *,
    challenge: Challenge,
    text: str,
    limit: int = 5,
    exclude_id: int | None = None,
    viewer: User | AnonymousUser | None = None,
) -> list[Idea]:
    """Up to `limit` visible, open ideas of the challenge most like `text`, best first.

    The `viewer`'s own ideas (as author or accepted co-author) are left out: the suggestion
    is "support this one instead", and nobody may support their own idea.
    Two queries: the index, then the candidate ideas.
    """
    text = (text or "").strip()
    if len(text) < MIN_QUERY_LENGTH or limit <= 0:
        return []
    code = languages.language_for_country(challenge.organisation.country)
    hits = ranked_hits(
        text=text,
        kinds=[IDEA_KIND],
        languages_=[code],
        scope_ids=[challenge.pk],
        limit=limit * CANDIDATES_PER_SUGGESTION,
        any_term=True,
    )
    rank = {hit.object_id: n for n, hit in enumerate(hits) if hit.object_id != exclude_id}
    if not rank:
        return []
    draft = set(query_terms(text, code, significant=True))
    needed = max(2, math.ceil(len(draft) / 3)) if len(draft) >= 3 else 1
    ideas = (
        Idea.objects.filter(pk__in=list(rank), challenge=challenge, is_hidden=False)
        .exclude(status__in=NOT_SUGGESTED)
        .exclude(_own_ideas(viewer))
        .select_related("organisation")
        .only(
            "pk",
            "title",
            "summary",
            "description",
            "status",
            "support_count",
            "organisation__slug",
            "challenge",
        )
    )
    suggested = [
        idea
        for idea in ideas
        if len(
            draft & set(languages.stems(f"{idea.title} {idea.summary} {idea.description}", code))
        )
        >= needed
    ]
    return sorted(suggested, key=lambda idea: rank[idea.pk])[:limit]


def _own_ideas(viewer: User | AnonymousUser | None) -> Q:
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    return Q(author_id=viewer.pk) | Q(
        pk__in=CoAuthor.objects.filter(user_id=viewer.pk, status=CoAuthorStatus.ACCEPTED).values(
            "idea_id"
        )
    )
