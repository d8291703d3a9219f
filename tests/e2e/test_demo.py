"""The demo's printed logins work: an organisation administrator of the demo city signs in
and reaches the members page."""

from playwright.sync_api import expect

from civiclab.demo.seed import DEMO_PASSWORD, seed_demo
from tests.e2e.helpers import sign_in


def test_a_demo_login_signs_in_and_manages_its_organisation(page, axe):
    seed_demo()

    sign_in(page, axe, email="admin@eastbrook.example", password=DEMO_PASSWORD)
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text("Sign out")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="City of Eastbrook").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("City of Eastbrook")
    axe(page)
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("cell", name="innovation-lead@eastbrook.example")).to_be_visible()
    axe(page)
