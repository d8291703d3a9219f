"""An incremental TF-IDF similarity index over an inverted index.

Each document is kept as its term counts; each term keeps a posting list of the documents that
contain it with the document's l2-normalised TF-IDF weight for that term (see `tfidf`). A query
is weighted the same way and scored by cosine similarity, accumulating only over the posting
lists of its own terms: a query touches only documents that share a term with it
(Manning, Raghavan and Schütze 2008, *Introduction to Information Retrieval*, section 7.1,
"term-at-a-time" scoring).

Incremental updates and IDF. Every added or removed document changes N and some document
frequencies, and so, strictly, every stored weight. Rewriting all weights on each change would
make `add` cost as much as a rebuild, so the index keeps a snapshot of the IDF values and
rewrites the weights in `refresh()`. New documents are weighted with the snapshot (a term never
seen before gets the IDF of a term with document frequency zero at snapshot time); removed
documents leave their posting lists at once. `refresh()` runs by itself once the number of
additions and removals since the last one exceeds `refresh_ratio` times the size of the index
at that time (10% by default). Between refreshes scores can differ slightly from those of an
index built from scratch: growing the collection by 10% moves every IDF by at most about
ln(1.1) ~ 0.1, evenly for documents like the ones already there. Right after `refresh()`, and
right after building or loading, scores equal a fresh build's exactly.
"""

from __future__ import annotations

import json
import math
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from itertools import pairwise
from typing import Any, TypeAlias

import numpy as np

from .tfidf import smooth_idf, sublinear_tf
from .tokenise import TOKENISER_VERSION, term_counts

DocId: TypeAlias = int | str

FORMAT = "civiclab.similarity-index"
FORMAT_VERSION = 1


