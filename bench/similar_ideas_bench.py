"""Benchmark: similar-idea suggestions through the selector with 100,000 ideas (issue 4: < 50 ms).

Fills one challenge with 100,000 generated ideas (the same generator as
bench/idea_list_bench.py), then measures, in one process:

1. the cold build: the first `similar_ideas()` call reads every idea and builds the
   challenge's TF-IDF index;
2. `similar_ideas(challenge=..., text=..., limit=5)` end to end with the index warm (index
   query plus the one database query that keeps visible, open ideas), for `--queries` texts:
   half reworded existing ideas, half new texts;
3. the same through the htmx endpoint (`challenges:similar_ideas`) with Django's test client;
4. an idea saved in this process: the index is updated in place, not rebuilt.

    .venv/bin/python bench/similar_ideas_bench.py        # --ideas 100000 --queries 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civiclab_bench_similar \
        .venv/bin/python bench/similar_ideas_bench.py    # creates and drops that database
"""

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import idea_list_bench as lists


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def summary(label: str, timings: list[float]) -> None:
    print(
        f"{label:44} p50 {statistics.median(timings):6.1f} ms   "
        f"p95 {lists.percentile(timings, 0.95):6.1f} ms   max {max(timings):6.1f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    if postgres:
        lists.create_postgres_database(database_url)
    data_dir = Path(tempfile.mkdtemp(prefix="civiclab-bench-similar-"))
    lists.setup_django(data_dir)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from text_similarity_bench import make_generator, reword

    from civiclab.challenges.models import Idea
    from civiclab.challenges.selectors.similar import challenge_index, similar_ideas

    try:
        lists.migrate()
        print(f"database: {connection.vendor}; load average {os.getloadavg()}", flush=True)
        data = lists.populate(ideas=args.ideas, supports=0, users=2000, seed=args.seed, out=print)
        challenge = data["challenge"]

        _, cold = timed(similar_ideas, challenge=challenge, text="warm the index up")
        print(f"cold build of the index ({args.ideas} ideas, read + index): {cold / 1000:.1f} s")

        rng = random.Random(args.seed + 1)
        _, new_text = make_generator(args.seed + 1000)
        sample = list(
            Idea.objects.filter(challenge=challenge)
            .order_by("?")
            .values_list("title", "summary")[: args.queries // 2]
        )
        texts = [reword(rng, f"{title} {summary}") for title, summary in sample]
        texts += [new_text() for _ in range(args.queries - len(texts))]
        rng.shuffle(texts)

        timings, found = [], 0
        for text in texts:
            result, ms = timed(similar_ideas, challenge=challenge, text=text, limit=5)
            timings.append(ms)
            found += bool(result)
        summary("similar_ideas(), warm index", timings)
        print(f"  texts with at least one suggestion: {found} of {len(texts)}")

        client = Client()
        base = reverse(
            "challenges:similar_ideas",
            kwargs={"org_slug": challenge.organisation.slug, "slug": challenge.slug},
        )
        timings = []
        for text in texts:
            response, ms = timed(client.get, f"{base}?q={quote(text)}", HTTP_HX_REQUEST="true")
            assert response.status_code == 200
            timings.append(ms)
        summary("htmx endpoint, through Django", timings)

        index = challenge_index(challenge)
        idea = Idea.objects.filter(challenge=challenge).first()
        saves = []
        for n in range(50):
            idea.title = f"Edited title number {n} about bike lanes"
            _, ms = timed(idea.save)
            saves.append(ms)
        assert challenge_index(challenge) is index, "the index was rebuilt instead of updated"
        summary("saving an idea (index updated in place)", saves)
        print(f"load average at end: {os.getloadavg()}")
    finally:
        if postgres:
            lists.drop_postgres_database(database_url)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
