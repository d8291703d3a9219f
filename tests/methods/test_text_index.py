import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civiclab.methods.text import SimilarityIndex, term_counts, tfidf_vector
from civiclab.methods.text.tfidf import cosine

IDEAS = [
    (1, "Solar powered benches with USB charging in parks"),
    (2, "More recycling bins in the city centre"),
    (3, "Free covered bicycle parking near the railway station"),
    (4, "Translate council letters into the languages residents speak"),
    (5, "Plant trees along the high street for shade in summer"),
]


@pytest.fixture
def index():
    return SimilarityIndex(IDEAS)


def test_a_reworded_idea_finds_the_original_first(index):
    results = index.similar("Benches in the park where you can charge your phone with solar power")
    assert results[0][0] == 1
    assert 0.2 <= results[0][1] <= 1.0


def test_an_identical_text_scores_one(index):
    assert index.similar(IDEAS[2][1], limit=1) == [(3, pytest.approx(1.0))]


def test_a_text_sharing_no_term_finds_nothing_even_without_a_threshold(index):
    assert index.similar("Weekly yoga classes for pensioners", min_score=0.0) == []
    assert index.similar("", min_score=0.0) == []
    assert index.similar("the and of", min_score=0.0) == []


def test_results_are_best_first_and_respect_limit_and_min_score(index):
    results = index.similar("parking bins trees benches letters", limit=3, min_score=0.0)
    assert len(results) == 3
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert all(score >= 0.3 for _, score in index.similar("bins", limit=5, min_score=0.3))
    assert index.similar("bins", limit=0) == []


def test_equal_scores_keep_the_order_documents_were_added():
    index = SimilarityIndex([("b", "bench"), ("a", "bench"), ("c", "bench")])
    assert [doc_id for doc_id, _ in index.similar("bench")] == ["b", "a", "c"]


def test_exclude_leaves_out_the_idea_being_edited(index):
    assert 1 not in dict(index.similar(IDEAS[0][1], exclude=[1], min_score=0.0))


def test_similar_to_an_indexed_idea_leaves_the_idea_itself_out(index):
    index.add(6, "Charging points for phones on park benches")
    assert [doc_id for doc_id, _ in index.similar_to(6)] == [1]


def test_added_ideas_are_found_at_once_and_removed_ones_never_again():
    index = SimilarityIndex(IDEAS, refresh_ratio=None)
    index.add(6, "Heated bus shelters with live timetables")
    assert index.similar("bus shelter timetable")[0][0] == 6
    index.remove(6)
    assert index.similar("bus shelter timetable") == []
    assert 6 not in index
    assert len(index) == len(IDEAS)


def test_adding_an_existing_id_replaces_its_text(index):
    index.add(2, "Heated bus shelters")
    assert index.similar("recycling bins") == []
    assert index.similar("bus shelters")[0][0] == 2
    assert len(index) == len(IDEAS)


def test_a_repeated_id_when_building_keeps_the_last_text():
    index = SimilarityIndex([(1, "recycling bins"), (1, "bus shelters")])
    assert len(index) == 1
    assert index.similar("recycling") == []
    assert index.similar("shelters")[0][0] == 1


def test_removing_an_unknown_id_raises_and_discard_does_not(index):
    with pytest.raises(KeyError):
        index.remove(99)
    index.discard(99)
    assert len(index) == len(IDEAS)


def test_ids_must_survive_json():
    with pytest.raises(TypeError):
        SimilarityIndex().add(1.5, "bench")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SimilarityIndex().add(True, "bench")


def test_an_index_survives_a_round_trip_through_bytes_and_json(index):
    index.add("x-7", "Community fridges to share surplus food")
    index.remove(4)
    as_dict = json.loads(json.dumps(index.to_dict()))
    for copy in (SimilarityIndex.from_dict(as_dict), SimilarityIndex.from_bytes(index.to_bytes())):
        index.refresh()
        assert copy.ids() == index.ids()
        for query in ("share food", "benches", "parking station bins"):
            assert copy.similar(query, min_score=0.0) == index.similar(query, min_score=0.0)


def test_damaged_or_foreign_serialisations_are_refused_clearly(index):
    with pytest.raises(ValueError, match="malformed"):
        SimilarityIndex.from_bytes(b"not an index")
    with pytest.raises(ValueError, match="malformed"):
        SimilarityIndex.from_bytes(zlib.compress(b"[1, 2]"))
    data = index.to_dict()
    with pytest.raises(ValueError, match="tokenisation"):
        SimilarityIndex.from_dict({**data, "tokeniser": -1})
    with pytest.raises(ValueError, match="known version"):
        SimilarityIndex.from_dict({**data, "version": 99})
    with pytest.raises(ValueError, match="malformed"):
        SimilarityIndex.from_dict({**data, "documents": [[1, [999], [1]]]})
    with pytest.raises(ValueError, match="listed twice"):
        SimilarityIndex.from_dict({**data, "documents": [[1, [0], [1]], [1, [0], [1]]]})
    with pytest.raises(ValueError, match="count below one"):
        SimilarityIndex.from_dict({**data, "documents": [[1, [0], [0]]]})


# -- against a reference computation ---------------------------------------------------------

WORDS = ["bench", "park", "bus", "stop", "tree", "light", "bin", "school", "road", "solar"]
texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=8).map(" ".join)


def reference_scores(documents: dict[int, str], query: str) -> dict[int, float]:
    """Cosine of the query with every document, every vector built from scratch."""
    counts = {doc_id: term_counts(text) for doc_id, text in documents.items()}
    df: dict[str, int] = {}
    for doc_counts in counts.values():
        for term in doc_counts:
            df[term] = df.get(term, 0) + 1
    n = len(documents)
    q = tfidf_vector(term_counts(query), df, n)
    scores = {doc_id: cosine(q, tfidf_vector(c, df, n)) for doc_id, c in counts.items()}
    return {doc_id: score for doc_id, score in scores.items() if score > 0}


def assert_same_scores(index: SimilarityIndex, documents: dict[int, str], query: str) -> None:
    got = dict(index.similar(query, limit=len(documents) + 1, min_score=1e-9))
    expected = reference_scores(documents, query)
    assert got.keys() == expected.keys()
    for doc_id, score in expected.items():
        assert got[doc_id] == pytest.approx(min(score, 1.0), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=15), texts)
def test_scores_equal_a_from_scratch_tfidf_cosine(corpus, query):
    documents = dict(enumerate(corpus))
    assert_same_scores(SimilarityIndex(documents.items()), documents, query)


operations = st.lists(
    st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 12), texts), max_size=25
)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, max_size=10), operations, texts)
def test_after_any_adds_and_removes_a_refreshed_index_equals_a_fresh_build(corpus, changes, query):
    documents = dict(enumerate(corpus))
    index = SimilarityIndex(documents.items(), refresh_ratio=0.5)
    for action, doc_id, text in changes:
        if action == "add":
            index.add(doc_id, text)
            documents[doc_id] = text
        elif doc_id in documents:
            index.remove(doc_id)
            del documents[doc_id]
        # Between refreshes the scores may drift, but membership may not.
        assert set(index.ids()) == set(documents)
    index.refresh()
    assert_same_scores(index, documents, query)
