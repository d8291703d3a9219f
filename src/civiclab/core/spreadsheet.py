"""Cells that a spreadsheet program cannot run as a formula (OWASP "CSV injection").

Spreadsheet programs run a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return) as a formula, and exports carry text anyone wrote. They also skip leading spaces, and
some fold compatibility characters (the full-width equals sign U+FF1D, say) to their plain
form before they look, so the test is made on the text after NFKC normalisation with leading
whitespace and invisible format characters removed. A cell that could start a formula gets a
leading apostrophe, which spreadsheet programs show as text and do not display.
"""

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n")


def _visible_start(text: str) -> str:
    """The text as a spreadsheet program may read its start: NFKC, without leading whitespace
    or format characters (zero-width spaces, byte order marks, direction marks)."""
    normalised = unicodedata.normalize("NFKC", text)
    index = 0
    while index < len(normalised) and (
        normalised[index].isspace() or unicodedata.category(normalised[index]) == "Cf"
    ):
        index += 1
    return normalised[index:]


def could_be_formula(text: str) -> bool:
    return text.startswith(CONTROL_STARTS) or _visible_start(text).startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """A text cell that cannot start a formula; numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value and could_be_formula(value):
        return "'" + value
    return value
