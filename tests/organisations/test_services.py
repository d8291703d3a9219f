"""Membership and invitation services: permissions, last-admin guard, audit in one transaction."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civiclab.core.models import AuditEvent
from civiclab.organisations import services
from civiclab.organisations.models import Invitation, Membership, Organisation, Role
from tests.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def roles_of(organisation, user) -> set[str]:
    return set(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )


def events(organisation, action=None):
    rows = AuditEvent.objects.filter(organisation_id=organisation.pk)
    return list(rows.filter(action=action) if action else rows)


# Organisations -----------------------------------------------------------------------------------


def test_a_platform_admin_creates_an_organisation_with_sectors_and_an_audit_row():
    root = UserFactory(is_superuser=True, is_staff=True)
    organisation = services.organisation_create(
        actor=root,
        name="City of Utrecht",
        slug="utrecht",
        country="NL",
        level="local",
        sectors=["06", "10"],
        time_zone="Europe/Amsterdam",
    )
    assert set(organisation.sectors.values_list("code", flat=True)) == {"06", "10"}
    (event,) = events(organisation)
    assert event.action == "organisations.created"
    assert event.actor == root


def test_an_org_admin_cannot_create_organisations(admin):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=admin, name="Rogue", slug="rogue", country="NL", level="local"
        )
    assert not Organisation.objects.filter(slug="rogue").exists()


def test_reserved_and_invalid_profiles_are_refused():
    root = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=root, name="Switch", slug="switch", country="NL", level="local"
        )
    assert "slug" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=root, name="X", slug="x", country="NL", level="local", time_zone="Mars/Olympus"
        )
    assert "time_zone" in error.value.message_dict


def test_an_org_admin_updates_the_profile_and_the_change_is_audited(organisation, admin):
    services.organisation_update(
        actor=admin, organisation=organisation, population_served=350_000, sectors=["07"]
    )
    organisation.refresh_from_db()
    assert organisation.population_served == 350_000
    (event,) = events(organisation, "organisations.updated")
    assert event.details["changed"] == ["population_served", "sectors"]


def test_staff_cannot_update_the_profile(organisation):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=member(organisation, Role.STAFF), organisation=organisation, name="Mine now"
        )


# Memberships -------------------------------------------------------------------------------------


def test_grant_adds_a_member_then_more_roles(organisation, admin):
    person = UserFactory()
    services.membership_grant(
        actor=admin, organisation=organisation, user=person, role=Role.EVALUATOR
    )
    services.membership_grant(actor=admin, organisation=organisation, user=person, role=Role.STAFF)
    assert roles_of(organisation, person) == {"evaluator", "staff"}
    added, changed = events(organisation)[::-1]
    assert added.action == "organisations.member_added"
    assert added.details == {
        "user_id": person.pk,
        "roles": ["evaluator"],
        "added": ["evaluator"],
        "removed": [],
    }
    assert changed.action == "organisations.roles_changed"
    assert changed.details["added"] == ["staff"]
    assert changed.organisation_id == organisation.pk


def test_granting_a_role_already_held_changes_nothing(organisation, admin):
    person = member(organisation, Role.STAFF)
    services.membership_grant(actor=admin, organisation=organisation, user=person, role=Role.STAFF)
    assert events(organisation) == []


def test_revoking_the_last_role_removes_the_member(organisation, admin):
    person = member(organisation, Role.STAFF)
    membership = Membership.objects.get(user=person)
    services.membership_revoke(actor=admin, membership=membership)
    assert roles_of(organisation, person) == set()
    (event,) = events(organisation)
    assert event.action == "organisations.member_removed"
    assert event.details["removed"] == ["staff"]


def test_set_roles_replaces_the_roles(organisation, admin):
    person = member(organisation, Role.STAFF, Role.EVALUATOR)
    services.member_set_roles(
        actor=admin, organisation=organisation, user=person, roles=["moderator", "staff"]
    )
    assert roles_of(organisation, person) == {"moderator", "staff"}
    (event,) = events(organisation)
    assert event.details["added"] == ["moderator"]
    assert event.details["removed"] == ["evaluator"]


def test_unknown_roles_are_refused(organisation, admin):
    person = member(organisation, Role.STAFF)
    with pytest.raises(ValidationError):
        services.member_set_roles(
            actor=admin, organisation=organisation, user=person, roles=["king"]
        )
    assert roles_of(organisation, person) == {"staff"}


def test_the_last_admin_cannot_drop_their_own_admin_role(organisation, admin):
    with pytest.raises(ValidationError) as error:
        services.member_set_roles(
            actor=admin, organisation=organisation, user=admin, roles=["staff"]
        )
    assert error.value.code == "last_admin"
    assert "at least one administrator" in error.value.messages[0]
    assert roles_of(organisation, admin) == {"admin"}
    with pytest.raises(ValidationError):
        services.member_remove(actor=admin, organisation=organisation, user=admin)
    assert events(organisation) == []


def test_an_admin_can_step_down_once_there_is_another(organisation, admin):
    services.membership_grant(
        actor=admin, organisation=organisation, user=UserFactory(), role=Role.ADMIN
    )
    services.member_set_roles(actor=admin, organisation=organisation, user=admin, roles=["staff"])
    assert roles_of(organisation, admin) == {"staff"}


@pytest.mark.parametrize("role", [Role.STAFF, Role.INNOVATION_LEAD, Role.DECISION_MAKER])
def test_non_admins_cannot_manage_members(organisation, role):
    actor = member(organisation, role)
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=actor, organisation=organisation, user=UserFactory(), role=Role.ADMIN
        )
    assert events(organisation) == []


def test_an_admin_of_another_organisation_cannot_manage_members(organisation):
    outsider = member(OrganisationFactory(), Role.ADMIN)
    person = member(organisation, Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=outsider, organisation=organisation, user=person)
    assert roles_of(organisation, person) == {"staff"}


def test_a_failing_audit_write_leaves_no_membership_change(organisation, admin):
    person = UserFactory()
    with (
        mock.patch(
            "civiclab.organisations.services.audit_record", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        services.membership_grant(
            actor=admin, organisation=organisation, user=person, role=Role.STAFF
        )
    assert roles_of(organisation, person) == set()
    assert events(organisation) == []


def test_a_failure_after_the_audit_rows_leaves_neither_roles_nor_audit_rows(organisation, admin):
    person = UserFactory(email="new.colleague@example.org")
    invitation, token = invite(organisation, admin)
    before = len(events(organisation))
    # Accepting writes the memberships and their audit rows, then marks the invitation used.
    with (
        mock.patch.object(Invitation, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.invitation_accept(user=person, token=token)
    assert roles_of(organisation, person) == set()
    assert len(events(organisation)) == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# Invitations -------------------------------------------------------------------------------------


def invite(organisation, admin, email="new.colleague@example.org", roles=("staff",)):
    return services.invitation_send(
        actor=admin, organisation=organisation, email=email, roles=list(roles)
    )


def test_sending_an_invitation_emails_a_link_and_stores_only_a_digest(
    organisation, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(organisation, admin, email="New.Colleague@Example.org")
    assert invitation.email == "new.colleague@example.org"
    assert invitation.digest != token
    assert token not in str(Invitation.objects.values_list().get(pk=invitation.pk))
    assert invitation.expires_at - timezone.now() > timedelta(days=13, hours=23)
    (message,) = mail.outbox
    assert message.to == ["new.colleague@example.org"]
    assert organisation.name in message.subject
    assert f"/organisations/invitations/{token}/" in message.body
    assert "Staff" in message.body
    (event,) = events(organisation)
    assert event.action == "organisations.invitation_sent"
    assert "new.colleague" not in str(event.details) + event.subject_repr


def test_no_email_is_sent_when_the_transaction_rolls_back(
    organisation, admin, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch(
            "civiclab.organisations.services.audit_record", side_effect=RuntimeError("boom")
        ),
        pytest.raises(RuntimeError),
    ):
        invite(organisation, admin)
    assert callbacks == []
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_invitations_need_roles_and_are_not_sent_twice(organisation, admin):
    with pytest.raises(ValidationError) as error:
        invite(organisation, admin, roles=())
    assert "roles" in error.value.message_dict
    invite(organisation, admin)
    with pytest.raises(ValidationError) as error:
        invite(organisation, admin, email="NEW.colleague@example.org")
    assert "already waiting" in error.value.message_dict["email"][0]


def test_members_are_not_invited_again(organisation, admin):
    person = member(organisation, Role.STAFF)
    with pytest.raises(ValidationError) as error:
        invite(organisation, admin, email=person.email.upper())
    assert "already a member" in error.value.message_dict["email"][0]


def test_staff_cannot_invite(organisation):
    with pytest.raises(PermissionDenied):
        invite(organisation, member(organisation, Role.STAFF))


def test_the_invited_person_accepts_and_gets_the_roles(organisation, admin):
    person = UserFactory(email="new.colleague@example.org")
    invitation, token = invite(organisation, admin, roles=("staff", "evaluator"))
    services.invitation_accept(user=person, token=token)
    assert roles_of(organisation, person) == {"staff", "evaluator"}
    invitation.refresh_from_db()
    assert invitation.accepted_by == person
    assert invitation.accepted_at is not None
    actions = [event.action for event in events(organisation)]
    assert actions[:2] == ["organisations.invitation_accepted", "organisations.member_added"]


def test_accepting_keeps_roles_already_held(organisation, admin):
    person = UserFactory(email="new.colleague@example.org")
    _invitation, token = invite(organisation, admin, roles=("evaluator",))
    Membership.objects.create(organisation=organisation, user=person, role="staff")
    services.invitation_accept(user=person, token=token)
    assert roles_of(organisation, person) == {"staff", "evaluator"}


def test_the_link_does_not_work_for_another_account(organisation, admin):
    _invitation, token = invite(organisation, admin)
    someone_else = UserFactory(email="forwarded.to@example.org")
    with pytest.raises(services.InvitationError) as error:
        services.invitation_accept(user=someone_else, token=token)
    assert error.value.code == "wrong_user"
    assert roles_of(organisation, someone_else) == set()


def test_expired_invitations_cannot_be_accepted(organisation, admin):
    person = UserFactory(email="new.colleague@example.org")
    invitation, token = invite(organisation, admin)
    with (
        time_machine.travel(invitation.expires_at + timedelta(minutes=1)),
        pytest.raises(services.InvitationError) as error,
    ):
        services.invitation_accept(user=person, token=token)
    assert error.value.code == "expired"
    assert "expired" in error.value.messages[0]


def test_withdrawn_invitations_cannot_be_accepted(organisation, admin):
    person = UserFactory(email="new.colleague@example.org")
    invitation, token = invite(organisation, admin)
    services.invitation_revoke(actor=admin, invitation=invitation)
    with pytest.raises(services.InvitationError) as error:
        services.invitation_accept(user=person, token=token)
    assert error.value.code == "revoked"
    assert events(organisation)[0].action == "organisations.invitation_revoked"


def test_used_invitations_cannot_be_accepted_twice(organisation, admin):
    person = UserFactory(email="new.colleague@example.org")
    _invitation, token = invite(organisation, admin)
    services.invitation_accept(user=person, token=token)
    with pytest.raises(services.InvitationError) as error:
        services.invitation_accept(user=person, token=token)
    assert error.value.code == "used"


def test_unknown_tokens_are_refused(organisation):
    with pytest.raises(services.InvitationError) as error:
        services.invitation_accept(user=UserFactory(), token="not-a-real-token")
    assert error.value.code == "unknown"


def test_an_accepted_invitation_cannot_be_withdrawn(organisation, admin):
    person = UserFactory(email="new.colleague@example.org")
    invitation, token = invite(organisation, admin)
    services.invitation_accept(user=person, token=token)
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=admin, invitation=invitation)
