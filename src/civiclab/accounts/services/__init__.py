"""Writes of accounts: sign-up, confirmation, profile, tokens, export and deletion; two-step
sign-in is in `services/mfa.py`.

Each function is one transaction that records an audit event; e-mails leave on commit.
Audit details never hold an e-mail address, a password or a token.
"""

import io
import json
import logging
import secrets
import zipfile
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _

from civiclab.accounts.audit import AuditAction
from civiclab.core import clock, personal_data
from civiclab.core.services import audit_record

from .. import confirmation, emails, selectors, token_codec
from ..models import ApiToken, TokenScope, User, anonymous_name
from .mfa import mfa_disable as mfa_disable
from .mfa import mfa_enrol as mfa_enrol
from .mfa import mfa_recovery_codes_regenerate as mfa_recovery_codes_regenerate
from .mfa import mfa_reset as mfa_reset
from .mfa import mfa_verify as mfa_verify

logger = logging.getLogger(__name__)

MAX_ACTIVE_TOKENS = 50
TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=1)


def _email_on_commit(name: str, *, to: str, context: dict) -> None:
    def send_email() -> None:
        # A mail server that is down must not turn a finished sign-up into an error page,
        # and its error message may quote the address: log neither.
        try:
            emails.send(name, to=to, context=context)
        except Exception:
            logger.error("Could not send the %s e-mail.", name)

    transaction.on_commit(send_email)


def _send_confirmation(user: User, email: str) -> None:
    token = confirmation.make_token(user, email)
    _email_on_commit(
        "confirm_email",
        to=email,
        context={
            "user": user,
            "url": emails.confirmation_url(token),
            "days": max(1, confirmation.max_age() // (24 * 60 * 60)),
        },
    )


# Sign-up and confirmation


def user_sign_up(*, display_name: str, email: str, password: str) -> User | None:
    """Create an account and send its confirmation link; None if the address is taken.

    A taken address gets a note to its owner instead, and the caller shows the same
    "check your e-mail" page either way, so sign-up does not reveal who has an account.
    """
    email = email.strip().lower()
    with transaction.atomic():
        if selectors.email_in_use(email):
            make_password(password)  # spend the same time as a real sign-up
            _email_on_commit(
                "already_registered",
                to=email,
                context={
                    "login_url": emails.login_url(),
                    "reset_url": emails.password_reset_url(),
                },
            )
            return None
        user = User.objects.create_user(
            email=email, password=password, display_name=display_name.strip()
        )
        audit_record(actor=user, action=AuditAction.SIGNED_UP, subject=user)
        _send_confirmation(user, user.email)
    return user


def user_resend_confirmation(*, actor: User) -> None:
    if actor.email_confirmed:
        return
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.CONFIRMATION_SENT, subject=actor)
        _send_confirmation(actor, actor.email)


def user_confirm_email(*, token: str) -> User:
    """Confirm the address in `token`, moving the account to it if it is a new one.

    Raises confirmation.InvalidLink for a forged, expired or used link, and ValidationError
    when the new address has been taken by someone else in the meantime.
    """
    user_id, email, fingerprint = confirmation.read_token(token)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or not user.is_active or not confirmation.matches(user, fingerprint):
            raise confirmation.InvalidLink
        first_confirmation = not user.email_confirmed
        old_email = user.email
        changed = email.lower() != old_email.lower()
        if changed and selectors.email_in_use(email, exclude=user):
            raise ValidationError(
                _("That e-mail address is now used by another account."), code="email_taken"
            )
        user.email = email
        user.email_confirmed_at = clock.now()
        user.save(update_fields=["email", "email_confirmed_at"])
        audit_record(
            actor=user,
            action=AuditAction.EMAIL_CHANGED if changed else AuditAction.EMAIL_CONFIRMED,
            subject=user,
        )
        if changed:
            _email_on_commit("email_changed", to=old_email, context={"user": user})
        if first_confirmation:
            # Sessions started before this end by themselves (User._get_session_auth_hash).
            _revoke_all_tokens(user, reason="address_confirmed")
    return user


# Profile


def user_update_profile(*, actor: User, display_name: str) -> User:
    with transaction.atomic():
        actor.display_name = display_name.strip()
        actor.save(update_fields=["display_name"])
        audit_record(actor=actor, action=AuditAction.PROFILE_UPDATED, subject=actor)
    return actor


def user_request_email_change(*, actor: User, new_email: str) -> None:
    """Send a confirmation link to `new_email`; the address changes only when it is used.

    If the address belongs to another account, its owner gets a note instead and the
    caller says the same thing as for a free address.
    """
    new_email = new_email.strip().lower()
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.EMAIL_CHANGE_REQUESTED, subject=actor)
        if selectors.email_in_use(new_email, exclude=actor):
            _email_on_commit(
                "already_registered",
                to=new_email,
                context={
                    "login_url": emails.login_url(),
                    "reset_url": emails.password_reset_url(),
                },
            )
            return
        _send_confirmation(actor, new_email)


