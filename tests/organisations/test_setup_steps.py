"""Steps other apps register for new organisations run inside the creating transaction."""

import pytest

from civiclab.core.models import AuditEvent
from civiclab.organisations import services, setup_steps
from civiclab.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(slug: str) -> Organisation:
    return services.organisation_create(
        actor=UserFactory(is_superuser=True, is_staff=True),
        name=f"Town of {slug}",
        slug=slug,
        country="NL",
        level="local",
    )


def test_registered_steps_run_for_a_new_organisation(monkeypatch):
    seen = []
    monkeypatch.setitem(
        setup_steps._steps, "tests.seen", lambda organisation: seen.append(organisation)
    )
    organisation = create("zwolle")
    assert seen == [organisation]


def test_a_failing_step_leaves_no_organisation_and_no_audit_row(monkeypatch):
    def fail(organisation):
        raise RuntimeError("set-up failed")

    monkeypatch.setitem(setup_steps._steps, "tests.fail", fail)
    with pytest.raises(RuntimeError):
        create("deventer")
    assert not Organisation.objects.filter(slug="deventer").exists()
    assert not AuditEvent.objects.filter(action="organisations.created").exists()


def test_rows_made_without_the_service_run_no_step(monkeypatch):
    seen = []
    monkeypatch.setitem(
        setup_steps._steps, "tests.seen", lambda organisation: seen.append(organisation)
    )
    OrganisationFactory(set_up=False)
    assert seen == []
