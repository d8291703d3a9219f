"""User-written Markdown turned into HTML that is safe to show on any page.

Markdown is parsed as CommonMark (plus tables) by `markdown-it-py` and the result is sanitised
with `nh3`, so raw HTML in the source cannot smuggle scripts, event handlers or `javascript:`
links through. Links get `rel="nofollow ugc noopener noreferrer"`. Images are left out: pages
load nothing from outside the server. Headings are shifted down so user text never outranks the
page's headings.

Both steps take time linear in the length of the source, whatever it contains: markdown-it-py
is built to resist pathological input (thousands of unclosed `[` or `![`, deep nesting), where
the `markdown` package used before took quadratic time (16,000 `[` took about 25 s). Callers
still render before they open a transaction, and free text is capped (`core.limits`).
"""

import hashlib
import re
from collections.abc import Sequence

import nh3
from django.core.cache import cache
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"

# CommonMark (fenced code, lists, links, raw HTML for nh3 to clean) and GitHub-style tables.
# Nesting deeper than 20 blocks or inline levels is left as text.
_PARSER = MarkdownIt("commonmark", {"html": True, "maxNesting": 20}).enable("table")
# Every link becomes a link, and nh3 alone decides which addresses survive (URL_SCHEMES): a
# `javascript:` link keeps its text and loses its target, as raw HTML links do.
_PARSER.validateLink = lambda url: True  # type: ignore[method-assign]


def _aligned_cell(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Column alignment as the `align` attribute the allow-list keeps; markdown-it-py writes a
    `style` attribute, which nh3 removes (and the Content Security Policy would refuse)."""
    token = tokens[idx]
    style = str(token.attrs.pop("style", ""))
    if style.startswith("text-align:"):
        token.attrs["align"] = style.removeprefix("text-align:")
    return self.renderToken(tokens, idx, options, env)


_PARSER.add_render_rule("th_open", _aligned_cell)
_PARSER.add_render_rule("td_open", _aligned_cell)

_HEADING = re.compile(r"<(/?)h([1-6])>")


def _shift_headings(html: str, top: int) -> str:
    """Make the source's level-1 heading an `<h{top}>` (and so on down, never past h6)."""
    offset = top - 1

    def replace(match: re.Match) -> str:
        level = min(6, int(match.group(2)) + offset)
        return f"<{match.group(1)}h{level}>"

    return _HEADING.sub(replace, html)


def render_markdown(text: str, *, top_heading: int = 3) -> str:
    """Markdown source -> sanitised HTML; an empty source gives an empty string."""
    if not text or not text.strip():
        return ""
    html = _PARSER.render(text)
    # Headings are shifted before cleaning, so the allow-list (h2 to h6) also bounds them.
    html = _shift_headings(html, max(2, min(6, top_heading)))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


# Rendered HTML is cached by the hash of its source, so an edit simply misses the cache and
# nothing needs invalidating. For texts stored without their HTML (challenge texts), rendered
# on read: a long text takes tens of milliseconds to render, a cache hit well under one.
RENDER_CACHE_SECONDS = 30 * 24 * 3600


def render_markdown_cached(text: str, *, top_heading: int = 3) -> str:
    """`render_markdown` through the cache."""
    if not text or not text.strip():
        return ""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    key = f"civiclab:markdown:v1:{top_heading}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_markdown(text, top_heading=top_heading)
        cache.set(key, html, RENDER_CACHE_SECONDS)
    return html
