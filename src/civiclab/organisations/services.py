"""Writes about organisations, memberships and invitations.

Every function checks its permission, runs in one transaction and records what it changed in
the audit trail inside that transaction; e-mails go out only after the commit.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from civiclab.accounts.confirmation import UNCONFIRMED_CODE, UNCONFIRMED_MESSAGE
from civiclab.accounts.models import User
from civiclab.accounts.throttle import count_email
from civiclab.core import clock
from civiclab.core.limits import check_lengths
from civiclab.core.services import audit_record
from civiclab.organisations.audit import AuditAction

from . import setup_steps
from .models import Invitation, Membership, Organisation, Role, Sector
from .predicates import forget_cached_roles
from .selectors import sort_roles

INVITATION_VALID_FOR = timedelta(days=14)

# Addresses under /organisations/ that are not organisations.
RESERVED_SLUGS = frozenset({"switch", "invitations"})

# Fields an organisation admin may change on the profile; slug and activity are the platform's.
PROFILE_FIELDS = (
    "name",
    "summary",
    "country",
    "level",
    "population_served",
    "governance_notes",
    "time_zone",
    "website",
)


class InvitationError(ValidationError):
    """The invitation link cannot be used (unknown, expired, withdrawn, used or not yours)."""


def _require(actor: User | AnonymousUser | None, perm: str, obj: Model | None = None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = list(roles)
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValidationError(
            _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}, code="role"
        )
    return sort_roles(roles)


def _sectors(codes: list[str]) -> list[Sector]:
    found = list(Sector.objects.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise ValidationError({"sectors": _("Choose sectors from the list.")}, code="sector")
    return found


# Organisations -----------------------------------------------------------------------------------


def organisation_create(
    *,
    actor: User,
    name: str,
    slug: str,
    country: str,
    level: str,
    sectors: Iterable[str] = (),
    **profile: Any,
) -> Organisation:
    """A new organisation; only platform admins create them."""
    _require(actor, "organisations.create_organisation")
    codes = sorted(sectors)
    unknown = set(profile) - set(PROFILE_FIELDS) - {"is_active"}
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            {"slug": _("This short name is reserved; choose another.")}, code="reserved"
        )
    check_lengths(Organisation, profile)
    organisation = Organisation(name=name, slug=slug, country=country, level=level, **profile)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        organisation.sectors.set(_sectors(codes))
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            subject=organisation,
            organisation_id=organisation.pk,
            details={"slug": organisation.slug, "sectors": codes},
        )
        setup_steps.run(organisation)
    return organisation


def organisation_record_admin_save(
    *, actor: User, organisation: Organisation, created: bool, changed: Iterable[str]
) -> None:
    """Audit a save made in the Django admin, where the form itself writes the row; a new
    organisation gets what other apps set up for it, as with `organisation_create`."""
    audit_record(
        actor=actor,
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        subject=organisation,
        organisation_id=organisation.pk,
        details={"changed": sorted(changed), "via": "admin"},
    )
    if created:
        setup_steps.run(organisation)


def membership_record_admin_changes(
    *,
    actor: User,
    organisation: Organisation,
    added: Iterable[Membership],
    changed: Iterable[Membership],
    removed: Iterable[Membership],
) -> None:
    """Audit role changes made in the Django admin's membership inline."""

    def rows(memberships: Iterable[Membership]) -> list[dict[str, Any]]:
        return [{"user_id": m.user_id, "role": m.role} for m in memberships]

    details = {"added": rows(added), "changed": rows(changed), "removed": rows(removed)}
    if not any(details.values()):
        return
    audit_record(
        actor=actor,
        action=AuditAction.ROLES_CHANGED,
        subject=organisation,
        organisation_id=organisation.pk,
        details={**details, "via": "admin"},
    )
    forget_cached_roles(actor)


