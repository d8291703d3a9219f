"""Two-step sign-in: turned on with the setup key typed in (as someone who cannot scan the QR
code would), then signing out and in again with a code from the app and with a recovery
code; with and without JavaScript, axe on every page."""

import base64

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory


def app_code(setup_key: str, step: int = 0) -> str:
    """The code an authenticator app shows for the typed-in setup key."""
    text = setup_key.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    return f"{totp(key, drift=step):06d}"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")


def test_turn_on_sign_out_and_sign_in_with_a_code(any_page, axe):
    page = any_page
    person = UserFactory(display_name="Noor Haddad", email="noor.haddad@example.org")
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Manage two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    axe(page)
    page.get_by_role("link", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("img", name="QR code to add your civiclab account")).to_be_visible()
    axe(page)

    # A wrong code is refused with a clear message.
    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    axe(page)

    setup_key = page.locator("#setup-key").inner_text()
    page.get_by_label("Code from your app").fill(app_code(setup_key))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    codes = codes.all_inner_texts()
    assert len(codes) == 10
    axe(page)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_text("Recovery codes left")).to_be_visible()

    # Signing in now takes the password and then a code.
    sign_out(page)
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    axe(page)
    page.get_by_label("Code").fill("123 456")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    axe(page)
    # The code of the next time step: the current one was used to turn it on.
    page.get_by_label("Code").fill(app_code(setup_key, step=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text("Sign out")

    # Without the app: a recovery code, once.
    sign_out(page)
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You signed in with a recovery code")).to_be_visible()
    axe(page)
