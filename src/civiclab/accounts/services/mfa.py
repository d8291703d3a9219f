"""Two-step sign-in: an authenticator app (TOTP, RFC 6238) with single-use recovery codes.

The devices are django-otp's: one confirmed `TOTPDevice` ("Authenticator app") and one
`StaticDevice` ("Recovery codes") per person. Enrolment keeps the new secret in the browser
session until the person proves their app has it by entering a code, so no GET request and no
abandoned enrolment leaves a row behind.

Recovery codes are shown once. Only a keyed digest of each is stored (in `StaticToken.token`),
so a copy of the database does not hold codes anyone can use. A code is used up by one DELETE
whose row count says whether this request, and no concurrent one, consumed it.

Throttling of wrong codes is not done here: django-otp's per-device delay is off
(OTP_*_THROTTLE_FACTOR = 0) because it would let anyone who knows the password hold back the
right code from every client; `accounts.throttle` counts wrong codes per client and spaces an
account's attempts, as it does for passwords.
"""

import base64
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from civiclab.accounts.audit import AuditAction
from civiclab.core import clock
from civiclab.core.services import audit_record

from ..models import User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# One step (30 seconds) either side, for clocks that are a little off.
TOTP_TOLERANCE = 1


def new_secret() -> str:
    """A new TOTP secret: 20 random bytes as hex, as django-otp stores it."""
    return default_key()


def secret_as_text(key: str) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(*, user: User, key: str) -> str:
    """The otpauth:// address a QR code carries (the Key URI format of authenticator apps)."""
    return TOTPDevice(user=user, key=key).config_url


def normalise_code(code: str) -> str:
    """A code as typed: spaces and dashes dropped, lower case."""
    return "".join((code or "").split()).replace("-", "").lower()


def _recovery_digest(code: str) -> str:
    # 16 hex characters (64 bits) fit django-otp's token column; the codes themselves carry
    # 50 bits, so the digest loses nothing an attacker could use.
    return salted_hmac("civiclab.accounts.recovery_code", normalise_code(code)).hexdigest()[:16]


def _recovery_code() -> str:
    # Base32 in capitals: no 0, 1, 8 or 9, so O, I and B cannot be misread as digits.
    raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:10]
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    """New recovery codes for `user`, in the caller's transaction; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=_recovery_digest(code)) for code in codes]
    )
    return codes


def _check_manage(actor: User) -> None:
    if not actor.has_perm("accounts.manage_mfa"):
        raise PermissionDenied


def mfa_enrol(*, actor: User, key: str, code: str) -> list[str]:
    """Turn two-step sign-in on with the app holding `key`, proved by `code`.

    Returns the recovery codes, which are never shown again. ValidationError when the code is
    not the app's current one or two-step sign-in is already on.
    """
    _check_manage(actor)
    try:
        bin_key = bytes.fromhex(key)
    except ValueError:
        bin_key = b""
    if len(bin_key) != 20:
        raise ValidationError(_("Start again: the setup has expired."), code="invalid_key")
    code = normalise_code(code)
    totp = TOTP(bin_key, step=30, t0=0, digits=6)
    totp.time = clock.now().timestamp()
    if not (code.isdigit() and len(code) == 6 and totp.verify(int(code), TOTP_TOLERANCE)):
        raise ValidationError(
            {
                "code": _(
                    "That code is not right. Enter the 6-digit code your app shows now; "
                    "check that the time on your phone is set automatically."
                )
            },
            code="invalid_code",
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ValidationError(_("Two-step sign-in is already on."), code="already_on")
        TOTPDevice.objects.filter(user=actor).delete()
        TOTPDevice.objects.create(
            user=actor,
            name=TOTP_DEVICE_NAME,
            key=key,
            confirmed=True,
            tolerance=TOTP_TOLERANCE,
            # The code just used cannot be used again to sign in.
            last_t=totp.t(),
        )
        codes = _replace_recovery_codes(actor)
        audit_record(actor=actor, action=AuditAction.MFA_ENABLED, subject=actor)
    return codes


def mfa_recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes for `actor`; every earlier one stops working. Shown once."""
    _check_manage(actor)
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ValidationError(_("Two-step sign-in is off."), code="mfa_off")
        codes = _replace_recovery_codes(actor)
        audit_record(actor=actor, action=AuditAction.RECOVERY_CODES_REGENERATED, subject=actor)
    return codes


def mfa_disable(*, actor: User) -> None:
    """Turn two-step sign-in off: the app and the recovery codes stop working."""
    _check_manage(actor)
    with transaction.atomic():
        deleted, _rows = TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()
        if deleted:
            audit_record(actor=actor, action=AuditAction.MFA_DISABLED, subject=actor)


def mfa_reset(*, actor: User, user: User) -> bool:
    """A platform admin turns off `user`'s two-step sign-in (a lost phone and lost codes).

    Audited as turned off by `actor`. Returns whether it was on. The person then signs in
    with the password alone until they turn it on again (their roles may require that).
    """
    if not actor.has_perm("accounts.reset_mfa", user):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        if deleted:
            audit_record(
                actor=actor,
                action=AuditAction.MFA_DISABLED,
                subject=user,
                details={"by": "platform_admin"},
            )
    return bool(deleted)


def mfa_verify(*, user: User, code: str) -> str | None:
    """Check a second-step code of `user`: "totp", "recovery" (now used up) or None.

    A TOTP code is accepted once (django-otp keeps the last time step used, under a row lock
    here so two requests cannot both use it); a recovery code is deleted as it is used, and
    its use is audited with the number left.
    """
    code = normalise_code(code)
    if not code or len(code) > 32:
        return None
    if code.isdigit() and len(code) == 6:
        with transaction.atomic():
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            if device is not None and device.verify_token(code):
                return "totp"
        return None
    # Anything else may be a recovery code (ten characters, never six digits).
    with transaction.atomic():
        device_ids = list(
            StaticDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True)
        )
        used, _rows = StaticToken.objects.filter(
            device_id__in=device_ids, token=_recovery_digest(code)
        ).delete()
        if not used:
            return None
        StaticDevice.objects.filter(pk__in=device_ids).update(last_used_at=clock.now())
        left = StaticToken.objects.filter(device_id__in=device_ids).count()
        audit_record(
            actor=user,
            action=AuditAction.RECOVERY_CODE_USED,
            subject=user,
            details={"codes_left": left},
        )
    return "recovery"
