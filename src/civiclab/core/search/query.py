"""Reading the search index: ranked hits from the database's own full-text search.

One function, `ranked_hits`, with a backend per database vendor. Both answer the same
question: the documents of the given kinds (and scopes) matching the text, best first, at
most `limit`. Who may see which hit is decided afterwards by the kind's registration, in one
query per kind, so permissions stay with the apps' own rules.

- SQLite: FTS5 `MATCH` over the stemmed text, filtered by the filter tokens
  (`index.filter_tokens`) in the same expression, ranked by `bm25()` with the title weighted
  four times the body.
- PostgreSQL: `search_vector @@ query` on the GIN index, the query built in each language's
  configuration (`plainto_tsquery`, or `to_tsquery` with `|` for "any of these words"),
  ranked by `ts_rank` (title weight A, body B).

`any_term=False` (search) needs every word; `any_term=True` (similar ideas) any of them.
Nothing is built or cached in the process: each call is one SQL statement.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from civiclab.methods.text.stopwords import STOP_WORDS

from . import languages
from .index import kind_token

MAX_TERMS = 24
FTS = "core_searchdocument_fts"
SQLITE_SEARCH = """
    SELECT d.kind, d.object_id, hit.score
    FROM (SELECT rowid, bm25(core_searchdocument_fts, 4.0, 1.0, 0.0) AS score
          FROM core_searchdocument_fts WHERE core_searchdocument_fts MATCH %s
          ORDER BY score LIMIT %s) AS hit
    JOIN core_searchdocument AS d ON d.id = hit.rowid
    ORDER BY hit.score, d.id DESC"""


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    score: float  # higher is better, comparable within one call only


def query_terms(text: str, code: str, *, significant: bool = False) -> list[str]:
    """The distinct stems of `text` in `code`'s language, in order; `significant` leaves out
    English stop words and words of fewer than three letters (for "any of these words")."""
    words = languages.words(text)
    if significant:
        words = [word for word in words if len(word) >= 3 and word not in STOP_WORDS]
    snowball = languages.language(code).snowball
    stems = dict.fromkeys(languages.stem(word, snowball) for word in words)
    return list(stems)[:MAX_TERMS]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite(
    *,
    text: str,
    kinds: Sequence[str],
    codes: Sequence[str],
    scope_ids: Sequence[int],
    limit: int,
    any_term: bool,
    common_share: float,
) -> list[Hit]:
    groups = []
    with connection.cursor() as cursor:
        for code in codes:
            terms = query_terms(text, code, significant=any_term)
            if any_term and terms and common_share < 1:
                terms = _without_common(cursor, terms, common_share)
            if not terms:
                continue
            joined = (" OR " if any_term else " AND ").join(_quote(t) for t in terms)
            groups.append(f'(filters : "l{code}" AND {{title body}} : ({joined}))')
        if not groups:
            return []
        expression = "filters : (" + " OR ".join(_quote(kind_token(k)) for k in kinds) + ")"
        if scope_ids:
            scopes = " OR ".join(_quote(f"s{scope}") for scope in scope_ids)
            expression += f" AND filters : ({scopes})"
        expression += " AND (" + " OR ".join(groups) + ")"
        # The user's words travel inside the MATCH expression, itself a parameter.
        cursor.execute(SQLITE_SEARCH, [expression, limit])
        # bm25() is lower for better matches.
        return [Hit(kind, object_id, -score) for kind, object_id, score in cursor.fetchall()]


def _without_common(cursor: CursorWrapper, terms: list[str], share: float) -> list[str]:
    """Leave out terms in more than `share` of all documents: they match nearly everything
    and say little (the stop words of every language, learnt from the texts themselves)."""
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_searchdocument")
    total = cursor.fetchone()[0]
    if total < 50:
        return terms
    # One equality per term: fts5vocab seeks to a term it is given with `=`, but walks the
    # whole vocabulary for `IN` (24 ms against 1.5 ms for five terms at 100,000 documents).
    one = f"SELECT term, doc FROM {FTS}_vocab WHERE term = %s"  # noqa: S608 (a fixed name)
    cursor.execute(" UNION ALL ".join([one] * len(terms)), terms)
    counts = dict(cursor.fetchall())
    return [term for term in terms if counts.get(term, 0) <= share * total]


POSTGRES_SIGNIFICANT = """
    SELECT lexeme FROM unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s))) AS lexeme
    WHERE length(lexeme) >= 3 AND lexeme NOT IN (
        SELECT common.lexeme
        FROM pg_stats AS stats,
             unnest(stats.most_common_elems::text::text[], stats.most_common_elem_freqs)
                 AS common(lexeme, share)
        WHERE stats.tablename = 'core_searchdocument' AND stats.attname = 'search_vector'
          AND common.lexeme IS NOT NULL AND common.share > %s)
    LIMIT %s"""


def _postgres_significant_lexemes(config: str, text: str, share: float) -> list[str]:
    """The draft's lexemes in `config` (stop words dropped by the configuration), less those
    in more than `share` of the documents by the planner's statistics of the column (its
    most common elements, gathered by ANALYZE): one query, no scan of the documents. (The
    frequencies array is three longer than the elements: those rows have no lexeme and are
    left out, or `NOT IN` would match nothing.)"""
    with connection.cursor() as cursor:
        cursor.execute(POSTGRES_SIGNIFICANT, [config, text, share, MAX_TERMS])
        return [lexeme for (lexeme,) in cursor.fetchall() if lexeme.isalnum()]


def _postgres(
    *,
    text: str,
    kinds: Sequence[str],
    codes: Sequence[str],
    scope_ids: Sequence[int],
    limit: int,
    any_term: bool,
    common_share: float,
) -> list[Hit]:
    matches, ranks, params_match, params_rank = [], [], [], []
    for code in codes:
        language = languages.language(code)
        config = language.postgres_config
        if language.postgres and not any_term:
            query, value = f"plainto_tsquery('{config}', %s)", text
        elif any_term:
            draft = (
                text if language.postgres else " ".join(query_terms(text, code, significant=True))
            )
            lexemes = _postgres_significant_lexemes(config, draft, common_share)
            if not lexemes:
                continue
            # Lexemes are normalised already: `simple` keeps them as they are.
            query, value = "to_tsquery('simple', %s)", " | ".join(lexemes)
        else:
            terms = query_terms(text, code)
            if not terms:
                continue
            query, value = f"to_tsquery('{config}', %s)", " & ".join(terms)
        matches.append(f"(config = '{config}' AND search_vector @@ {query})")
        params_match.append(value)
        ranks.append(f"WHEN '{config}' THEN ts_rank(search_vector, {query})")
        params_rank.append(value)
    if not matches:
        return []
    sql = f"""SELECT kind, object_id, CASE config {" ".join(ranks)} ELSE 0 END AS score
              FROM core_searchdocument
              WHERE kind = ANY(%s) {"AND scope_id = ANY(%s)" if scope_ids else ""}
                AND ({" OR ".join(matches)})
              ORDER BY score DESC, id DESC LIMIT %s"""  # noqa: S608 (configurations are ours)
    params: list[Any] = [*params_rank, list(kinds)]
    if scope_ids:
        params.append(list(scope_ids))
    params += [*params_match, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Hit(kind, object_id, float(score)) for kind, object_id, score in cursor.fetchall()]


def ranked_hits(
    *,
    text: str,
    kinds: Iterable[str],
    languages_: Iterable[str] = (),
    scope_ids: Iterable[int] = (),
    limit: int = 500,
    any_term: bool = False,
    common_share: float = 0.01,
) -> list[Hit]:
    """The documents of `kinds` (within `scope_ids`, if given) matching `text`, best first.

    `languages_` are the language codes to read the text in (every known language when
    empty: a site-wide search across organisations writing in different languages).
    """
    text = (text or "").strip()
    kinds = list(kinds)
    if not text or not kinds or limit <= 0:
        return []
    codes = list(dict.fromkeys(languages_)) or list(languages.LANGUAGES)
    codes = [languages.language(code).code for code in codes]
    backend = _postgres if connection.vendor == "postgresql" else _sqlite
    return backend(
        text=text,
        kinds=kinds,
        codes=list(dict.fromkeys(codes)),
        scope_ids=list(scope_ids),
        limit=limit,
        any_term=any_term,
        common_share=common_share,
    )
