"""Ledger benchmark (issue 3): appends per second, proofs and a full verify at 1,000,000 entries.

Runs against a fresh SQLite database in a temporary data folder (dev settings):

    .venv/bin/python bench/ledger_bench.py                 # --entries 1000000 --appends 5000

1. Appends through `ledger_append`, single writer: one transaction per append (each commit
   also signs a checkpoint, as in production), then batches of 100 per transaction.
2. A bulk loader fills the ledger to --entries: the real envelopes, leaf hashes, stored
   subtree hashes and head, written with executemany, plus a signed checkpoint every
   10,000 entries (the shape a ledger gets from periodic checkpoints).
3. Inclusion and consistency proofs from the stored subtrees (random positions).
4. `verify_local()`: every leaf, the tree, every checkpoint and consistency proof.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

CHECKPOINT_EVERY = 10_000


def setup_django(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "civiclab.config.settings.dev"
    os.environ["CIVICLAB_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"  # as in production: no query recording
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_appends(count: int, batch: int) -> float:
    from django.db import transaction

    from civiclab.ledger.services import ledger_append

    started = time.perf_counter()
    done = 0
    while done < count:
        with transaction.atomic():
            for _ in range(min(batch, count - done)):
                ledger_append(
                    kind="gate.decided",
                    organisation_id=7,
                    organisation_label="City of Eastbrook",
                    subject_type="portfolio.gatereview",
                    subject_id=str(done),
                    subject_url=f"/portfolio/gates/{done}/",
                    payload={"decision": "go", "stage": "pilot", "votes": [3, 1, 0], "n": done},
                )
                done += 1
    return count / (time.perf_counter() - started)


def bulk_load(target: int) -> float:
    """Fill the ledger to `target` entries as fast as SQLite allows, hashes all real."""
    from django.db import connection, transaction

    from civiclab.ledger.canonical import canonical_json, envelope_bytes, envelope_time
    from civiclab.ledger.models import Head
    from civiclab.ledger.services import _frontier, checkpoint_issue
    from civiclab.methods.merkle import leaf_hash, node_key

    started = time.perf_counter()
    with transaction.atomic():
        head = Head.objects.select_for_update().get(pk=1)
        frontier = _frontier(head)
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        entry_sql = (
            "INSERT INTO ledger_entry (seq, kind, organisation_id, organisation_label, "
            "subject_type, subject_id, subject_url, payload, leaf_hash, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        )
        node_sql = "INSERT INTO ledger_node (key, hash) VALUES (%s, %s)"
        entries, nodes = [], []
        with connection.cursor() as cursor:
            while frontier.size < target:
                seq = frontier.size
                moment += timedelta(seconds=3)
                payload = canonical_json({"decision": "go", "stage": "pilot", "n": seq})
                fields = {
                    "seq": seq,
                    "kind": "gate.decided",
                    "organisation_id": 1 + seq % 40,
                    "organisation_label": f"Organisation {1 + seq % 40}",
                    "subject_type": "portfolio.gatereview",
                    "subject_id": str(seq),
                    "subject_url": f"/portfolio/gates/{seq}/",
                    "payload": payload,
                }
                leaf = leaf_hash(envelope_bytes(**fields, time=envelope_time(moment)))
                entries.append((*fields.values(), leaf.hex(), moment))
                nodes.extend(
                    (node_key(lv, ix), digest.hex()) for lv, ix, digest in frontier.append(leaf)
                )
                if len(entries) == 20_000 or frontier.size == target:
                    cursor.executemany(entry_sql, entries)
                    cursor.executemany(node_sql, nodes)
                    entries, nodes = [], []
                if frontier.size % CHECKPOINT_EVERY == 0 or frontier.size == target:
                    cursor.execute(
                        "UPDATE ledger_head SET size = %s, frontier = %s WHERE id = 1",
                        [frontier.size, frontier.to_bytes().hex()],
                    )
                    checkpoint_issue(now=moment)
    return time.perf_counter() - started


def bench_proofs(size: int, samples: int) -> tuple[list[float], list[float]]:
    from civiclab.ledger import selectors

    rng = random.Random(3)
    inclusion, consistency = [], []
    for _ in range(samples):
        seq = rng.randrange(size)
        started = time.perf_counter()
        selectors.inclusion_proof_for(seq, size)
        inclusion.append(time.perf_counter() - started)
        first = rng.randrange(1, size)
        started = time.perf_counter()
        selectors.consistency_proof_for(first, size)
        consistency.append(time.perf_counter() - started)
    return inclusion, consistency


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    mean = statistics.mean(values)
    return f"mean {mean * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="0: appends only")
    parser.add_argument("--appends", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as folder:
        setup_django(Path(folder))
        from django.db import connection

        from civiclab.ledger.verify import verify_local

        print(f"SQLite {connection.Database.sqlite_version}, Python {sys.version.split()[0]}")
        rate = bench_appends(args.appends, batch=1)
        print(f"appends, one transaction (and one signed checkpoint) each: {rate:,.0f}/s")
        from django.conf import settings

        settings.LEDGER_CHECKPOINT_ON_COMMIT = False
        rate = bench_appends(args.appends, batch=1)
        print(f"appends, one transaction each, no checkpoint: {rate:,.0f}/s")
        settings.LEDGER_CHECKPOINT_ON_COMMIT = True
        rate = bench_appends(args.appends * 4, batch=100)
        print(f"appends, 100 per transaction: {rate:,.0f}/s")

        if not args.entries:
            return
        loaded = bulk_load(args.entries)
        size = args.entries
        print(f"bulk load to {size:,} entries: {loaded:.1f} s")
        db_file = Path(folder) / "civiclab.sqlite3"
        print(f"database size: {db_file.stat().st_size / 2**20:,.0f} MiB")

        inclusion, consistency = bench_proofs(size, args.samples)
        print(f"inclusion proof at {size:,}: {_ms(inclusion)}")
        print(f"consistency proof to {size:,}: {_ms(consistency)}")

        started = time.perf_counter()
        result = verify_local()
        elapsed = time.perf_counter() - started
        state = "OK" if result.ok else f"FAILED {result.problems[:2]}"
        print(
            f"full verify: {elapsed:.1f} s ({result.entries:,} entries, "
            f"{result.checkpoints} checkpoints, {result.consistency_proofs} consistency "
            f"proofs) {state}"
        )


if __name__ == "__main__":
    main()
