"""A personal API token: created on the tokens page, shown once, used against the API,
revoked and then refused; with and without JavaScript, axe on every page."""

import httpx
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_create_use_and_revoke_a_token(any_page, axe, base_url):
    page = any_page
    person = UserFactory(display_name="Priya Raman", email="priya.raman@example.org")
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)

    page.goto("/accounts/tokens/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    axe(page)
    page.get_by_role("link", name="Create a token").click()
    axe(page)
    page.get_by_label("Token name").fill("Budget dashboard")
    page.get_by_role("button", name="Create token").click()

    secret = page.get_by_label("Your token").input_value()
    assert secret.startswith("clb_")
    axe(page)

    # The API knows the token's owner; the browser's session plays no part in this request.
    me = httpx.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "priya.raman@example.org"

    # Shown once: the list shows only the start of it.
    page.get_by_role("link", name="I have copied it").click()
    row = page.get_by_role("row").filter(has_text="Budget dashboard")
    expect(row).to_contain_text("Active")
    expect(page.get_by_text(secret)).to_have_count(0)
    axe(page)

    row.get_by_role("link", name="Revoke Budget dashboard").click()
    axe(page)
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_role("row").filter(has_text="Budget dashboard")).to_contain_text("Revoked")
    axe(page)

    refused = httpx.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"]


def test_an_old_session_confirms_the_password_before_creating_a_token(any_page, axe):
    from datetime import timedelta

    import time_machine

    from civiclab.core import clock

    page = any_page
    person = UserFactory(display_name="Tomás Ortega", email="tomas.ortega@example.org")
    sign_in(page, axe, email=person.email, password=DEFAULT_PASSWORD)
    with time_machine.travel(clock.now() + timedelta(minutes=30)):
        page.goto("/accounts/tokens/new/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your password")
        axe(page)
        page.get_by_label("Your password").fill("not my password")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("Your password is not right.").first).to_be_visible()
        axe(page)
        page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Create an API token")
        page.get_by_label("Token name").fill("Read-only report")
        page.get_by_label("Read only").check()
        page.get_by_role("button", name="Create token").click()
        assert page.get_by_label("Your token").input_value().startswith("clb_")
        axe(page)
