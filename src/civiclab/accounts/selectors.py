"""Reads of accounts."""

from django.db.models import F, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, User


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first, active and revoked."""
    # Active ones (no revocation time) first on every database: NULL ordering differs.
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )


def token_of(user: User, token_id: int) -> ApiToken | None:
    """One of the person's own tokens, or None (someone else's token is as good as absent)."""
    return ApiToken.objects.filter(user=user, pk=token_id).first()


def email_in_use(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def mfa_device_of(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, or None when two-step sign-in is off."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_mfa(user: User) -> bool:
    """Whether the person has turned two-step sign-in on (a confirmed authenticator app)."""
    return bool(user.is_authenticated) and (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the person has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
