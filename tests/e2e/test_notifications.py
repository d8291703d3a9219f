"""Notifications in a real browser, with and without JavaScript: the unread count on the
link, mark all as read, the preferences page and the unsubscribe link of an e-mail."""

import re

from django.core import mail
from playwright.sync_api import expect

from civiclab.core.models import Delivery
from civiclab.core.notifications import notify, preferences_of, send_notification_emails
from tests.e2e.helpers import sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

STATUS = "challenges.idea_status_changed"


def test_the_unread_count_and_the_preferences(any_page, axe):
    page = any_page
    person = UserFactory(display_name="Ines Moreau", email="ines.moreau@example.org")
    for title in ("Your idea is under review", "Your idea was selected"):
        notify(recipients=[person], verb=STATUS, title=title, email=False)
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)

    # The count is part of the link's name ("Notifications, 2 unread").
    link = page.get_by_role("link", name=re.compile(r"^Notifications\W+2 unread$"))
    expect(link).to_be_visible()
    link.click()
    axe(page)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Change your notification preferences").click()
    axe(page)
    page.get_by_label("An idea of yours changes status").select_option(Delivery.WEEKLY)
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your notification preferences have been saved.")).to_be_visible()
    axe(page)
    assert preferences_of(person)[STATUS] == Delivery.WEEKLY


def test_the_unsubscribe_link_of_an_email_needs_no_sign_in(any_page, axe):
    page = any_page
    person = UserFactory(email="tomas.novak@example.org")
    [notification] = notify(recipients=[person], verb=STATUS, title="Moved on", email=False)
    send_notification_emails.call([notification.pk])
    url = mail.outbox[-1].extra_headers["List-Unsubscribe"][1:-1]
    page.goto(url[url.index("/notifications/") :])
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop notification e-mails")
    axe(page)
    assert preferences_of(person)[STATUS] == Delivery.IMMEDIATE  # opening changes nothing
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mails stopped")
    axe(page)
    assert preferences_of(person)[STATUS] == Delivery.IN_APP
