"""Concurrent appends from many connections get gap-free sequence numbers (PostgreSQL)."""

import os
import threading

import pytest
from django.db import connection, connections, transaction

from civiclab.ledger.models import Checkpoint, Entry
from civiclab.ledger.services import ledger_append
from civiclab.ledger.verify import verify_local

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]

WRITERS = 8
APPENDS_EACH = 15


def _writer(number: int, errors: list) -> None:
    try:
        for i in range(APPENDS_EACH):
            with transaction.atomic():
                ledger_append(
                    kind="ledger.test",
                    organisation_id=None,
                    payload={"writer": number, "i": i},
                )
    except Exception as error:  # reported to the main thread
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_are_gap_free_and_verify():
    assert connection.vendor == "postgresql"
    errors: list = []
    threads = [threading.Thread(target=_writer, args=(n, errors)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    total = WRITERS * APPENDS_EACH
    assert list(Entry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(total))
    assert Checkpoint.objects.order_by("-size").first().size == total
    result = verify_local()
    assert result.ok, result.problems
