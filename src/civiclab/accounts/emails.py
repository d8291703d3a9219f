"""The e-mails accounts sends. Each is a subject and a plain-text body template."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send(name: str, *, to: str, context: dict) -> None:
    """Render accounts/email/<name>_subject.txt and <name>_body.txt and send them to `to`."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"accounts/email/{name}_subject.txt", context)
    body = render_to_string(f"accounts/email/{name}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def confirmation_url(token: str) -> str:
    return absolute(reverse("accounts:confirm_email", kwargs={"token": token}))


def login_url() -> str:
    return absolute(reverse("accounts:login"))


def password_reset_url() -> str:
    return absolute(reverse("accounts:password_reset"))


def tokens_url() -> str:
    return absolute(reverse("accounts:tokens"))
