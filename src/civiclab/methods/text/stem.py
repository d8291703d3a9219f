"""A light English suffix stripper.

Written for this project rather than taken from a library: ideas are short texts, and all we
need is for "bench", "benches", "parking" and "parked" to meet. The rules are a small subset
in the spirit of step 1 of Porter (1980) "An algorithm for suffix stripping", Program 14(3):
plural endings, "-ing" and "-ed", then a final "-e", so that "charge", "charges", "charged"
and "charging" all become "charg". It never stems a word to fewer than three letters, and it
only strips "-ing"/"-ed" when what remains still contains a vowel ("bring", "red" survive).

Stems are index keys, not words; they are never shown to anyone.
"""

from functools import lru_cache

_VOWELS = frozenset("aeiouy")
# A doubled final consonant left behind by "-ing"/"-ed" is undone ("planning" -> "plan"),
# except for letters English doubles in the base word too ("fill", "pass", "buzz").
_UNDOUBLE_EXCEPT = frozenset("lsz")
_MIN_STEM = 3


@lru_cache(maxsize=100_000)  # vocabularies are small next to the texts: most words repeat
def stem(word: str) -> str:
    """Return the stem of a lower-case word."""
    if len(word) <= _MIN_STEM:
        return word
    word = _strip_plural(word)
    word = _strip_verb_ending(word)
    return _strip_final_e(word)


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"  # cities -> city
    if word.endswith("sses"):
        return word[:-2]  # classes -> class
    if word.endswith(("ss", "us", "is")):
        return word  # glass, bus, analysis are not plurals
    if word.endswith("s") and len(word) > _MIN_STEM:
        return word[:-1]
    return word


def _strip_verb_ending(word: str) -> str:
    if word.endswith("eed"):
        return word  # need, speed, agreed keep their "ee"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) >= _MIN_STEM and any(c in _VOWELS for c in base):
                return _undouble(base)
    return word


def _undouble(base: str) -> str:
    last = base[-1]
    if base[-2] == last and last not in _VOWELS and last not in _UNDOUBLE_EXCEPT:
        return base[:-1]
    return base


def _strip_final_e(word: str) -> str:
    if word.endswith("e") and not word.endswith("ee") and len(word) > _MIN_STEM:
        return word[:-1]
    return word
