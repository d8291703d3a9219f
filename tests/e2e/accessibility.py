"""axe-core checks for the browser tests, using the axe.min.js bundled with
axe-playwright-python (nothing is fetched from the network)."""

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}

_axe = Axe()


def describe_violations(violations: list[dict]) -> str:
    """One block per rule: id, impact, what it means, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
        )
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def _violations_on(page) -> list[dict]:
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def _violations_without_javascript(browser, page) -> list[dict]:
    """axe needs JavaScript in the page to run (it waits on timers and promises), so a page
    shown with JavaScript off is checked as a copy: the same HTML at the same address, with
    scripts blocked, in a page where axe can run."""
    html = page.content()
    url = page.url
    context = browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route(
            "**/*",
            lambda route: (
                route.abort() if route.request.resource_type == "script" else route.continue_()
            ),
        )
        copy.route(
            lambda address: address == url,  # exact: a glob would read "?" as a wildcard
            lambda route: route.fulfill(body=html, content_type="text/html"),
        )
        copy.goto(url)
        copy.wait_for_load_state("load")
        return _violations_on(copy)
    finally:
        context.close()


def assert_accessible(browser, page) -> None:
    """Fail with a readable list when axe finds any violation on the page shown."""
    page.wait_for_load_state("load")
    if getattr(page, "javascript_enabled", True):
        violations = _violations_on(page)
    else:
        violations = _violations_without_javascript(browser, page)
    assert not violations, (
        f"{len(violations)} accessibility violation(s) on {page.url}:\n"
        + describe_violations(violations)
    )
