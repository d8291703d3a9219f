"""The public pages anyone reaches first: home and the accessibility statement."""


def test_home_page_is_accessible_and_links_to_the_accessibility_statement(any_page, axe):
    any_page.goto("/")
    axe(any_page)

    any_page.get_by_role("link", name="Accessibility statement").click()

    assert any_page.url.endswith("/accessibility/")
    assert any_page.get_by_role("heading", level=1).is_visible()
    axe(any_page)
