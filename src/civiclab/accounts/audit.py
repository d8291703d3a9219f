"""What accounts records in the audit trail: each action's stored code and its label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    SIGNED_UP = "accounts.signed_up", _("Signed up")
    CONFIRMATION_SENT = "accounts.confirmation_sent", _("Confirmation e-mail sent")
    EMAIL_CONFIRMED = "accounts.email_confirmed", _("E-mail address confirmed")
    EMAIL_CHANGE_REQUESTED = "accounts.email_change_requested", _("E-mail change requested")
    EMAIL_CHANGED = "accounts.email_changed", _("E-mail address changed")
    PROFILE_UPDATED = "accounts.profile_updated", _("Profile updated")
    PASSWORD_CHANGED = "accounts.password_changed", _("Password changed")
    PASSWORD_RESET = "accounts.password_reset", _("Password reset")
    TOKEN_CREATED = "accounts.token_created", _("API token created")
    TOKEN_REVOKED = "accounts.token_revoked", _("API token revoked")
    MFA_ENABLED = "accounts.mfa_enabled", _("Two-step sign-in turned on")
    MFA_DISABLED = "accounts.mfa_disabled", _("Two-step sign-in turned off")
    RECOVERY_CODES_REGENERATED = (
        "accounts.recovery_codes_regenerated",
        _("New recovery codes made"),
    )
    RECOVERY_CODE_USED = "accounts.recovery_code_used", _("Recovery code used to sign in")
    DATA_EXPORTED = "accounts.data_exported", _("Personal data downloaded")
    DELETED = "accounts.deleted", _("Account deleted")