class SimilarityIndex:
    """Find the documents most similar to a text, by TF-IDF cosine similarity.

    Build it once from ``(id, text)`` pairs, keep it up to date with `add` and `remove`, and
    ask `similar(text)`. Ids are ints or strings (they must survive a JSON round trip).

    Not safe for writes concurrent with reads or other writes: share one index between
    threads only behind a lock, or give each worker process its own copy (`from_bytes`).
    """

    _vocabulary: dict[str, int]
    _terms: list[str]
    _df: list[int]
    _idf: list[float]
    _posting_slots: list[array[int]]
    _posting_weights: list[array[float]]
    _slot_of: dict[DocId, int]
    _ids: list[DocId | None]
    _doc_terms: list[array[int] | None]
    _doc_counts: list[array[int] | None]

    def __init__(
        self, documents: Iterable[tuple[DocId, str]] = (), *, refresh_ratio: float | None = 0.1
    ) -> None:
        if refresh_ratio is not None and refresh_ratio < 0:
            raise ValueError("refresh_ratio must be zero or more, or None to refresh manually")
        self.refresh_ratio = refresh_ratio
        self._size_at_refresh = 0
        self._changes_since_refresh = 0
        self._clear()
        for doc_id, text in documents:
            _check_id(doc_id)
            if doc_id in self._slot_of:
                self._forget(doc_id)
            self._store(doc_id, term_counts(text))
        self.refresh()

    # -- size and membership ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot_of

    def ids(self) -> list[DocId]:
        """The ids of all documents, in the order they were added."""
        return [doc_id for doc_id in self._ids if doc_id is not None]

    # -- updates ----------------------------------------------------------------------------

    def add(self, doc_id: DocId, text: str) -> None:
        """Add a document, or replace the text of one already in the index."""
        _check_id(doc_id)
        if doc_id in self._slot_of:
            self._forget(doc_id)
        slot = self._store(doc_id, term_counts(text))
        self._post(slot)
        self._note_change()

    def remove(self, doc_id: DocId) -> None:
        """Remove a document; raises KeyError if it is not in the index."""
        if doc_id not in self._slot_of:
            raise KeyError(doc_id)
        self._forget(doc_id)
        self._note_change()

    def discard(self, doc_id: DocId) -> None:
        """Remove a document if it is in the index."""
        if doc_id in self._slot_of:
            self.remove(doc_id)

    def refresh(self) -> None:
        """Recompute IDF and every weight from the current documents, compacting storage."""
        if len(self._slot_of) < len(self._ids) or 0 in self._df:
            self._compact()
        size = len(self._ids)
        self._idf = [smooth_idf(df, size) for df in self._df]
        self._rebuild_postings()
        self._size_at_refresh = size
        self._changes_since_refresh = 0

    def _rebuild_postings(self) -> None:
        """Weight every (document, term) pair at once and regroup them by term.

        The same arithmetic as `_post`, vectorised: a refresh touches every posting.
        """
        size = len(self._ids)
        stored_terms = [t for t in self._doc_terms if t is not None]
        stored_counts = [c for c in self._doc_counts if c is not None]
        lengths = np.fromiter((len(t) for t in stored_terms), dtype=np.int64, count=size)
        terms = np.frombuffer(b"".join(stored_terms), dtype=np.intc).astype(np.int64)
        counts = np.frombuffer(b"".join(stored_counts), dtype=np.intc)
        slots = np.repeat(np.arange(size, dtype=np.int64), lengths)
        weights = (1.0 + np.log(counts)) * np.asarray(self._idf)[terms]
        norms = np.sqrt(np.bincount(slots, weights=weights * weights, minlength=size))
        weights = weights / norms[slots]
        # A stable sort by term keeps each term's postings in slot order.
        order = np.argsort(terms, kind="stable")
        terms, slots, weights = terms[order], slots[order], weights[order]
        bounds = np.searchsorted(terms, np.arange(len(self._terms) + 1)).tolist()
        self._posting_slots = [
            array("q", slots[start:end].tobytes()) for start, end in pairwise(bounds)
        ]
        self._posting_weights = [
            array("d", weights[start:end].tobytes()) for start, end in pairwise(bounds)
        ]

    def _compact(self) -> None:
        """Drop the slots of removed documents and the terms no document uses any more."""
        live = self._snapshot([slot for slot, doc_id in enumerate(self._ids) if doc_id is not None])
        old_terms = self._terms
        self._clear()
        for doc_id, terms, counts in live:
            self._store(doc_id, _counts(old_terms, terms, counts))

    # -- queries ----------------------------------------------------------------------------

    def similar(
        self,
        text: str,
        limit: int = 5,
        min_score: float = 0.2,
        *,
        exclude: Collection[DocId] = (),
    ) -> list[tuple[DocId, float]]:
        """The `limit` documents most similar to `text` with cosine at least `min_score`.

        Results are ``(id, score)`` pairs, best first; equal scores keep the order in which the
        documents were added. Words of `text` that no document contains still count towards
        its length, so a text with much that is new scores lower against everything.
        """
        return self._rank(self._query_weights(term_counts(text)), limit, min_score, exclude)

    def similar_to(
        self, doc_id: DocId, limit: int = 5, min_score: float = 0.2
    ) -> list[tuple[DocId, float]]:
        """The documents most similar to one already in the index, itself excluded."""
        slot = self._slot_of[doc_id]
        terms, counts = self._doc_terms[slot], self._doc_counts[slot]
        assert terms is not None and counts is not None
        query = _counts(self._terms, terms, counts)
        return self._rank(self._query_weights(query), limit, min_score, (doc_id,))

    # -- serialisation ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict holding every document's term counts."""
        live = [slot for slot, doc_id in enumerate(self._ids) if doc_id is not None]
        used: dict[int, int] = {}
        documents = []
        for doc_id, terms, counts in self._snapshot(live):
            renumbered = [used.setdefault(t, len(used)) for t in terms]
            documents.append([doc_id, renumbered, list(counts)])
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "tokeniser": TOKENISER_VERSION,
            "refresh_ratio": self.refresh_ratio,
            "terms": [self._terms[t] for t in used],
            "documents": documents,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SimilarityIndex:
        """Rebuild an index from `to_dict` output; raises ValueError if it does not fit."""
        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise ValueError("not a serialised similarity index of a known version")
        if data.get("tokeniser") != TOKENISER_VERSION:
            raise ValueError("the index was built with other tokenisation rules; rebuild it")
        try:
            terms = [str(term) for term in data["terms"]]
            index = cls(refresh_ratio=data["refresh_ratio"])
            index._load_vocabulary(terms)
            for doc_id, term_numbers, counts in data["documents"]:
                index._load_document(doc_id, term_numbers, counts)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise ValueError(f"malformed similarity index: {error}") from error
        index.refresh()
        return index

    def to_bytes(self) -> bytes:
        """Compact bytes (zlib-compressed JSON) for a cache."""
        text = json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)
        return zlib.compress(text.encode(), level=1)

    @classmethod
    def from_bytes(cls, blob: bytes) -> SimilarityIndex:
        """Rebuild an index from `to_bytes` output; raises ValueError if it does not fit."""
        try:
            data = json.loads(zlib.decompress(blob))
        except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"malformed similarity index: {error}") from error
        if not isinstance(data, dict):
            raise ValueError("malformed similarity index: not an object")
        return cls.from_dict(data)

    # -- internals --------------------------------------------------------------------------

    def _clear(self) -> None:
        # Vocabulary: term -> term number, and per term number its text, document frequency,
        # IDF at the last refresh and posting list (document slots ascending, weights).
        self._vocabulary = {}
        self._terms = []
        self._df = []
        self._idf = []
        self._posting_slots = []
        self._posting_weights = []
        # Documents: id -> slot, and per slot its id, term numbers and counts (None once removed).
        self._slot_of = {}
        self._ids = []
        self._doc_terms = []
        self._doc_counts = []

    def _store(self, doc_id: DocId, counts: Mapping[str, int]) -> int:
        """Record a document's terms and document frequencies; posting lists are left alone."""
        slot = len(self._ids)
        term_numbers = array("i")
        term_counts_ = array("i")
        for term, count in counts.items():
            if count < 1:
                raise ValueError("term counts must be positive")
            number = self._vocabulary.get(term)
            if number is None:
                number = self._new_term(term)
            self._df[number] += 1
            term_numbers.append(number)
            term_counts_.append(count)
        self._slot_of[doc_id] = slot
        self._ids.append(doc_id)
        self._doc_terms.append(term_numbers)
        self._doc_counts.append(term_counts_)
        return slot

    def _load_vocabulary(self, terms: list[str]) -> None:
        for term in terms:
            if term in self._vocabulary:
                raise ValueError(f"term {term!r} listed twice")
            self._new_term(term)

    def _load_document(self, doc_id: DocId, term_numbers: list[int], counts: list[int]) -> None:
        """Store a serialised document whose term numbers index the loaded vocabulary."""
        _check_id(doc_id)
        if doc_id in self._slot_of:
            raise ValueError(f"document {doc_id!r} listed twice")
        numbers = array("i", term_numbers)
        how_often = array("i", counts)
        vocabulary_size = len(self._terms)
        if len(numbers) != len(how_often) or len(set(numbers)) != len(numbers):
            raise ValueError(f"document {doc_id!r} has inconsistent terms")
        if numbers and (min(numbers) < 0 or max(numbers) >= vocabulary_size):
            raise IndexError(f"document {doc_id!r} names a term outside the vocabulary")
        if how_often and min(how_often) < 1:
            raise ValueError(f"document {doc_id!r} has a term count below one")
        for number in numbers:
            self._df[number] += 1
        self._slot_of[doc_id] = len(self._ids)
        self._ids.append(doc_id)
        self._doc_terms.append(numbers)
        self._doc_counts.append(how_often)

    def _new_term(self, term: str) -> int:
        number = len(self._terms)
        self._vocabulary[term] = number
        self._terms.append(term)
        self._df.append(0)
        # A term first seen after the last refresh is weighted as unseen at that time.
        self._idf.append(smooth_idf(0, self._size_at_refresh))
        self._posting_slots.append(array("q"))
        self._posting_weights.append(array("d"))
        return number

    def _post(self, slot: int) -> None:
        """Append a stored document to the posting lists of its terms, with its weights."""
        terms, counts = self._doc_terms[slot], self._doc_counts[slot]
        assert terms is not None and counts is not None
        idf = self._idf
        weights = [sublinear_tf(c) * idf[t] for t, c in zip(terms, counts, strict=True)]
        norm = math.sqrt(sum(w * w for w in weights))
        for t, w in zip(terms, weights, strict=True):
            self._posting_slots[t].append(slot)
            self._posting_weights[t].append(w / norm)

    def _forget(self, doc_id: DocId) -> None:
        slot = self._slot_of.pop(doc_id)
        terms = self._doc_terms[slot]
        assert terms is not None
        for t in terms:
            self._df[t] -= 1
            slots = self._posting_slots[t]
            # Posting lists are in slot order: find the entry by bisection. Right after
            # construction a document is stored but not yet posted, so it may be absent.
            position = bisect_left(slots, slot)
            if position < len(slots) and slots[position] == slot:
                del slots[position]
                del self._posting_weights[t][position]
        self._ids[slot] = None
        self._doc_terms[slot] = None
        self._doc_counts[slot] = None

    def _note_change(self) -> None:
        self._changes_since_refresh += 1
        if (
            self.refresh_ratio is not None
            and self._changes_since_refresh > self.refresh_ratio * self._size_at_refresh
        ):
            self.refresh()

    def _snapshot(self, slots: list[int]) -> list[tuple[DocId, array[int], array[int]]]:
        result = []
        for slot in slots:
            doc_id, terms, counts = self._ids[slot], self._doc_terms[slot], self._doc_counts[slot]
            assert doc_id is not None and terms is not None and counts is not None
            result.append((doc_id, terms, counts))
        return result

    def _query_weights(self, counts: Mapping[str, int]) -> list[tuple[int, float]]:
        """The query's l2-normalised weights for the terms the index knows."""
        unseen_idf = smooth_idf(0, self._size_at_refresh)
        known: list[tuple[int, float]] = []
        squared_length = 0.0
        for term, count in counts.items():
            number = self._vocabulary.get(term)
            idf = unseen_idf if number is None else self._idf[number]
            weight = sublinear_tf(count) * idf
            squared_length += weight * weight
            if number is not None and self._df[number] > 0:
                known.append((number, weight))
        if squared_length == 0.0:
            return []
        length = math.sqrt(squared_length)
        return [(number, weight / length) for number, weight in known]

    def _rank(
        self,
        query: list[tuple[int, float]],
        limit: int,
        min_score: float,
        exclude: Collection[DocId],
    ) -> list[tuple[DocId, float]]:
        if limit <= 0 or not query:
            return []
        # Term-at-a-time accumulation, vectorised: gather the posting lists of the query's
        # terms and add each posting's contribution into a score per slot.
        slots = np.concatenate(
            [np.frombuffer(self._posting_slots[number], dtype=np.int64) for number, _ in query]
        )
        contributions = np.concatenate(
            [
                np.frombuffer(self._posting_weights[number], dtype=np.float64) * query_weight
                for number, query_weight in query
            ]
        )
        scores = np.bincount(slots, weights=contributions, minlength=len(self._ids))
        for doc_id in exclude:
            excluded = self._slot_of.get(doc_id)
            if excluded is not None:
                scores[excluded] = 0.0
        # A tiny tolerance so that rounding never drops a document scoring exactly min_score;
        # documents sharing no term score 0 and are never returned.
        threshold = max(min_score - 1e-12, np.finfo(np.float64).tiny)
        candidates = np.flatnonzero(scores >= threshold)
        if len(candidates) > limit:
            # Keep everything tied with the limit-th best so the tie-break below is exact.
            kth = np.partition(scores[candidates], len(candidates) - limit)[len(candidates) - limit]
            candidates = candidates[scores[candidates] >= kth]
        order = np.lexsort((candidates, -scores[candidates]))[:limit]
        ids = self._ids
        return [
            (_known(ids[int(slot)]), min(float(scores[slot]), 1.0)) for slot in candidates[order]
        ]


def _known(doc_id: DocId | None) -> DocId:
    assert doc_id is not None
    return doc_id


def _counts(terms: list[str], numbers: Iterable[int], counts: Iterable[int]) -> Counter[str]:
    return Counter(dict(zip((terms[t] for t in numbers), counts, strict=True)))


def _check_id(doc_id: object) -> None:
    if isinstance(doc_id, bool) or not isinstance(doc_id, int | str):
        raise TypeError(f"document ids must be ints or strings, not {type(doc_id).__name__}")