def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    sectors: Iterable[str] | None = None,
    **changes: Any,
) -> Organisation:
    """Change the public profile of an organisation (its admins, or a platform admin)."""
    _require(actor, "organisations.change_organisation", organisation)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    check_lengths(Organisation, changes)
    changed = sorted(
        name for name, value in changes.items() if getattr(organisation, name) != value
    )
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        if sectors is not None:
            codes = sorted(sectors)
            before = set(organisation.sectors.values_list("code", flat=True))
            if before != set(codes):
                organisation.sectors.set(_sectors(codes))
                changed.append("sectors")
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            subject=organisation,
            organisation_id=organisation.pk,
            details={"changed": changed},
        )
    return organisation


# Memberships -------------------------------------------------------------------------------------


def _lock_admins(organisation: Organisation) -> set[int]:
    """Ids of the organisation's admins, with their rows locked against a concurrent change."""
    return set(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.ADMIN)
        .values_list("user_id", flat=True)
    )


def _apply_roles(
    *, actor: User, organisation: Organisation, user: User, roles: Iterable[str]
) -> list[str]:
    """Make `user` hold exactly `roles` in `organisation`; audit the difference.

    Call inside a transaction, after the permission check.
    """
    wanted = set(_clean_roles(roles))
    admins = _lock_admins(organisation)
    held = set(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )
    added, removed = wanted - held, held - wanted
    if Role.ADMIN in removed and admins == {user.pk}:
        raise ValidationError(
            _(
                "An organisation needs at least one administrator. Make someone else an "
                "administrator before removing this role."
            ),
            code="last_admin",
        )
    if not added and not removed:
        return sort_roles(held)
    Membership.objects.filter(organisation=organisation, user=user, role__in=removed).delete()
    Membership.objects.bulk_create(
        [Membership(organisation=organisation, user=user, role=role) for role in added]
    )
    if not held:
        action = AuditAction.MEMBER_ADDED
    elif not wanted:
        action = AuditAction.MEMBER_REMOVED
    else:
        action = AuditAction.ROLES_CHANGED
    audit_record(
        actor=actor,
        action=action,
        subject=user,
        organisation_id=organisation.pk,
        details={
            "user_id": user.pk,
            "roles": sort_roles(wanted),
            "added": sort_roles(added),
            "removed": sort_roles(removed),
        },
    )
    forget_cached_roles(user)
    forget_cached_roles(actor)
    return sort_roles(wanted)


def _current_roles(organisation: Organisation, user: User) -> set[str]:
    return set(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )


def membership_grant(
    *, actor: User, organisation: Organisation, user: User, role: str
) -> Membership:
    """Give `user` one more role in `organisation` (an existing role is left as it is)."""
    _require(actor, "organisations.manage_membership", organisation)
    with transaction.atomic():
        roles = _current_roles(organisation, user) | {role}
        _apply_roles(actor=actor, organisation=organisation, user=user, roles=roles)
        return Membership.objects.get(organisation=organisation, user=user, role=role)


def membership_revoke(*, actor: User, membership: Membership) -> None:
    """Take one role away; taking the last one removes the person from the organisation."""
    organisation = membership.organisation
    _require(actor, "organisations.manage_membership", organisation)
    with transaction.atomic():
        roles = _current_roles(organisation, membership.user) - {membership.role}
        _apply_roles(actor=actor, organisation=organisation, user=membership.user, roles=roles)


def member_set_roles(
    *, actor: User, organisation: Organisation, user: User, roles: Iterable[str]
) -> list[str]:
    """Make `user` hold exactly `roles` (none removes them from the organisation)."""
    _require(actor, "organisations.manage_membership", organisation)
    with transaction.atomic():
        return _apply_roles(actor=actor, organisation=organisation, user=user, roles=roles)


def member_remove(*, actor: User, organisation: Organisation, user: User) -> None:
    """Remove a person and all their roles from the organisation."""
    member_set_roles(actor=actor, organisation=organisation, user=user, roles=())


# Invitations -------------------------------------------------------------------------------------