def _tell_password_changed(user: User, revoked: list[ApiToken]) -> None:
    _email_on_commit(
        "password_changed",
        to=user.email,
        context={
            "user": user,
            "revoked": [token.name for token in revoked],
            "reset_url": emails.password_reset_url(),
            "tokens_url": emails.tokens_url(),
        },
    )


def user_change_password(*, actor: User, new_password: str) -> list[ApiToken]:
    """Set a new password; every API token stops working and the owner is told by e-mail.

    Returns the tokens revoked. The new password hash ends every other session.
    """
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit_record(actor=actor, action=AuditAction.PASSWORD_CHANGED, subject=actor)
        revoked = _revoke_all_tokens(actor, reason="password_changed")
        _tell_password_changed(actor, revoked)
    return revoked


def user_reset_password(*, user: User, new_password: str) -> list[ApiToken]:
    """Set a new password after a reset link; using the link also proves the address.

    As for a change, every API token stops working and the owner is told; returns them.
    """
    with transaction.atomic():
        user.set_password(new_password)
        fields = ["password"]
        if not user.email_confirmed:
            user.email_confirmed_at = clock.now()
            fields.append("email_confirmed_at")
        user.save(update_fields=fields)
        audit_record(actor=user, action=AuditAction.PASSWORD_RESET, subject=user)
        revoked = _revoke_all_tokens(user, reason="password_reset")
        _tell_password_changed(user, revoked)
    return revoked


# API tokens


def token_create(
    *,
    actor: User,
    name: str,
    scope: str = TokenScope.READ_WRITE,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `actor` and its secret, which is never stored and never shown again.

    `scope` is `read` or `read_write`; the token expires after `days` (API_TOKEN_DEFAULT_DAYS
    when None, at most API_TOKEN_MAX_DAYS). Pages and the API let only a signed-in browser
    session whose password was entered recently call this (`accounts.reauth`), never a token.
    """
    if not actor.has_perm("accounts.add_apitoken"):
        raise PermissionDenied(confirmation.UNCONFIRMED_MESSAGE)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter a name for the token.")}, code="required")
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose what the token may do.")}, code="invalid")
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "expires_in_days": _("A token lasts from 1 to %(max)s days.")
                % {"max": settings.API_TOKEN_MAX_DAYS}
            },
            code="invalid",
        )
    with transaction.atomic():
        active = ApiToken.objects.filter(
            user=actor, revoked_at__isnull=True, expires_at__gt=clock.now()
        ).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You have %(count)s active tokens. Revoke one before creating another.")
                % {"count": active},
                code="too_many_tokens",
            )
        secret, prefix = token_codec.generate()
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=prefix,
            digest=token_codec.digest(secret),
            scope=scope,
            expires_at=clock.now() + timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_CREATED,
            subject=token,
            details={"prefix": prefix, "scope": scope, "days": days},
        )
    return token, secret


def _revoke_all_tokens(user: User, *, reason: str) -> list[ApiToken]:
    """Revoke every token of `user` still working, in the caller's transaction; audited."""
    now = clock.now()
    tokens = list(
        ApiToken.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=now
        )
    )
    for token in tokens:
        token.revoked_at = now
        audit_record(
            actor=user,
            action=AuditAction.TOKEN_REVOKED,
            subject=token,
            details={"prefix": token.prefix, "reason": reason},
        )
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked_at=now)
    return tokens


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not actor.has_perm("accounts.revoke_apitoken", token):
        raise PermissionDenied
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action=AuditAction.TOKEN_REVOKED,
                subject=token,
                details={"prefix": token.prefix},
            )
    return token


def token_mark_used(*, token: ApiToken) -> None:
    """Note that `token` was used, at most once a minute so reads stay reads. Not audited."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# Personal data


def user_export_data(*, actor: User) -> bytes:
    """A ZIP file with data.json: everything the platform holds about `actor`."""
    with transaction.atomic():
        data = {
            "format": "civiclab personal data export, version 1",
            "generated_at": clock.now(),
            "data": personal_data.export_for(actor),
        }
        audit_record(actor=actor, action=AuditAction.DATA_EXPORTED, subject=actor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
    return buffer.getvalue()


def user_delete(*, actor: User) -> User:
    """Erase `actor`'s personal data and close the account; contributions stay, anonymous.

    Refused, with nothing erased, while an app still needs the account (the last
    administrator of an active organisation): ValidationError with the reasons.

    Every registered eraser runs first (they may still need the e-mail address), then the
    account itself is anonymised. An unusable password changes the session hash, which ends
    every session of the account at its next request.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.is_anonymised:
            return user
        refusals = personal_data.deletion_refusals(user)
        if refusals:
            raise ValidationError(refusals, code="account_needed")
        personal_data.erase_for(user)
        user.email = f"deleted-{user.pk}-{secrets.token_hex(8)}@anonymised.invalid"
        user.display_name = anonymous_name(user.pk)
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.is_anonymised = True
        user.email_confirmed_at = None
        user.last_login = None
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        audit_record(actor=user, action=AuditAction.DELETED, subject=user)
    return user
