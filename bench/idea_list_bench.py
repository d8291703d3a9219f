"""Benchmark: the idea list page and API with 100,000 ideas and 1,000,000 supports.

Issue 4's target: both under 100 ms server time at the 95th percentile, on SQLite and on
PostgreSQL, with a query count that does not grow with the page.

Fills one challenge with generated ideas (civic texts from bench/text_similarity_bench.py,
statuses, types, tags, 1% hidden), 20,000 people and supports spread over 60 days with a
heavy tail (a few ideas have thousands), computes trending scores with the real refresh,
then times requests through Django's test client (middleware, view, queries, template; no
network): the page sorted newest / most supported / trending at pages 1 and 50, with a
status filter and a tag filter, a search; the API for the same sorts, a cursor 50 pages
deep and a filter. Each scenario runs `--requests` times as an anonymous visitor.

    .venv/bin/python bench/idea_list_bench.py                      # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiclab_bench_lists \
        .venv/bin/python bench/idea_list_bench.py                  # creates and drops that DB

Options: --ideas 100000 --supports 1000000 --users 20000 --requests 200 --seed 4 --keep
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))
sys.path.insert(0, str(BENCH_DIR))

STATUSES = [
    ("submitted", 0.70),
    ("under_review", 0.12),
    ("shortlisted", 0.05),
    ("selected", 0.02),
    ("shelved", 0.04),
    ("declined", 0.05),
    ("merged", 0.02),
]
TYPES = [
    "service_product",
    "process",
    "organisational",
    "communication",
    "governance_policy",
    "conceptual",
]


def setup_django(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "civiclab.config.settings.dev"
    os.environ["CIVICLAB_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"  # as in production: no query recording
    # The benchmark is one client making thousands of requests.
    os.environ["API_THROTTLE_ANON"] = "10000000/hour"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False


def postgres_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def create_postgres_database(url: str) -> None:
    import psycopg

    admin, name = postgres_admin_url(url)
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin, name = postgres_admin_url(url)
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def split_text(text: str) -> tuple[str, str, str]:
    sentences = [s.strip() for s in text.split(".") if s.strip()]
    title = sentences[0][:150].capitalize()
    summary = (". ".join(sentences[1:3]) + ".")[:300]
    return title, summary, text


def heavy_tailed_counts(rng: random.Random, ideas: int, total: int, cap: int) -> list[int]:
    """Supports per idea: a Pareto-like spread summing to about `total`, each at most `cap`."""
    weights = [rng.paretovariate(1.2) for _ in range(ideas)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    # Top up to the exact total on the ideas with room left.
    missing = total - sum(counts)
    while missing > 0:
        i = rng.randrange(ideas)
        if counts[i] < cap:
            counts[i] += 1
            missing -= 1
    return counts


def populate(*, ideas: int, supports: int, users: int, seed: int, out=print) -> dict:
    """One organisation, one public challenge in its submission phase, and the data."""
    from django.db import connection, transaction
    from django.utils import timezone
    from text_similarity_bench import make_generator

    from civiclab.accounts.models import User
    from civiclab.challenges.models import Challenge, Idea, Phase, Support, Tag
    from civiclab.organisations.models import Organisation

    rng, make_text = make_generator(seed)
    now = timezone.now()
    started = time.perf_counter()
    organisation = Organisation.objects.create(
        name="Bench City", slug="bench-city", country="NL", level="local"
    )
    challenge = Challenge.objects.create(
        organisation=organisation,
        title="How might we make the city better?",
        slug="better-city",
        summary="Everything.",
        problem_statement="Benchmarks.",
        state=Challenge.State.PUBLISHED,
        published_at=now,
    )
    Phase.objects.create(
        challenge=challenge, kind="submission", starts_at=now - timedelta(days=90), ends_at=None
    )
    tags = Tag.objects.bulk_create(
        [Tag(organisation=organisation, name=f"Theme {n}", slug=f"theme-{n}") for n in range(20)]
    )
    User.objects.bulk_create(
        [
            User(email=f"bench{n}@example.org", display_name=f"Person {n}", password="!")
            for n in range(users)
        ],
        batch_size=5000,
    )
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    out(f"  people: {len(user_ids)} ({time.perf_counter() - started:.1f} s)")

    counts = heavy_tailed_counts(rng, ideas, supports, cap=len(user_ids))
    statuses, weights = zip(*STATUSES, strict=True)
    table = connection.ops.quote_name(Idea._meta.db_table)
    columns = (
        "challenge_id, organisation_id, author_id, title, summary, description, "
        "description_html, expected_benefits, beneficiaries, innovation_types, location_name, "
        "status, status_reason, is_hidden, hidden_reason, support_count, comment_count, "
        "trending_score, score, created_at, updated_at"
    )
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 21)})"
    rows = []
    for n in range(ideas):
        title, summary, description = split_text(make_text())
        created = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
        status = rng.choices(statuses, weights)[0]
        kinds = rng.sample(TYPES, rng.choice([0, 1, 1, 2]))
        rows.append(
            (
                challenge.pk,
                organisation.pk,
                rng.choice(user_ids),
                title,
                summary,
                description,
                f"<p>{description}</p>",
                "",
                "",
                "[" + ", ".join(f'"{k}"' for k in kinds) + "]",
                "",
                status,
                "Reviewed by the team." if status != "submitted" else "",
                rng.random() < 0.01,
                "",
                counts[n],
                rng.choice([0, 0, 0, 1, 2, 5]),
                0.0,
                round(rng.uniform(20, 95), 1) if status in {"shortlisted", "selected"} else None,
                created,
                created,
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(insert, rows[start : start + 5000])
    idea_ids = list(
        Idea.objects.filter(challenge=challenge).order_by("pk").values_list("pk", flat=True)
    )
    out(f"  ideas: {len(idea_ids)} ({time.perf_counter() - started:.1f} s)")

    through = Idea.tags.through
    tag_rows = [
        (idea_id, tag.pk)
        for idea_id in idea_ids
        for tag in rng.sample(tags, rng.choice([0, 1, 1, 2]))
    ]
    tag_table = connection.ops.quote_name(through._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {tag_table} (idea_id, tag_id) VALUES (%s, %s)",
            tag_rows,
        )

    support_table = connection.ops.quote_name(Support._meta.db_table)
    insert_support = (
        f"INSERT INTO {support_table} (idea_id, user_id, created_at) VALUES (%s, %s, %s)"
    )
    batch: list[tuple] = []
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for idea_id, count in zip(idea_ids, counts, strict=True):
            if not count:
                continue
            for user_id in rng.sample(user_ids, count):
                # Most supports are old; a recent burst keeps "trending" meaningful.
                age = rng.expovariate(1 / (20 * 86400))
                batch.append((idea_id, user_id, now - timedelta(seconds=min(age, 60 * 86400))))
            if len(batch) >= 20000:
                cursor.executemany(insert_support, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(insert_support, batch)
            written += len(batch)
    out(f"  supports: {written} ({time.perf_counter() - started:.1f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"challenge": challenge, "tag": tags[0].slug, "seconds": time.perf_counter() - started}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client, url: str, requests: int) -> dict:
    """Server time of `url` over `requests` requests, and the database's share of it."""
    from django.db import connection

    # Queries are counted and timed with a wrapper: Django clears its own query log when a
    # request starts.
    queries: list[float] = []

    def timed_query(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(time.perf_counter() - started)

    with connection.execute_wrapper(timed_query):
        first_started = time.perf_counter()
        response = client.get(url)
        first = time.perf_counter() - first_started
        first_queries = len(queries)
        assert response.status_code == 200, (url, response.status_code, response.content[:500])
        timings, database = [], []
        for _ in range(requests):
            queries.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            database.append(sum(queries))
            assert response.status_code == 200
    return {
        "first_ms": first * 1000,
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": percentile(timings, 0.95) * 1000,
        "max_ms": max(timings) * 1000,
        "db_p50_ms": statistics.median(database) * 1000,
        "db_p95_ms": percentile(database, 0.95) * 1000,
        "queries": first_queries,
        "queries_warm": len(queries),
    }


def deep_cursor(client, url: str, pages: int) -> str:
    for _ in range(pages - 1):
        url = client.get(url).json()["next"]
    return url


def scenarios(client, challenge, tag: str) -> list[tuple[str, str]]:
    from django.urls import reverse

    page = reverse(
        "challenges:idea_list",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    api = f"/api/v1/challenges/{challenge.pk}/ideas"
    return [
        ("page newest p1", f"{page}"),
        ("page newest p50", f"{page}?sort=newest&page=50"),
        ("page supported p1", f"{page}?sort=supported"),
        ("page supported p50", f"{page}?sort=supported&page=50"),
        ("page trending p1", f"{page}?sort=trending"),
        ("page trending p50", f"{page}?sort=trending&page=50"),
        ("page status=under_review p1", f"{page}?status=under_review"),
        ("page tag p1, supported", f"{page}?tag={tag}&sort=supported"),
        ("page tag p50, supported", f"{page}?tag={tag}&sort=supported&page=50"),
        ("page search 'bike lane'", f"{page}?q=bike+lane"),
        ("api newest", f"{api}"),
        ("api supported", f"{api}?sort=supported"),
        ("api trending", f"{api}?sort=trending"),
        ("api supported, cursor p50", deep_cursor(client, f"{api}?sort=supported", 50)),
        ("api status=shortlisted", f"{api}?status=shortlisted"),
        ("api tag, supported", f"{api}?tag={tag}&sort=supported"),
        ("api page_size=100", f"{api}?page_size=100"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    data_dir = Path(tempfile.mkdtemp(prefix="civiclab-bench-lists-"))
    if postgres:
        create_postgres_database(database_url)
    setup_django(data_dir)
    from django.db import connection
    from django.test import Client

    try:
        migrate()
        print(f"database: {connection.vendor} {connection.Database.__name__}", flush=True)
        print(f"load average at start: {os.getloadavg()}", flush=True)
        data = populate(
            ideas=args.ideas,
            supports=args.supports,
            users=args.users,
            seed=args.seed,
            out=lambda text: print(text, flush=True),
        )
        from civiclab.challenges.services.trending import trending_refresh

        started = time.perf_counter()
        changed = trending_refresh(now=datetime.now(UTC))
        print(
            f"  trending refresh: {changed} ideas scored in {time.perf_counter() - started:.2f} s",
            flush=True,
        )
        client = Client()
        print(
            f"\n{'scenario':32} {'first':>9} {'p50':>8} {'p95':>8} {'max':>8}"
            f" {'db p50':>8} {'db p95':>8} queries (first/warm)"
        )
        for name, url in scenarios(client, data["challenge"], data["tag"]):
            r = measure(client, url, args.requests)
            print(
                f"{name:32} {r['first_ms']:7.1f}ms {r['p50_ms']:6.1f}ms {r['p95_ms']:6.1f}ms "
                f"{r['max_ms']:6.1f}ms {r['db_p50_ms']:6.1f}ms {r['db_p95_ms']:6.1f}ms "
                f"{r['queries']:>4}/{r['queries_warm']}",
                flush=True,
            )
        print(f"\nload average at end: {os.getloadavg()}")
    finally:
        if not args.keep:
            if postgres:
                drop_postgres_database(database_url)
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
