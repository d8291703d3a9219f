"""Who may do what with an organisation: every actor, active and inactive organisations."""

import pytest

from civiclab.organisations.models import Invitation
from tests.permissions import (
    ACTORS,
    assert_permission_matrix,
    everyone_except,
    only,
)

pytestmark = pytest.mark.django_db


def deactivate(organisation):
    organisation.is_active = False
    organisation.save()


STATES = {"active": lambda organisation: None, "inactive": deactivate}
# Superusers hold every permission (Django's rule); they run the installation.
ADMINS = ("platform_admin", "admin")
MEMBERS_AND_PLATFORM = ("platform_admin", "admin", "innovation_lead", "decision_maker",
                        "evaluator", "moderator", "staff")  # fmt: skip


def test_everyone_sees_active_organisations_only_insiders_see_inactive_ones():
    assert_permission_matrix(
        "organisations.view_organisation",
        states=STATES,
        expected={"active": only(*ACTORS), "inactive": only(*MEMBERS_AND_PLATFORM)},
    )


def test_only_platform_admins_create_organisations():
    assert_permission_matrix(
        "organisations.create_organisation",
        lambda organisation: None,
        expected=only("platform_admin"),
        check=lambda user, obj: user.has_perm("organisations.create_organisation"),
    )


def test_org_admins_change_their_active_organisation():
    assert_permission_matrix(
        "organisations.change_organisation",
        states=STATES,
        expected={"active": only(*ADMINS), "inactive": only("platform_admin")},
    )


@pytest.mark.parametrize("perm", ["organisations.view_membership", "organisations.view_audit"])
def test_org_admins_read_members_and_audit_even_when_inactive(perm):
    assert_permission_matrix(perm, states=STATES, expected=only(*ADMINS))


@pytest.mark.parametrize("perm", ["organisations.manage_membership", "organisations.invite_member"])
def test_org_admins_manage_members_of_active_organisations(perm):
    assert_permission_matrix(
        perm,
        states=STATES,
        expected={"active": only(*ADMINS), "inactive": only("platform_admin")},
    )


def test_roles_are_checked_on_the_object_organisation(organisation):
    """A membership object is judged by its own organisation's roles, not another's."""
    from tests.factories import MembershipFactory

    assert_permission_matrix(
        "organisations.manage_membership",
        lambda organisation: MembershipFactory(organisation=organisation),
        expected=only(*ADMINS),
    )


def test_a_wrong_expectation_prints_the_whole_matrix():
    with pytest.raises(AssertionError) as failure:
        assert_permission_matrix(
            "organisations.change_organisation", expected=everyone_except("anonymous")
        )
    report = str(failure.value)
    assert "'organisations.change_organisation'" in report
    for actor in ACTORS:
        assert actor in report
    assert "deny (expected allow) <--" in report
    # The cells that match are printed too, unmarked.
    assert any(line.startswith("admin ") and "<--" not in line for line in report.splitlines())


def test_an_incomplete_expectation_is_refused():
    with pytest.raises(ValueError, match="missing"):
        assert_permission_matrix("organisations.view_organisation", expected={"citizen": True})


def _invitation_to(address_of):
    def check(user, organisation):
        invitation = Invitation(organisation=organisation, email=address_of(user), roles=["staff"])
        return user.has_perm("organisations.accept_invitation", invitation)

    return check


def test_only_the_confirmed_owner_of_the_address_accepts_an_invitation():
    assert_permission_matrix(
        "organisations.accept_invitation",
        expected=everyone_except("anonymous", "unconfirmed_citizen"),
        check=_invitation_to(lambda user: getattr(user, "email", "") or "nobody@example.org"),
    )


def test_nobody_accepts_an_invitation_sent_to_someone_else():
    # Superusers hold every permission; the service still refuses them another's invitation.
    assert_permission_matrix(
        "organisations.accept_invitation",
        expected=only("platform_admin"),
        check=_invitation_to(lambda user: "someone-else@example.org"),
    )
