"""The load test's clients and database check (bench/load_bench.py), run small: two people
for two seconds against the test server. No timing is asserted; what is checked is that the
clients still find the forms they post (CSRF token, form token, support button, comment
form) and that the check finds the writes they saw confirmed."""

import asyncio
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def load_bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import load_bench

    yield load_bench
    for name in ("load_bench", "idea_list_bench", "text_similarity_bench"):
        sys.modules.pop(name, None)


def test_two_people_browse_support_and_comment_and_every_write_is_accounted_for(
    load_bench, transactional_db, live_server, capsys
):
    from django.db import connection
    from idea_list_bench import populate

    if connection.vendor == "sqlite":
        # The test server shares its one in-memory SQLite connection between the threads
        # that answer the two people at once, so their transactions interleave on it; the
        # bench itself runs a real server against a file (see its SQLite figures).
        pytest.skip("needs a database with a connection per request (PostgreSQL)")

    populate(ideas=30, supports=60, users=6, seed=8, out=lambda *_: None)
    load_bench.counts_match_comments()
    people = load_bench.prepare_people(count=2)
    user_ids = [pk for pk, _email in people]
    before = load_bench.supports_of(user_ids)

    tally, _elapsed = asyncio.run(
        load_bench.run_clients(
            people, base_url=live_server.url, seconds=2, think=0.05, seed=3, mix=load_bench.BUSY_MIX
        )
    )
    checked = load_bench.check_database(tally, before=before, user_ids=user_ids)

    assert dict(tally.server_errors) == {}
    assert dict(tally.failure_notes) == {}
    for kind in ("sign-in (arrival)", "list", "idea page", "support", "comment"):
        assert tally.latencies[kind], f"no {kind} request was answered"
    assert tally.support_state, "no support was confirmed"
    assert tally.confirmed_comments, "no comment was confirmed"
    assert checked["supports confirmed (last action per person and idea)"] > 0
    assert checked["comments confirmed"] > 0
    problems = {
        name: value
        for name, value in checked.items()
        if any(word in name for word in ("lost", "differs", "without a confirmation", "doubled"))
        or name.startswith("comments refused but")
        or name.startswith("comments written that")
        or name.startswith("comments confirmed with another")
    }
    assert set(problems.values()) == {0}, problems
