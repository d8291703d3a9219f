"""Trending ideas: recent supports, weighted by how recent they are.

    trending_score(idea, t) = sum over the idea's supports s with t - s.created_at <= 7 days
                              of 2 ** (-(t - s.created_at) / 48 h)

An exponential decay with a half-life of 48 hours (the "hot" ranking of Reddit and of
Decidim's "most followed" lists uses the same idea; Hacker News uses a power-law gravity
instead). A support given now is worth 1, one given two days ago 0.5, a week ago 0.09, and
older supports nothing. Only the order matters to the list.

Two ways keep the stored `Idea.trending_score` right:

- `trending_refresh()` recomputes every score from the supports of the last seven days and
  writes only the ideas whose score changed; run it periodically (the `refresh_trending`
  task or `civiclab refresh_trending`, e.g. hourly from cron). It records the moment it
  computed for (`T`).
- Between refreshes every stored score is expressed at time `T`. A support given at time
  `t > T` weighs 1 at `t`, which is `2 ** ((t - T) / 48 h)` at `T`'s scale, so giving or
  withdrawing a support adds or subtracts that much with one UPDATE: the order stays exact
  without touching any other idea. (The seven-day cut-off and the drift of the scale are
  corrected by the next refresh.)

Supports given by an account younger than `TRUSTED_ACCOUNT_AGE_DAYS` (seven days by default)
weigh nothing, then and later, so a batch of new accounts cannot push an idea up the list.

The services that give and withdraw a support (`support_add`, `support_remove`) move the
score in their own transaction, with `_internal.trending_record_support`; nothing listens
for `Support` rows being saved, so rows written any other way (merges, erasure, fixtures)
are picked up by the next refresh.
"""

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django_tasks import task

from civiclab.core import clock

from ..models import Idea, Support

HALF_LIFE = timedelta(hours=48)
WINDOW = timedelta(days=7)
REFERENCE_KEY = "challenges:trending-reference"
# Scores closer than this are "unchanged": no write.
TOLERANCE = 1e-9
WRITE_BATCH = 2000


def trusted_account_age() -> timedelta:
    """How old an account must be for its supports to move an idea up the trending list (its
    reports to count towards hiding, see discussion): new throwaway accounts cannot push an
    idea up. The support still counts in the idea's number of supports."""
    return timedelta(days=settings.TRUSTED_ACCOUNT_AGE_DAYS)


def trends(*, joined_at: datetime, supported_at: datetime) -> bool:
    """Whether a support given at `supported_at` by an account joined at `joined_at` trends."""
    return supported_at >= joined_at + trusted_account_age()


def support_weight(*, supported_at: datetime, at: datetime) -> float:
    """A support's weight at time `at`: 1 when fresh, halving every 48 h, 0 after 7 days."""
    age = at - supported_at
    if age > WINDOW:
        return 0.0
    return 2.0 ** (-age.total_seconds() / HALF_LIFE.total_seconds())


def reference_time() -> datetime:
    """The moment at whose scale stored scores are expressed (the last refresh)."""
    stamp = cache.get(REFERENCE_KEY)
    if stamp is None:
        return clock.now()
    return datetime.fromtimestamp(stamp, tz=UTC)


def compute_scores(supports: list[tuple[int, datetime]], *, at: datetime) -> dict[int, float]:
    """Scores per idea id from `(idea_id, supported_at)` pairs, at time `at`."""
    scores: dict[int, float] = defaultdict(float)
    half_life = HALF_LIFE.total_seconds()
    window = WINDOW.total_seconds()
    for idea_id, supported_at in supports:
        age = (at - supported_at).total_seconds()
        if age <= window:
            scores[idea_id] += math.pow(2.0, -max(age, 0.0) / half_life)
    return dict(scores)


def trending_refresh(*, now: datetime | None = None, challenge_id: int | None = None) -> int:
    """Recompute trending scores from the last seven days; returns how many ideas changed.

    Reads the recent supports in one indexed query (Support.created_at), compares with the
    stored scores of ideas that have one, and writes only the differences, in batches.
    """
    now = now or clock.now()
    recent = Support.objects.filter(
        created_at__gt=now - WINDOW,
        # Supports given by accounts younger than TRUSTED_ACCOUNT_AGE_DAYS do not trend.
        created_at__gte=F("user__date_joined") + trusted_account_age(),
    )
    current = Idea.objects.filter(trending_score__gt=0)
    if challenge_id is not None:
        recent = recent.filter(idea__challenge_id=challenge_id)
        current = current.filter(challenge_id=challenge_id)
    scores = compute_scores(list(recent.values_list("idea_id", "created_at")), at=now)
    stored = dict(current.values_list("pk", "trending_score"))
    changes = [
        (scores.get(idea_id, 0.0), idea_id)
        for idea_id in set(scores) | set(stored)
        if abs(scores.get(idea_id, 0.0) - stored.get(idea_id, 0.0)) > TOLERANCE
    ]
    with transaction.atomic():
        _write_scores(changes)
    if challenge_id is None:
        cache.set(REFERENCE_KEY, now.timestamp(), None)
    return len(changes)


def _write_scores(changes: list[tuple[float, int]]) -> None:
    """`UPDATE ... SET trending_score` for many ideas: batched joins on PostgreSQL, where
    one statement per idea costs a round trip each; executemany on SQLite, in process."""
    table = connection.ops.quote_name(Idea._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            if changes:
                # The table name comes from the model; every value is a parameter.
                sql = f"UPDATE {table} SET trending_score = %s WHERE id = %s"  # noqa: S608
                cursor.executemany(sql, changes)
            return
        for start in range(0, len(changes), WRITE_BATCH):
            batch = changes[start : start + WRITE_BATCH]
            rows = ", ".join(["(%s::bigint, %s::double precision)"] * len(batch))
            params = [value for score, idea_id in batch for value in (idea_id, score)]
            sql = (
                f"UPDATE {table} AS idea SET trending_score = new.score "  # noqa: S608
                f"FROM (VALUES {rows}) AS new(id, score) WHERE idea.id = new.id"
            )
            cursor.execute(sql, params)


@task()
def refresh_trending() -> int:
    """The periodic task: recompute every trending score."""
    return trending_refresh()
