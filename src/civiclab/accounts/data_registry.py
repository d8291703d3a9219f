"""What accounts tells the personal-data registry: the account itself, its tokens, and the
models of `core` and Django's admin that point to people. Called from AccountsConfig.ready().
"""

import re

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from civiclab.core import personal_data
from civiclab.core.models import (
    AuditEvent,
    JobProgress,
    Notification,
    NotificationDigest,
    NotificationPreference,
    SubmissionKey,
)

from .models import ApiToken, User, anonymous_name


def export_user(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "date_joined": user.date_joined,
        "email_confirmed_at": user.email_confirmed_at,
        "last_login": user.last_login,
        "is_platform_admin": user.is_staff,
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def export_tokens(user: User) -> list[dict]:
    return list(
        ApiToken.objects.filter(user=user).values(
            "id",
            "name",
            "prefix",
            "scope",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        )
    )


def erase_tokens(user: User) -> None:
    ApiToken.objects.filter(user=user).delete()


def _audit_about(user: User) -> models.Q:
    return models.Q(subject_type=User._meta.label_lower, subject_id=str(user.pk))


def export_audit_events(user: User) -> list[dict]:
    """What the person did, and what was done to their account."""
    return list(
        AuditEvent.objects.filter(models.Q(actor=user) | _audit_about(user))
        .order_by("occurred_at", "id")
        .values(
            "occurred_at",
            "action",
            "organisation_id",
            "subject_type",
            "subject_id",
            "subject_repr",
            "details",
        )
    )


def erase_audit_events(user: User) -> None:
    """Keep the trail, but drop the person's name and address from how rows name them.

    The audit table is append-only through its manager; erasure is the one lawful edit,
    so it goes through a plain queryset on purpose.
    """
    rows = models.QuerySet(model=AuditEvent)
    name = anonymous_name(user.pk)
    rows.filter(_audit_about(user)).update(subject_repr=name)
    # An e-mail address is unique, so any row quoting it quotes this person. A name is not:
    # only rows the person wrote are renamed here; apps rename rows about their own objects.
    _replace_in_repr(rows.all(), user.email, name)
    if user.display_name:
        _replace_in_repr(rows.filter(actor=user), user.display_name, name)


def _replace_in_repr(rows: models.QuerySet, value: str, replacement: str) -> None:
    for pk, text in rows.filter(subject_repr__contains=value).values_list("pk", "subject_repr"):
        rows.filter(pk=pk).update(subject_repr=text.replace(value, replacement)[:200])


def export_jobs(user: User) -> list[dict]:
    return list(
        JobProgress.objects.filter(owner=user).values(
            "id", "label", "state", "created_at", "updated_at", "message"
        )
    )


def erase_jobs(user: User) -> None:
    JobProgress.objects.filter(owner=user).delete()


def export_submission_keys(user: User) -> list[dict]:
    """The forms and API requests that created something, so a retry creates nothing twice."""
    return list(SubmissionKey.objects.filter(user=user).values("scope", "object_id", "created_at"))


def erase_submission_keys(user: User) -> None:
    SubmissionKey.objects.filter(user=user).delete()


def export_notifications(user: User) -> list[dict]:
    return list(
        Notification.objects.filter(recipient=user).values(
            "verb", "title", "body", "url", "created_at", "read_at"
        )
    )


def erase_notifications(user: User) -> None:
    """The person's own inbox goes; in other people's, where the text names the person as
    having acted (`actor`), their name and address give way to the anonymous name."""
    Notification.objects.filter(recipient=user).delete()
    name = anonymous_name(user.pk)
    patterns = [re.escape(user.email)]
    if user.display_name.strip():
        # Whole words only, so that "Ada" does not rewrite "Adam" in the same text.
        patterns.insert(0, rf"(?<!\w){re.escape(user.display_name.strip())}(?!\w)")
    mention = re.compile("|".join(patterns))
    for notification in Notification.objects.filter(actor=user).only("title", "body"):
        title = mention.sub(name, notification.title)[:200]
        body = mention.sub(name, notification.body)
        if (title, body) != (notification.title, notification.body):
            notification.title, notification.body = title, body
            notification.save(update_fields=["title", "body"])


def export_notification_preferences(user: User) -> list[dict]:
    return list(
        NotificationPreference.objects.filter(user=user).values("kind", "delivery", "updated_at")
    )


def erase_notification_preferences(user: User) -> None:
    NotificationPreference.objects.filter(user=user).delete()


def export_notification_digests(user: User) -> list[dict]:
    return list(
        NotificationDigest.objects.filter(recipient=user).values(
            "frequency", "period", "created_at", "sent_at"
        )
    )


def erase_notification_digests(user: User) -> None:
    NotificationDigest.objects.filter(recipient=user).delete()


def export_admin_log(user: User) -> list[dict]:
    """Changes the person made in the platform administration."""
    return [
        {
            "action_time": entry.action_time,
            "object_type": entry.content_type.model if entry.content_type else "",
            "object_id": entry.object_id,
            "object": entry.object_repr,
            "action": entry.get_action_flag_display(),
        }
        for entry in LogEntry.objects.filter(user=user).select_related("content_type")
    ]


def erase_admin_log(user: User) -> None:
    """Admin entries about the person's own account name them; rename those."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=anonymous_name(user.pk))


def export_mfa_app(user: User) -> list[dict]:
    """That two-step sign-in was on, and when; never the app's secret."""
    return list(
        TOTPDevice.objects.filter(user=user).values(
            "name", "confirmed", "created_at", "last_used_at"
        )
    )


def export_recovery_codes(user: User) -> list[dict]:
    """How many recovery codes are left; the codes are stored only as digests."""
    return [
        {
            "name": device.name,
            "created_at": device.created_at,
            "last_used_at": device.last_used_at,
            "codes_left": device.token_set.count(),
        }
        for device in StaticDevice.objects.filter(user=user)
    ]


def erase_mfa(user: User) -> None:
    """The app's secret and the recovery codes go with the account."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def register_all() -> None:
    personal_data.register(
        "accounts.user",
        exporter=export_user,
        # The account row is anonymised by services.user_delete after every other eraser.
        eraser=None,
        user_fields=[],
    )
    personal_data.register(
        "accounts.apitoken", exporter=export_tokens, eraser=erase_tokens, user_fields=["user"]
    )
    personal_data.register(
        "otp_totp.totpdevice", exporter=export_mfa_app, eraser=erase_mfa, user_fields=["user"]
    )
    personal_data.register(
        "otp_static.staticdevice",
        exporter=export_recovery_codes,
        eraser=erase_mfa,
        user_fields=["user"],
    )
    personal_data.exclude(
        "otp_static.statictoken",
        reason="keyed digests of recovery codes, counted in the recovery-codes export and "
        "deleted with their device",
    )
    personal_data.register(
        "core.auditevent",
        exporter=export_audit_events,
        eraser=erase_audit_events,
        user_fields=["actor"],
    )
    personal_data.register(
        "core.jobprogress", exporter=export_jobs, eraser=erase_jobs, user_fields=["owner"]
    )
    personal_data.register(
        "core.notification",
        exporter=export_notifications,
        eraser=erase_notifications,
        user_fields=["recipient", "actor"],
    )
    personal_data.register(
        "core.notificationpreference",
        exporter=export_notification_preferences,
        eraser=erase_notification_preferences,
        user_fields=["user"],
    )
    personal_data.register(
        "core.notificationdigest",
        exporter=export_notification_digests,
        eraser=erase_notification_digests,
        user_fields=["recipient"],
    )
    personal_data.register(
        "core.submissionkey",
        exporter=export_submission_keys,
        eraser=erase_submission_keys,
        user_fields=["user"],
    )
    personal_data.register(
        "admin.logentry",
        exporter=export_admin_log,
        eraser=erase_admin_log,
        user_fields=["user"],
    )