def invitation_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    path = reverse("organisations:accept_invitation", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def _send_invitation_email(*, invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "roles": [Role(role).label for role in invitation.roles],
        "url": invitation_url(token),
        "inviter": invitation.invited_by,
        "site_name": settings.SITE_NAME,
    }
    send_mail(
        subject=_("You are invited to join %(organisation)s on %(site)s")
        % {"organisation": invitation.organisation.name, "site": settings.SITE_NAME},
        message=render_to_string("organisations/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_send(
    *, actor: User, organisation: Organisation, email: str, roles: Iterable[str]
) -> tuple[Invitation, str]:
    """Invite someone by e-mail to hold `roles`; returns the invitation and its secret token.

    Only a digest of the token is stored; the e-mail (sent after the commit) carries the link.
    """
    _require(actor, "organisations.invite_member", organisation)
    email = email.strip().lower()
    roles = _clean_roles(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")}, code="required")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("This person is already a member. Change their roles instead.")},
            code="already_member",
        )
    # At most so many e-mails to one address (every kind counted) and invitations per person.
    count_email(
        address=email, sender=f"person:{actor.pk}", sender_limit=settings.INVITATIONS_PER_PERSON
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        pending = Invitation.objects.select_for_update().filter(
            organisation=organisation,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
        )
        if pending.exists():
            raise ValidationError(
                {
                    "email": _(
                        "An invitation to this address is already waiting. Withdraw it first "
                        "to send a new one."
                    )
                },
                code="already_invited",
            )
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            roles=roles,
            digest=invitation_digest(token),
            invited_by=actor,
            expires_at=clock.now() + INVITATION_VALID_FOR,
        )
        audit_record(
            actor=actor,
            action=AuditAction.INVITATION_SENT,
            subject=invitation,
            organisation_id=organisation.pk,
            details={"invitation_id": invitation.pk, "roles": roles},
        )
        transaction.on_commit(lambda: _send_invitation_email(invitation=invitation, token=token))
    return invitation, token


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that has not been accepted yet."""
    _require(actor, "organisations.invite_member", invitation.organisation)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been accepted."), code="accepted")
        if invitation.revoked_at is not None:
            return invitation
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.INVITATION_REVOKED,
            subject=invitation,
            organisation_id=invitation.organisation_id,
            details={"invitation_id": invitation.pk},
        )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link points to, or an `InvitationError` saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(digest=invitation_digest(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied the whole link."),
            code="unknown",
        )
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has been withdrawn."), code="revoked")
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."), code="used")
    if invitation.expires_at <= clock.now() or not invitation.organisation.is_active:
        raise InvitationError(
            _("This invitation has expired. Ask the organisation to send you a new one."),
            code="expired",
        )
    return invitation


def invitation_accept(*, user: User | AnonymousUser | None, token: str) -> Invitation:
    """Join the organisation with the invited roles.

    The link works only for the signed-in account whose e-mail address the invitation was sent
    to, and only once that account has confirmed the address, so a forwarded or leaked link
    cannot make someone else a member (not even someone who signed up with the address).
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to accept the invitation."))
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            # Someone else used or withdrew it between the two reads.
            invitation_for_token(token)
        if invitation.email.lower() != user.email.lower():
            raise InvitationError(
                _(
                    "This invitation was sent to a different e-mail address. Sign in with the "
                    "account for the address that received the invitation."
                ),
                code="wrong_user",
            )
        if not user.has_perm("organisations.accept_invitation", invitation):
            raise InvitationError(UNCONFIRMED_MESSAGE, code=UNCONFIRMED_CODE)
        organisation = invitation.organisation
        roles = _current_roles(organisation, user) | set(invitation.roles)
        _apply_roles(actor=user, organisation=organisation, user=user, roles=roles)
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=user,
            action=AuditAction.INVITATION_ACCEPTED,
            subject=invitation,
            organisation_id=organisation.pk,
            details={"invitation_id": invitation.pk, "roles": sort_roles(invitation.roles)},
        )
    return invitation
