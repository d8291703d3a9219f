"""Steps the journeys share."""

import re
from urllib.parse import urlsplit

from django.core import mail


def sign_in(page, axe, *, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    axe(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def link_in_last_email(path_fragment: str) -> str:
    """The path of the first link in the newest e-mail that contains `path_fragment`.

    E-mails carry absolute links to SITE_URL; the journeys follow them on the live server.
    """
    assert mail.outbox, "no e-mail was sent"
    body = mail.outbox[-1].body
    for url in re.findall(r"https?://\S+", body):
        parts = urlsplit(url.rstrip(".,)"))
        if path_fragment in parts.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link containing {path_fragment!r} in:\n{body}")


def error_summary(page):
    return page.get_by_role("alert").filter(has_text="There is a problem")
