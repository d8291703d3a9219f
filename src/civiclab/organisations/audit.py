"""What organisations records in the audit trail: each action's stored code and its label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATED = "organisations.created", _("Organisation created")
    UPDATED = "organisations.updated", _("Organisation details changed")
    MEMBER_ADDED = "organisations.member_added", _("Member added")
    ROLES_CHANGED = "organisations.roles_changed", _("Member's roles changed")
    MEMBER_REMOVED = "organisations.member_removed", _("Member removed")
    INVITATION_SENT = "organisations.invitation_sent", _("Invitation sent")
    INVITATION_REVOKED = "organisations.invitation_revoked", _("Invitation withdrawn")
    INVITATION_ACCEPTED = "organisations.invitation_accepted", _("Invitation accepted")
