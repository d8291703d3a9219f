import pytest

from civiclab.demo.seed import seed_demo
from civiclab.ledger.models import Checkpoint, Entry
from civiclab.ledger.verify import verify_local

pytestmark = pytest.mark.django_db


def test_demo_seed_records_entries_with_valid_proofs(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    kinds = list(Entry.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds.count("organisation.registered") == 2
    assert kinds.count("policy.published") == 2
    # The seed commits once, so one checkpoint covers everything.
    assert Checkpoint.objects.get().size == len(kinds)
    assert verify_local().ok
    page = client.get("/ledger/entries/0/").content.decode()
    assert "How to check it yourself" in page

    seed_demo()  # idempotent
    assert Entry.objects.count() == len(kinds)
