"""Browser tests: Playwright's sync API driving Debian's Chromium against a live server.

Every test under tests/e2e is marked `e2e` automatically: `make test` leaves them out,
`make e2e` runs them. Without /usr/bin/chromium they are skipped with the reason.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (factories, reading the outbox) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the marker must be there before `-m` selection looks at the items.
    skip = None
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM}")
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server, django_db_serialized_rollback) -> str:
    # Serialized rollback restores rows that data migrations seed (sectors, ...) after the
    # live server's flush.
    return live_server.url


def _new_page(browser, base_url: str, *, javascript: bool):
    context = browser.new_context(
        base_url=base_url,
        java_script_enabled=javascript,
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Read by the axe helper, which checks pages shown without JavaScript differently.
    page.javascript_enabled = javascript
    return context, page


@pytest.fixture
def page(browser, base_url) -> Iterator:
    context, page = _new_page(browser, base_url, javascript=True)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, base_url) -> Iterator:
    context, page = _new_page(browser, base_url, javascript=False)
    yield page
    context.close()


@pytest.fixture(params=["js", "no-js"])
def any_page(request, browser, base_url) -> Iterator:
    """The same journey twice: once with JavaScript, once without."""
    context, page = _new_page(browser, base_url, javascript=request.param == "js")
    yield page
    context.close()


@pytest.fixture
def axe(browser):
    """`axe(page)` asserts that the page shown has no accessibility violations."""
    from tests.e2e.accessibility import assert_accessible

    def check(page) -> None:
        assert_accessible(browser, page)

    return check
