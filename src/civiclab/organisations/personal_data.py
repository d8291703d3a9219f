"""What organisations hold about a person, for "download my data" and "delete my account"."""

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Invitation, Membership, Organisation, Role


def export_memberships(user) -> list[dict]:
    return [
        {
            "organisation": membership.organisation.name,
            "organisation_slug": membership.organisation.slug,
            "role": membership.role,
            "since": membership.created_at.isoformat(),
        }
        for membership in Membership.objects.filter(user=user).select_related("organisation")
    ]


def _invitations_about(user):
    return Invitation.objects.filter(
        Q(invited_by=user) | Q(accepted_by=user) | Q(email__iexact=user.email)
    ).select_related("organisation")


def export_invitations(user) -> list[dict]:
    rows = []
    for invitation in _invitations_about(user):
        if invitation.invited_by_id == user.pk:
            relation = "sent"
        elif invitation.accepted_by_id == user.pk:
            relation = "accepted"
        else:
            relation = "received"
        rows.append(
            {
                "relation": relation,
                "organisation": invitation.organisation.name,
                # An invitation the person sent names someone else: leave that address out.
                "email": invitation.email if relation != "sent" else None,
                "roles": invitation.roles,
                "sent": invitation.created_at.isoformat(),
                "expires": invitation.expires_at.isoformat(),
                "accepted": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
                "withdrawn": invitation.revoked_at.isoformat() if invitation.revoked_at else None,
            }
        )
    return rows


def erase_memberships(user) -> None:
    # Roles end with the account; the audit trail keeps that they existed.
    Membership.objects.filter(user=user).delete()


def erase_invitations(user) -> None:
    # Invitations addressed to the person name them by e-mail: remove them. Invitations the
    # person sent stay for the organisation, without the link to the deleted account.
    Invitation.objects.filter(email__iexact=user.email).delete()
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
    Invitation.objects.filter(accepted_by=user).update(accepted_by=None)


def refuse_last_admin(user) -> list[str]:
    """An active organisation keeps an administrator: its last one cannot delete the account.

    Locks the organisations' admin memberships, so two admins of one organisation deleting
    their accounts at the same moment cannot both go."""
    organisation_ids = list(
        Membership.objects.filter(
            user=user, role=Role.ADMIN, organisation__is_active=True
        ).values_list("organisation_id", flat=True)
    )
    if not organisation_ids:
        return []
    admins: dict[int, set[int]] = {}
    for organisation_id, user_id, active in (
        Membership.objects.select_for_update(of=("self",))
        .filter(organisation_id__in=organisation_ids, role=Role.ADMIN)
        .order_by("pk")
        .values_list("organisation_id", "user_id", "user__is_active")
    ):
        if active or user_id == user.pk:
            admins.setdefault(organisation_id, set()).add(user_id)
    alone = [pk for pk, ids in admins.items() if ids == {user.pk}]
    names = Organisation.objects.filter(pk__in=alone).values_list("name", flat=True)
    return [
        _(
            "You are the only administrator of %(organisation)s. Make someone else an "
            "administrator there before you delete your account."
        )
        % {"organisation": name}
        for name in sorted(names)
    ]


def register() -> None:
    from civiclab.core import personal_data

    personal_data.refuse_deletion_when(refuse_last_admin)

    personal_data.register(
        "organisations.membership",
        exporter=export_memberships,
        eraser=erase_memberships,
        user_fields=["user"],
    )
    personal_data.register(
        "organisations.invitation",
        exporter=export_invitations,
        eraser=erase_invitations,
        user_fields=["invited_by", "accepted_by"],
    )
