"""Turn English text into index terms.

Steps, in order: Unicode compatibility normalisation (NFKC, so full-width letters and
ligatures become plain letters), case folding, removal of accents (NFKD then dropping
combining marks, so "café" and "cafe" meet), splitting into runs of letters and digits,
dropping possessive "'s" and other apostrophes, dropping one-character tokens and stop words,
then light stemming (see `stem`).
"""

import re
import unicodedata
from collections import Counter

from .stem import stem
from .stopwords import STOP_WORDS

# Bumped whenever the terms produced for a text change, so a serialised index built with
# older rules is rejected instead of silently mismatching new queries.
TOKENISER_VERSION = 1

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normalise(text: str) -> str:
    """Fold case and compatibility forms and strip accents."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    if folded.isascii():
        return folded  # nothing to decompose, the common case
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Split normalised text into words, possessives and apostrophes removed."""
    result = []
    for match in _WORD.findall(normalise(text)):
        word = match.removesuffix("'s").replace("'", "")
        if len(word) > 1:
            result.append(word)
    return result


def tokenise(text: str) -> list[str]:
    """Return the index terms of a text, in order, stop words removed and stemmed."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def term_counts(text: str) -> Counter[str]:
    """Return how often each term occurs in a text."""
    return Counter(tokenise(text))
