"""The axe check itself: it must catch a violation, with JavaScript on and off alike."""

import pytest

from tests.e2e.accessibility import assert_accessible

PAGE_WITH_A_PROBLEM = """<!doctype html><html lang="en"><head><title>Probe</title></head>
<body><main><h1>Probe</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body>
</html>"""


def test_axe_check_reports_an_image_without_alternative_text(any_page, browser):
    any_page.route(
        "http://probe.invalid/",
        lambda route: route.fulfill(body=PAGE_WITH_A_PROBLEM, content_type="text/html"),
    )
    any_page.goto("http://probe.invalid/")

    with pytest.raises(AssertionError) as failure:
        assert_accessible(browser, any_page)

    assert "image-alt" in str(failure.value)
    assert "http://probe.invalid/" in str(failure.value)


def test_axe_check_without_javascript_reads_the_page_at_an_address_with_a_query(
    page_without_js, browser
):
    address = "http://probe.invalid/search?q=a+b&page=2"
    page_without_js.route(
        lambda url: url == address,
        lambda route: route.fulfill(body=PAGE_WITH_A_PROBLEM, content_type="text/html"),
    )
    page_without_js.goto(address)

    with pytest.raises(AssertionError) as failure:
        assert_accessible(browser, page_without_js)

    assert "image-alt" in str(failure.value)
