import math

import pytest

from civiclab.methods.text import (
    cosine,
    l2_normalise,
    smooth_idf,
    stem,
    sublinear_tf,
    tfidf_vector,
    tokenise,
)


def test_tokens_are_lower_case_without_accents_or_compatibility_forms():
    full_width_park, fi_ligature = "\uff30\uff21\uff32\uff2b", "\ufb01"
    assert tokenise(f"Café {full_width_park} Naïve {fi_ligature}re") == tokenise(
        "cafe park naive fire"
    )


def test_stop_words_and_single_letters_are_dropped():
    assert tokenise("The bench is in a park, and x marks it") == ["bench", "park", "mark"]


def test_possessives_and_curly_apostrophes_are_dropped():
    assert tokenise("the city\u2019s buses") == tokenise("city bus")
    assert tokenise("Residents' don't") == ["resident"]


def test_words_that_carry_meaning_in_proposals_are_kept():
    words = ["free", "not", "new", "more", "against"]
    assert tokenise(" ".join(words)) == [stem(word) for word in words if word != "against"]


@pytest.mark.parametrize(
    "variants",
    [
        ("bench", "benches"),
        ("park", "parks", "parking", "parked"),
        ("charge", "charges", "charged", "charging"),
        ("city", "cities"),
        ("plan", "plans", "planning", "planned"),
        ("house", "houses", "housing"),
        ("tree", "trees"),
        ("class", "classes"),
    ],
)
def test_inflections_of_a_word_share_one_stem(variants):
    assert len({stem(word) for word in variants}) == 1


@pytest.mark.parametrize("word", ["bus", "glass", "analysis", "bring", "need", "speed", "red"])
def test_words_that_only_look_inflected_are_left_alone(word):
    assert stem(word) in {word, word.removesuffix("e")}
    assert stem(word) == word


def test_numbers_are_terms_too():
    assert tokenise("Route 66 bus") == [stem("route"), "66", "bus"]


def test_sublinear_tf_grows_with_the_logarithm_of_the_count():
    assert sublinear_tf(1) == 1.0
    assert sublinear_tf(10) == pytest.approx(1 + math.log(10))


def test_smooth_idf_is_one_for_a_term_in_every_document_and_finite_for_an_unseen_term():
    assert smooth_idf(100, 100) == 1.0
    assert smooth_idf(0, 100) == pytest.approx(math.log(101) + 1)
    assert smooth_idf(1, 100) > smooth_idf(50, 100)


def test_tfidf_vectors_have_unit_length_and_rare_terms_weigh_more():
    vector = tfidf_vector({"bench": 1, "park": 1}, {"bench": 2, "park": 90}, 100)
    assert math.fsum(w * w for w in vector.values()) == pytest.approx(1.0)
    assert vector["bench"] > vector["park"]


def test_cosine_of_a_vector_with_itself_is_one_and_of_disjoint_vectors_zero():
    a = l2_normalise({"bench": 3.0, "park": 4.0})
    assert cosine(a, a) == pytest.approx(1.0)
    assert cosine(a, {"bus": 1.0}) == 0.0
    assert l2_normalise({}) == {}
