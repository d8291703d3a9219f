"""The audit trail page: filters, pagination, the organisation's time zone, CSV download."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from civiclab.core.models import AuditEvent
from civiclab.core.services import audit_record
from civiclab.organisations.audit import AuditAction
from civiclab.organisations.models import Role
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def organisation(db):
    return OrganisationFactory(time_zone="Europe/Amsterdam")


@pytest.fixture
def admin(organisation):
    return member(organisation, Role.ADMIN, display_name="Ada Admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def record_at(when, **fields):
    with time_machine.travel(when, tick=False):
        return audit_record(**fields)


def legacy_event(**fields):
    """A row under a code that no app declares (any more), as older trails may hold."""
    return AuditEvent.objects.create(**fields)


def audit_url(organisation):
    return reverse("organisations:audit", kwargs={"slug": organisation.slug})


def test_times_are_shown_in_the_organisations_time_zone(admin_client, organisation, admin):
    record_at(
        dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        actor=admin,
        action=AuditAction.UPDATED,
        subject=organisation,
        organisation_id=organisation.pk,
    )
    page = admin_client.get(audit_url(organisation)).content.decode()
    assert "2026-03-10 13:00:00 CET" in page
    assert "Europe/Amsterdam" in page


def test_summer_time_is_respected(admin_client, organisation, admin):
    record_at(
        dt.datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
        actor=admin,
        action=AuditAction.UPDATED,
        organisation_id=organisation.pk,
    )
    assert "2026-07-01 14:00:00 CEST" in admin_client.get(audit_url(organisation)).content.decode()


def test_only_this_organisations_events_are_shown(admin_client, organisation, admin):
    other = OrganisationFactory()
    legacy_event(actor=admin, action="organisations.mine", organisation_id=organisation.pk)
    legacy_event(actor=admin, action="organisations.theirs", organisation_id=other.pk)
    page = admin_client.get(audit_url(organisation)).content.decode()
    assert "organisations.mine" in page
    assert "organisations.theirs" not in page


def test_filter_by_action_and_actor(admin_client, organisation, admin):
    colleague = member(organisation, Role.ADMIN, display_name="Cleo Colleague")
    audit_record(actor=admin, action=AuditAction.MEMBER_ADDED, organisation_id=organisation.pk)
    audit_record(
        actor=colleague, action=AuditAction.INVITATION_SENT, organisation_id=organisation.pk
    )
    by_action = admin_client.get(audit_url(organisation), {"action": "organisations.member_added"})
    assert [e.action for e in by_action.context["events"]] == ["organisations.member_added"]
    by_actor = admin_client.get(audit_url(organisation), {"actor": colleague.pk})
    assert [e.actor for e in by_actor.context["events"]] == [colleague]


def test_date_range_means_whole_days_in_the_organisations_time_zone(
    admin_client, organisation, admin
):
    # 23:30 UTC on 10 March is already 00:30 on 11 March in Amsterdam.
    record_at(
        dt.datetime(2026, 3, 10, 23, 30, tzinfo=UTC),
        actor=admin,
        action=AuditAction.UPDATED,
        organisation_id=organisation.pk,
    )

    def actions(**query):
        response = admin_client.get(audit_url(organisation), query)
        return [event.action for event in response.context["events"]]

    assert actions(since="2026-03-11") == ["organisations.updated"]
    assert actions(until="2026-03-10") == []
    assert actions(since="2026-03-11", until="2026-03-11") == ["organisations.updated"]


def test_a_backwards_date_range_is_an_error(admin_client, organisation):
    query = {"since": "2026-03-12", "until": "2026-03-10"}
    response = admin_client.get(audit_url(organisation), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "same as or after the start date" in page


def test_the_trail_is_paginated_with_steady_queries(
    admin_client, organisation, admin, django_assert_max_num_queries
):
    for action in (AuditAction.CREATED, AuditAction.UPDATED, AuditAction.MEMBER_ADDED):
        audit_record(actor=admin, action=action, organisation_id=organisation.pk)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(audit_url(organisation))
    for _ in range(60):
        audit_record(
            actor=member(organisation, Role.STAFF),
            action=AuditAction.CREATED,
            organisation_id=organisation.pk,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(audit_url(organisation))
    assert len(response.context["events"]) == 50
    assert response.context["page_obj"].paginator.num_pages == 2


def test_csv_download_keeps_filters_and_local_times(admin_client, organisation, admin):
    record_at(
        dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        actor=admin,
        action=AuditAction.UPDATED,
        subject=organisation,
        organisation_id=organisation.pk,
        details={"changed": ["name"]},
    )
    audit_record(actor=admin, action=AuditAction.MEMBER_ADDED, organisation_id=organisation.pk)
    response = admin_client.get(
        audit_url(organisation), {"format": "csv", "action": "organisations.updated"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["when", "who", "action"]
    assert rows[1][:3] == ["2026-03-10T13:00:00+01:00", "Ada Admin", "organisations.updated"]
    assert rows[1][6] == '{"changed": ["name"]}'
    assert len(rows) == 2


def test_csv_cells_cannot_run_as_spreadsheet_formulas(admin_client, organisation):
    formula = member(organisation, Role.ADMIN, display_name="=HYPERLINK(1)")
    audit_record(actor=formula, action=AuditAction.UPDATED, organisation_id=organisation.pk)
    response = admin_client.get(audit_url(organisation), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_fullwidth_equals_sign_is_neutralised_in_the_audit_csv(admin_client, organisation):
    # Spreadsheet programs skip the space and read U+FF1D as "=": the cell is a formula.
    writer = member(organisation, Role.ADMIN, display_name=" \uff1dHYPERLINK(1)")
    audit_record(actor=writer, action=AuditAction.UPDATED, organisation_id=organisation.pk)
    response = admin_client.get(audit_url(organisation), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert "' \uff1dHYPERLINK(1)" in [cell for row in rows for cell in row]


def test_details_are_shown_readably(admin_client, organisation, admin):
    audit_record(
        actor=admin,
        action=AuditAction.ROLES_CHANGED,
        organisation_id=organisation.pk,
        details={"added": ["staff", "evaluator"], "removed": [], "via": "admin"},
    )
    page = admin_client.get(audit_url(organisation)).content.decode()
    assert "added: staff, evaluator" in page
    assert "removed: —" in page
    assert "via: admin" in page


# Labels ---------------------------------------------------------------------------------------


def test_the_trail_says_what_happened_in_plain_words(admin_client, organisation, admin):
    audit_record(actor=admin, action=AuditAction.MEMBER_ADDED, organisation_id=organisation.pk)
    page = admin_client.get(audit_url(organisation)).content.decode()
    assert "<td>Member added</td>" in page
    assert "<code>organisations.member_added</code>" not in page


def test_actions_of_every_app_are_labelled(admin_client, organisation, admin):
    from civiclab.accounts.audit import AuditAction as AccountAction
    from civiclab.challenges.audit import AuditAction as ChallengeAction

    audit_record(actor=admin, action=AccountAction.TOKEN_CREATED, organisation_id=organisation.pk)
    audit_record(
        actor=admin, action=ChallengeAction.IDEA_STATUS_CHANGED, organisation_id=organisation.pk
    )
    page = admin_client.get(audit_url(organisation)).content.decode()
    assert "<td>API token created</td>" in page
    assert "<td>Idea status changed</td>" in page


def test_a_code_no_app_declares_is_shown_as_the_code(admin_client, organisation, admin):
    legacy_event(actor=admin, action="organisations.retired", organisation_id=organisation.pk)
    response = admin_client.get(audit_url(organisation))
    assert "<td><code>organisations.retired</code></td>" in response.content.decode()
    assert ("organisations.retired", "organisations.retired") in (
        response.context["form"].fields["action"].choices
    )


def test_the_filter_offers_the_labels_of_the_actions_present(admin_client, organisation, admin):
    audit_record(actor=admin, action=AuditAction.MEMBER_ADDED, organisation_id=organisation.pk)
    audit_record(actor=admin, action=AuditAction.INVITATION_SENT, organisation_id=organisation.pk)
    audit_record(actor=admin, action=AuditAction.CREATED, organisation_id=OrganisationFactory().pk)
    response = admin_client.get(audit_url(organisation))
    choices = [
        (value, str(label)) for value, label in response.context["form"].fields["action"].choices
    ]
    assert choices == [
        ("", "Any action"),
        ("organisations.invitation_sent", "Invitation sent"),
        ("organisations.member_added", "Member added"),
    ]
    page = response.content.decode()
    assert '<option value="organisations.member_added">Member added</option>' in page


def test_filtering_by_a_label_keeps_the_code_in_the_address(admin_client, organisation, admin):
    audit_record(actor=admin, action=AuditAction.MEMBER_ADDED, organisation_id=organisation.pk)
    audit_record(actor=admin, action=AuditAction.INVITATION_SENT, organisation_id=organisation.pk)
    response = admin_client.get(
        audit_url(organisation), {"action": "organisations.invitation_sent"}
    )
    page = response.content.decode()
    assert '<option value="organisations.invitation_sent" selected>Invitation sent</option>' in page
    assert "<td>Invitation sent</td>" in page
    assert "<td>Member added</td>" not in page
    assert "action=organisations.invitation_sent" in response.context["csv_query"]


def test_the_csv_keeps_the_code_and_adds_the_label(admin_client, organisation, admin):
    audit_record(actor=admin, action=AuditAction.ROLES_CHANGED, organisation_id=organisation.pk)
    legacy_event(actor=admin, action="organisations.retired", organisation_id=organisation.pk)
    response = admin_client.get(audit_url(organisation), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "when",
        "who",
        "action",
        "object_type",
        "object_id",
        "object",
        "details",
        "action_label",
    ]
    by_code = {row[2]: row[7] for row in rows[1:]}
    assert by_code == {
        "organisations.roles_changed": "Member's roles changed",
        "organisations.retired": "organisations.retired",
    }
