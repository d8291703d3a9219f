"""Every page of the foundation, as a visitor and as an organisation administrator of the demo,
passes axe: a sweep beside the journeys, so a page no journey reaches is still checked."""

import pytest
from playwright.sync_api import expect

from civiclab.demo.seed import DEMO_PASSWORD, seed_demo
from tests.e2e.helpers import sign_in

PUBLIC_PAGES = [
    "/",
    "/accessibility/",
    "/organisations/",
    "/organisations/?level=local",
    "/organisations/eastbrook/",
    "/ledger/",
    "/ledger/entries/0/",
    "/ledger/checkpoints/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
    "/search/",
    "/search/?q=benches",
    "/search/?q=submarine",
    "/challenges/",
    "/challenges/?phase=submission",
]

ADMIN_PAGES = [
    "/accounts/profile/",
    "/accounts/profile/name/",
    "/accounts/profile/email/",
    "/accounts/profile/password/",
    "/accounts/profile/notifications/",
    "/notifications/",
    "/accounts/tokens/",
    "/accounts/tokens/new/",
    "/accounts/my-data/",
    "/accounts/delete/",
    "/organisations/eastbrook/edit/",
    "/organisations/eastbrook/members/",
    "/organisations/eastbrook/members/invite/",
    "/organisations/eastbrook/audit/",
]


@pytest.fixture
def demo(transactional_db):
    seed_demo()


def test_public_pages(page, axe, demo):
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        axe(page)


def test_api_docs_page(any_page, axe, demo):
    response = any_page.goto("/api/v1/docs")
    assert response.status == 200
    expect(any_page.get_by_role("heading", level=1)).to_have_text("API reference")
    axe(any_page)


def test_pages_of_an_organisation_administrator(page, axe, demo):
    sign_in(page, axe, email="admin@eastbrook.example", password=DEMO_PASSWORD)
    for path in ADMIN_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        axe(page)


def test_error_pages(page, axe, demo):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    axe(page)

    sign_in(page, axe, email="admin@eastbrook.example", password=DEMO_PASSWORD)
    response = page.goto("/organisations/digital-agency/members/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)


def test_site_search_and_the_challenge_list_work_with_and_without_javascript(any_page, axe, demo):
    any_page.goto("/")
    any_page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    any_page.get_by_label("Search for").fill("bench")
    any_page.get_by_role("button", name="Search").click()
    axe(any_page)
    any_page.get_by_role("link", name="Benches on the walk up Castle Hill").click()
    expect(any_page.get_by_role("heading", level=1)).to_have_text(
        "Benches on the walk up Castle Hill"
    )
    any_page.get_by_role("navigation", name="Main").get_by_role("link", name="Challenges").click()
    expect(any_page.get_by_role("heading", level=1)).to_have_text("All challenges")
    any_page.get_by_label("Phase").select_option("submission")
    any_page.get_by_role("button", name="Apply filters").click()
    axe(any_page)
    assert "phase=submission" in any_page.url
