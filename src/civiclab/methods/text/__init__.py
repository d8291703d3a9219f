"""Text methods: tokenisation, TF-IDF and a similarity index for duplicate suggestions."""

from .index import DocId, SimilarityIndex
from .stem import stem
from .tfidf import cosine, l2_normalise, smooth_idf, sublinear_tf, tfidf_vector
from .tokenise import TOKENISER_VERSION, normalise, term_counts, tokenise, words

__all__ = [
    "TOKENISER_VERSION",
    "DocId",
    "SimilarityIndex",
    "cosine",
    "l2_normalise",
    "normalise",
    "smooth_idf",
    "stem",
    "sublinear_tf",
    "term_counts",
    "tfidf_vector",
    "tokenise",
    "words",
]
