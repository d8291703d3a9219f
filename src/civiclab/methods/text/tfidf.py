"""TF-IDF weighting with sublinear term frequency and l2 normalisation.

Formulas, from Manning, Raghavan and Schütze (2008) *Introduction to Information Retrieval*,
Cambridge University Press, chapter 6:

- sublinear tf (section 6.4.1): ``wf(t, d) = 1 + ln tf(t, d)`` for ``tf > 0``, so the tenth
  mention of "bench" adds far less than the first;
- inverse document frequency (section 6.2.1), in the smoothed form
  ``idf(t) = ln((1 + N) / (1 + df(t))) + 1``: the "+1" inside keeps a term found in no
  document finite, the "+1" outside keeps a term found in every document from vanishing;
- cosine similarity of l2-normalised vectors (section 6.3.1): ``cos(q, d) = q·d`` once both
  vectors have length one.
"""

import math
from collections.abc import Mapping


def sublinear_tf(count: int) -> float:
    """Sublinear term-frequency weight of a term seen `count` (>= 1) times."""
    return 1.0 + math.log(count)


def smooth_idf(document_frequency: int, documents: int) -> float:
    """Smoothed IDF of a term found in `document_frequency` of `documents` documents."""
    return math.log((1 + documents) / (1 + document_frequency)) + 1.0


def l2_normalise(weights: Mapping[str, float]) -> dict[str, float]:
    """Scale a sparse vector to unit length; the zero vector stays empty."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm == 0.0:
        return {}
    return {term: w / norm for term, w in weights.items()}


def tfidf_vector(
    counts: Mapping[str, int], document_frequency: Mapping[str, int], documents: int
) -> dict[str, float]:
    """The l2-normalised sublinear TF-IDF vector of one text's term counts."""
    raw = {
        term: sublinear_tf(count) * smooth_idf(document_frequency.get(term, 0), documents)
        for term, count in counts.items()
        if count > 0
    }
    return l2_normalise(raw)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two l2-normalised sparse vectors (their cosine similarity)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())
