"""The API docs page works in a real browser under the strict Content Security Policy."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM is not used meanwhile.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page()
        yield page
        browser.close()


def test_docs_page_renders_the_operations_without_csp_violations(live_server, browser_page):
    problems: list[str] = []
    browser_page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    browser_page.on("pageerror", lambda error: problems.append(str(error)))
    browser_page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective));"
    )
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))

    browser_page.goto(f"{live_server.url}/api/v1/docs")
    browser_page.locator(".api-operation").first.wait_for(timeout=15_000)

    assert browser_page.locator("h1").inner_text() == "API reference"
    assert "OpenAPI 3.1" in browser_page.locator("main").inner_text()
    assert problems == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)
