import sys

import pytest

from civiclab.core.markup import render_markdown


def test_headings_lists_and_links_are_kept():
    html = render_markdown(
        "# Plan\n\n## Steps\n\n- one\n- two\n\n1. first\n\n[site](https://example.org)"
    )
    assert "<h3>Plan</h3>" in html
    assert "<h4>Steps</h4>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<ol>" in html
    assert 'href="https://example.org"' in html


def test_links_are_marked_as_user_content():
    html = render_markdown("[site](https://example.org)")
    assert 'rel="nofollow ugc noopener noreferrer"' in html


def test_script_tags_are_removed_with_their_content():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html and "world" in html


def test_javascript_links_lose_their_target():
    html = render_markdown('[click](javascript:alert(1)) and <a href="JavaScript:alert(2)">b</a>')
    assert "javascript" not in html.lower()
    assert "click" in html


def test_event_handler_attributes_are_removed():
    html = render_markdown('<img src="x" onerror="alert(1)"><p onclick="steal()">text</p>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert "<img" not in html  # nothing is loaded from elsewhere
    assert "text" in html


def test_style_and_iframes_are_removed():
    html = render_markdown('<style>body{display:none}</style><iframe src="https://evil"></iframe>x')
    assert "<style" not in html and "display:none" not in html
    assert "<iframe" not in html


def test_headings_never_go_deeper_than_h6_nor_above_the_requested_level():
    html = render_markdown("###### deep\n\n# top", top_heading=2)
    assert "<h6>deep</h6>" in html
    assert "<h2>top</h2>" in html
    assert "<h1" not in render_markdown("<h1>raw</h1>")


def test_empty_source_gives_empty_html():
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""


def test_code_is_escaped():
    html = render_markdown("```\n<b>not bold</b>\n```")
    assert "&lt;b&gt;" in html


def _python_calls(text: str) -> int:
    """How many Python and C function calls rendering `text` makes: a measure of work that,
    unlike a stopwatch, does not depend on the machine or its load."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        render_markdown(text)
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize("piece", ["[", "![", "[a](", "*a", "_a", "<", "> ", "a_\n"])
def test_pathological_brackets_in_description_render_in_linear_time(piece):
    # 16,000 `[` took about 25 s with the quadratic parser used before, inside the transaction.
    small = _python_calls(piece * 1000)
    double = _python_calls(piece * 2000)
    assert double <= 2.3 * small, f"{piece!r}: {small} calls for 1,000, {double} for 2,000"


def test_sixteen_thousand_open_brackets_render_within_a_small_operation_budget():
    text = "[" * 16_000
    assert _python_calls(text) < 400 * len(text)
    assert render_markdown(text) == f"<p>{text}</p>"


def test_tables_keep_their_column_alignment():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html
    assert "style" not in html
