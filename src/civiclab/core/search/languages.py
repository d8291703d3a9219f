"""Languages search understands: which stemmer and which PostgreSQL configuration each uses.

Words are matched by their stems, so "gardens" finds "garden" and "Fahrräder" finds
"Fahrrad". Stems come from the Snowball stemmers (the `snowballstemmer` package, the
reference implementations by Martin Porter and others, in pure Python), except on
PostgreSQL for the languages it stems itself (its `english`, `german`, `french`, `spanish`
and `dutch` text search configurations are Snowball too, with stop words). PostgreSQL has no
Polish configuration, so Polish text is stemmed here and indexed with `simple`.

An organisation has no language of its own yet: its country decides (`language_for_country`),
and an unknown country is searched in English. When organisations get a language field, only
`language_for_country`'s caller changes.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    code: str
    snowball: str
    # The PostgreSQL text search configuration, or "" where PostgreSQL has none: the text is
    # then stemmed here and indexed with `simple`.
    postgres: str

    @property
    def postgres_config(self) -> str:
        return self.postgres or "simple"


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "english", "english"),
        Language("de", "german", "german"),
        Language("fr", "french", "french"),
        Language("es", "spanish", "spanish"),
        Language("nl", "dutch", "dutch"),
        Language("pl", "polish", ""),
    )
}

# Countries whose public bodies mostly write in one of the languages above. Belgium is
# searched in Dutch (most of its people), Switzerland in German, Luxembourg in French.
_COUNTRY_LANGUAGES = {
    "de": "DE AT CH LI",
    "fr": "FR LU MC",
    "es": "ES MX AR CL CO PE VE EC GT CU BO DO HN PY SV NI CR PA UY",
    "nl": "NL BE SR",
    "pl": "PL",
}
COUNTRY_LANGUAGE = {
    country: code for code, countries in _COUNTRY_LANGUAGES.items() for country in countries.split()
}

_WORD = re.compile(r"[^\W_]+")


def language(code: str) -> Language:
    return LANGUAGES.get(code) or LANGUAGES[DEFAULT_LANGUAGE]


def language_for_country(country: object) -> str:
    """The language an organisation in `country` (a code or django-countries value) writes."""
    return COUNTRY_LANGUAGE.get(str(country or "").upper(), DEFAULT_LANGUAGE)


@cache
def _stemmer(name: str) -> "snowballstemmer.BaseStemmer":
    # One stemmer per language and process: they keep no state between words but a
    # small word cache of their own, and building one reads no data (pure code).
    return snowballstemmer.stemmer(name)


def words(text: str) -> list[str]:
    """The words of a text, lower case, in order (runs of letters and digits)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())


@lru_cache(maxsize=50_000)
def stem(word: str, snowball: str) -> str:
    """One word's stem. Bounded memo: texts repeat their words, and the pure-Python stemmer
    costs microseconds a word; at most 50,000 entries (a few MiB), whatever the corpus."""
    return _stemmer(snowball).stemWord(word)


def stems(text: str, code: str) -> list[str]:
    """The Snowball stems of a text's words in `code`'s language, in order."""
    snowball = language(code).snowball
    return [stem(word, snowball) for word in words(text)]


def stemmed_text(text: str, code: str) -> str:
    """A text as its stems, space separated: what the index holds where it does not stem."""
    return " ".join(stems(text, code))
