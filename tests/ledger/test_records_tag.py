import pytest
from django.db import transaction
from django.template import Context, Template

from civiclab.ledger.services import ledger_append, subject_of

pytestmark = pytest.mark.django_db


def test_subject_of_names_a_model_instance(organisation):
    assert subject_of(organisation) == {
        "subject_type": "organisations.organisation",
        "subject_id": str(organisation.pk),
        "subject_url": organisation.get_absolute_url(),
    }


def test_records_tag_lists_an_objects_entries(organisation, django_assert_max_num_queries):
    template = Template("{% load ledger %}{% ledger_records obj %}")
    assert template.render(Context({"obj": organisation})).strip() == ""
    with transaction.atomic():
        for kind in ("organisation.registered", "policy.published"):
            ledger_append(
                kind=kind,
                organisation_id=organisation.pk,
                organisation_label=organisation.name,
                payload={},
                **subject_of(organisation),
            )
    with django_assert_max_num_queries(1):
        html = template.render(Context({"obj": organisation}))
    assert 'href="/ledger/entries/0/"' in html and 'href="/ledger/entries/1/"' in html
    assert "In the public ledger" in html
