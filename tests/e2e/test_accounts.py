"""Sign-up with e-mail confirmation, and signing in, in a real browser with and without
JavaScript; axe checks every page on the way."""

import json
import re
import zipfile

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.helpers import error_summary, link_in_last_email, sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_sign_up_and_confirm_the_email_address(any_page, axe, mailoutbox):
    page = any_page
    page.goto("/")
    page.get_by_role("link", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    axe(page)

    page.get_by_role("button", name="Create account").click()
    expect(error_summary(page)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)

    page.get_by_label("Your name").fill("Amina Yusuf")
    page.get_by_label("E-mail address").fill("amina.yusuf@example.org")
    page.get_by_label("Password", exact=True).fill("lantern orchard ferry 42")
    page.get_by_label("Enter the password again").fill("lantern orchard ferry 42")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    expect(page.get_by_text("amina.yusuf@example.org")).to_be_visible()
    axe(page)
    user = get_user_model().objects.get(email="amina.yusuf@example.org")
    assert not user.email_confirmed
    # Nobody is signed in until the address is confirmed.
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name="Sign in")).to_be_visible()

    # The link, opened in the browser that signed up, confirms and signs in.
    page.goto(link_in_last_email("/accounts/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(
        page.get_by_text("Thank you, your e-mail address is confirmed. You are signed in.")
    ).to_be_visible()
    expect(account.get_by_role("link", name="Amina Yusuf")).to_be_visible()
    expect(page.locator(".tag", has_text="Confirmed")).to_be_visible()
    axe(page)
    user.refresh_from_db()
    assert user.email_confirmed


def test_a_wrong_password_is_explained_and_the_right_one_signs_in(any_page, axe):
    page = any_page
    person = UserFactory(display_name="Jonas Berg", email="jonas.berg@example.org")

    sign_in(page, axe, email=person.email, password="not the password")
    expect(error_summary(page)).to_contain_text("The e-mail address or password is not right")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe(page)

    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name="Jonas Berg")).to_be_visible()
    axe(page)

    account.get_by_role("link", name="Jonas Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    axe(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text("Sign in")
    axe(page)


def test_download_my_data_then_delete_my_account(any_page, axe):
    page = any_page
    person = UserFactory(display_name="Olu Adeyemi", email="olu.adeyemi@example.org")
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Download your data").click()
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        exported = json.loads(archive.read("data.json"))
    assert "olu.adeyemi@example.org" in json.dumps(exported)

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Delete your account").click()
    axe(page)
    page.get_by_role("button", name="Delete my account").click()
    expect(error_summary(page)).to_be_visible()
    axe(page)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()
    axe(page)
    person.refresh_from_db()
    assert person.is_anonymised
    assert person.email != "olu.adeyemi@example.org"

    sign_in(page, axe, email="olu.adeyemi@example.org", password=DEFAULT_PASSWORD)
    expect(error_summary(page)).to_be_visible()


def test_an_unconfirmed_account_is_told_how_to_take_part(any_page, axe, mailoutbox):
    page = any_page
    person = UserFactory(
        display_name="Noor Haddad", email="noor.haddad@example.org", email_confirmed_at=None
    )
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)
    page.goto("/accounts/tokens/new/")
    expect(page.get_by_text("Confirm your e-mail address to take part")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("We have sent a new confirmation link to")).to_be_visible()
    axe(page)
    page.goto(link_in_last_email("/accounts/confirm/"))
    expect(page.get_by_text("Thank you, your e-mail address is confirmed.")).to_be_visible()
    expect(page.get_by_text("Confirm your e-mail address to take part")).to_have_count(0)
