"""Who may do what with organisations, memberships, invitations and the audit trail.

Roles are checked against the object's own organisation (see `predicates.organisation_of`), so
a role in one organisation never grants anything in another.
"""

import rules

from .predicates import (
    has_confirmed_email,
    is_invitee,
    is_member,
    is_org_admin,
    is_platform_admin,
    organisation_is_active,
)

# Deactivated organisations disappear from public view; their own people still see them.
rules.add_perm(
    "organisations.view_organisation", organisation_is_active | is_member | is_platform_admin
)
rules.add_perm("organisations.create_organisation", is_platform_admin)
rules.add_perm(
    "organisations.change_organisation",
    is_platform_admin | (is_org_admin & organisation_is_active),
)
rules.add_perm("organisations.view_membership", is_org_admin)
rules.add_perm("organisations.manage_membership", is_org_admin & organisation_is_active)
rules.add_perm("organisations.invite_member", is_org_admin & organisation_is_active)
rules.add_perm("organisations.view_audit", is_org_admin)
# Only the account the invitation was sent to, once it has proved that the address is its own:
# a leaked link is no use to an account that merely typed the address in at sign-up.
rules.add_perm("organisations.accept_invitation", has_confirmed_email & is_invitee)
