"""Benchmark: full-text search and similar-idea suggestions from a freshly started process.

Issue 9's targets, with 100,000 ideas and 1,000,000 supports, on SQLite and PostgreSQL: the
first search in a freshly started process and the 95th percentile both under 100 ms;
similar-idea suggestions under 50 ms from a fresh process; the memory (RSS) of a process
after 1,000 searches recorded; the idea list figures unchanged (p95 under 20 ms).

The parent process fills the database with `idea_list_bench.populate` (same generator) and
writes the search documents with `core.search.index.reindex` (the bulk insert goes around
the ORM's saves). Then a child process is started for the measuring, so "first" is truly the
first search of a process that has never searched: Django set up, nothing else.

    .venv/bin/python bench/search_bench.py                       # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiclab_bench_search \
        .venv/bin/python bench/search_bench.py                   # creates and drops that DB

Options: --ideas 100000 --supports 1000000 --users 20000 --requests 200 --seed 4
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))
sys.path.insert(0, str(BENCH_DIR))

import idea_list_bench as lists  # noqa: E402

# Words of the generator's civic vocabulary, alone and in pairs (both AND-ed).
QUERIES = [
    "bike lane",
    "bench",
    "park",
    "library",
    "bus stop",
    "trees",
    "playground",
    "parking",
    "school",
    "lights",
    "garden",
    "bins",
    "crossing",
    "market",
    "river",
    "footpath",
    "noise",
    "cycling",
    "housing",
    "water",
    "solar",
    "square",
    "bridge",
    "community centre",
    "volunteers",
    "elderly",
    "children",
    "safety",
    "repair",
    "app",
]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(call, *args, **kwargs):
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def report(name: str, first: float | None, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    first_text = f"{first:8.1f}" if first is not None else " " * 8
    print(
        f"{name:44} {first_text} {statistics.median(timings):7.1f} {p95:7.1f} {max(timings):7.1f}",
        flush=True,
    )


def child(args) -> None:
    """The measuring process: started fresh, it has never searched before the first call."""
    lists.setup_django(Path(args.data_dir))
    from django.test import Client
    from django.urls import reverse
    from text_similarity_bench import make_generator

    from civiclab.challenges.models import Challenge
    from civiclab.challenges.selectors.lists import IdeaFilters, challenge_scope, search_ids
    from civiclab.challenges.selectors.similar import similar_ideas
    from civiclab.core.selectors import site_search

    print(f"fresh process, RSS {rss_mib():.0f} MiB after django.setup()", flush=True)
    challenge = Challenge.objects.select_related("organisation").get(slug="better-city")
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    scope = challenge_scope(user=anonymous, challenge=challenge)
    print(f"\n{'measure (ms)':44} {'first':>8} {'p50':>7} {'p95':>7} {'max':>7}")

    # 1. The selector the idea list and the API use: the very first search of the process.
    _, first = timed(search_ids, scope=scope, filters=IdeaFilters(q="bike lane"))
    timings = [
        timed(search_ids, scope=scope, filters=IdeaFilters(q=QUERIES[n % len(QUERIES)]))[1]
        for n in range(args.requests)
    ]
    report("search_ids (idea list search), selector", first, timings)

    # 2. Similar-idea suggestions: first call and p95 over generated drafts.
    _, new_text = make_generator(args.seed + 1000)
    drafts = [new_text() for _ in range(args.requests + 1)]
    _, first = timed(similar_ideas, challenge=challenge, text=drafts[0], limit=5)
    found, timings = 0, []
    for draft in drafts[1:]:
        result, ms = timed(similar_ideas, challenge=challenge, text=draft, limit=5)
        timings.append(ms)
        found += bool(result)
    report("similar_ideas(), selector", first, timings)
    print(f"  drafts with at least one suggestion: {found} of {len(drafts) - 1}", flush=True)

    # 3. The site search selector (challenges and ideas, every language).
    _, first = timed(site_search, user=anonymous, text="bike lane", page_number=1)
    timings = [
        timed(site_search, user=anonymous, text=QUERIES[n % len(QUERIES)], page_number=1)[1]
        for n in range(args.requests)
    ]
    report("site_search(), selector", first, timings)

    # 4. Through Django (middleware, view, queries, template), as an anonymous visitor.
    client = Client()
    page = reverse(
        "challenges:idea_list",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    similar_url = reverse(
        "challenges:similar_ideas",
        kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
    )
    for name, make_url in (
        ("idea list page with search", lambda q: f"{page}?q={quote(q)}"),
        ("API idea search", lambda q: f"/api/v1/challenges/{challenge.pk}/ideas?q={quote(q)}"),
        ("site search page", lambda q: f"{reverse('search')}?q={quote(q)}"),
        ("similar ideas htmx endpoint", lambda q: f"{similar_url}?q={quote(q)}"),
    ):
        queries = drafts if name.startswith("similar") else QUERIES
        response, first = timed(client.get, make_url(queries[0]))
        assert response.status_code == 200, (name, response.status_code)
        timings = []
        for n in range(args.requests):
            response, ms = timed(client.get, make_url(queries[n % len(queries)]))
            assert response.status_code == 200
            timings.append(ms)
        report(name, first, timings)

    # 5. Memory after 1,000 searches: it does not grow with the corpus or the searches.
    before = rss_mib()
    rng = random.Random(args.seed)
    for _ in range(1000):
        words = rng.sample(QUERIES, 2)
        search_ids(scope=scope, filters=IdeaFilters(q=words[0]))
        similar_ideas(challenge=challenge, text=" ".join(words), limit=5)
    print(
        f"\nRSS before the 1,000 searches (and 1,000 suggestions): {before:.0f} MiB;"
        f" after: {rss_mib():.0f} MiB",
        flush=True,
    )

    # 6. The idea list figures (issue 4's scenarios, same measuring code).
    if args.lists:
        print(f"\n{'scenario':32} {'first':>9} {'p50':>8} {'p95':>8} {'max':>8} queries")
        for name, url in lists.scenarios(client, challenge, "theme-0"):
            r = lists.measure(client, url, args.requests)
            print(
                f"{name:32} {r['first_ms']:7.1f}ms {r['p50_ms']:6.1f}ms {r['p95_ms']:6.1f}ms "
                f"{r['max_ms']:6.1f}ms {r['queries']:>4}/{r['queries_warm']}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--no-lists", dest="lists", action="store_false")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    data_dir = Path(tempfile.mkdtemp(prefix="civiclab-bench-search-"))
    if postgres:
        lists.create_postgres_database(database_url)
    lists.setup_django(data_dir)
    from django.db import connection, connections

    try:
        lists.migrate()
        print(f"database: {connection.vendor}; load average {os.getloadavg()}", flush=True)
        data = lists.populate(
            ideas=args.ideas, supports=args.supports, users=args.users, seed=args.seed, out=print
        )
        from civiclab.challenges.services.trending import trending_refresh
        from civiclab.core.clock import now
        from civiclab.core.search.index import reindex

        trending_refresh(now=now())
        written, seconds = timed(reindex)
        print(f"  search documents: {written} written in {seconds / 1000:.1f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        del data
        connections.close_all()
        command = [sys.executable, __file__, "--child", "--data-dir", str(data_dir)]
        command += ["--requests", str(args.requests), "--seed", str(args.seed)]
        if not args.lists:
            command.append("--no-lists")
        subprocess.run(command, check=True)
        print(f"\nload average at end: {os.getloadavg()}")
    finally:
        if postgres:
            lists.drop_postgres_database(database_url)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
