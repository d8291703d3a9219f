import contextlib
import io

import pytest
from django.urls import reverse

from civiclab.ledger.services import checkpoint_issue

from .conftest import append

pytestmark = pytest.mark.django_db


def test_index_lists_entries_newest_first(client, organisation, django_assert_max_num_queries):
    append(60, organisation=organisation)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("ledger:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('href="/ledger/entries/59/"') < page.index('href="/ledger/entries/58/"')
    assert 'href="/ledger/entries/9/"' not in page  # on page 2
    assert "Showing 1 to 50 of 60" in page
    assert organisation.name in page


def test_index_filters_by_organisation_kind_and_date(client, organisation):
    append(2, organisation=organisation)
    append(3, kind="gate.decided")
    response = client.get(reverse("ledger:index"), {"kind": "gate.decided"})
    page = response.content.decode()
    assert 'href="/ledger/entries/4/"' in page and 'href="/ledger/entries/1/"' not in page
    response = client.get(reverse("ledger:index"), {"organisation": organisation.pk})
    page = response.content.decode()
    assert 'href="/ledger/entries/1/"' in page and 'href="/ledger/entries/4/"' not in page
    response = client.get(reverse("ledger:index"), {"since": "2000-01-01", "until": "2000-01-02"})
    assert "No records match these filters" in response.content.decode()


def test_index_explains_bad_filters(client):
    append(1)
    response = client.get(reverse("ledger:index"), {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<title>Error:" in page


def test_empty_ledger(client):
    response = client.get(reverse("ledger:index"))
    assert "Nothing has been recorded yet" in response.content.decode()


def test_entry_page_shows_payload_hash_and_a_proof_you_can_run(client, organisation):
    entries = append(6, organisation=organisation)
    checkpoint_issue()
    response = client.get(reverse("ledger:entry", args=[4]))
    assert response.status_code == 200
    page = response.content.decode()
    assert entries[4].leaf_hash in page
    assert "café ✓" in page
    assert "civiclab ledger verify --url" in page
    snippet = response.context["snippet"]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(snippet, {})
    assert output.getvalue().strip() == "included"


def test_entry_page_before_any_checkpoint(client):
    append(1)
    page = client.get(reverse("ledger:entry", args=[0])).content.decode()
    assert "No signed checkpoint covers this record yet" in page


def test_unknown_entry_is_404(client):
    assert client.get(reverse("ledger:entry", args=[5])).status_code == 404


def test_checkpoints_page(client):
    append(3)
    checkpoint_issue()
    response = client.get(reverse("ledger:checkpoints"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "civiclab.example/ledger+" in page
    assert "civiclab.example/ledger\n3\n" in page
