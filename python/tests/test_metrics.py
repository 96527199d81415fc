"""Metrics against independent references: scikit-learn, python-Levenshtein, a numpy dynamic
program; dtype rules (lists, Series, int/float arrays, NA)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import emergent as em

sklearn_metrics = pytest.importorskip("sklearn.metrics")


def dp_levenshtein(a, b):
    prev = np.arange(len(b) + 1)
    for i, x in enumerate(a, 1):
        cur = np.empty_like(prev)
        cur[0] = i
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return int(prev[-1])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcé漢", max_size=40), st.text(alphabet="abcé漢", max_size=40))
def test_levenshtein_str_equals_dp(a, b):
    assert em.levenshtein_distance(a, b) == dp_levenshtein(a, b)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-3, 3), max_size=80), st.lists(st.integers(-3, 3), max_size=80),
       st.integers(0, 10))
def test_levenshtein_ints_cutoff(a, b, cutoff):
    d = dp_levenshtein(a, b)
    assert em.levenshtein_distance(a, b) == d
    assert em.levenshtein_distance(np.array(a, dtype=np.int32), np.array(b, dtype=np.int32)) == d
    assert em.levenshtein_distance(a, b, score_cutoff=cutoff) == min(d, cutoff + 1)


def test_levenshtein_tokens_bytes_and_python_levenshtein():
    Levenshtein = pytest.importorskip("Levenshtein")
    rng = np.random.default_rng(7)
    for _ in range(50):
        a = "".join(rng.choice(list("abcdxyz "), size=rng.integers(0, 90)))
        b = "".join(rng.choice(list("abcdxyz "), size=rng.integers(0, 90)))
        assert em.levenshtein_distance(a, b) == Levenshtein.distance(a, b)
        assert em.levenshtein_distance(a.encode(), b.encode()) == Levenshtein.distance(a, b)
        ta, tb = a.split(), b.split()
        assert em.levenshtein_distance(ta, tb) == dp_levenshtein(ta, tb)


def test_levenshtein_batch_forms_agree():
    rng = np.random.default_rng(3)
    a = [rng.integers(0, 50, size=rng.integers(0, 70)).astype(np.int32) for _ in range(300)]
    b = [rng.integers(0, 50, size=rng.integers(0, 70)).astype(np.int32) for _ in range(300)]
    want = np.array([dp_levenshtein(x.tolist(), y.tolist()) for x, y in zip(a, b)])
    for workers in (1, 2):
        np.testing.assert_array_equal(em.levenshtein_distance_batch(a, b, workers=workers), want)
    va, vb = np.concatenate(a), np.concatenate(b)
    oa = np.concatenate([[0], np.cumsum([len(x) for x in a])])
    ob = np.concatenate([[0], np.cumsum([len(x) for x in b])])
    np.testing.assert_array_equal(em.levenshtein_distance_arrow(va, oa, vb, ob, workers=2), want)
    np.testing.assert_array_equal(em.levenshtein_distance_batch(a, b, score_cutoff=5), np.minimum(want, 6))
    s1 = ["kitten", "flaw", ""] * 30
    s2 = ["sitting", "lawn", "abc"] * 30
    np.testing.assert_array_equal(em.levenshtein_distance_batch(s1, s2, workers=2), [3, 2, 3] * 30)


def test_levenshtein_errors():
    with pytest.raises(em.InputError):
        em.levenshtein_distance("abc", b"abc")
    with pytest.raises(em.InputError):
        em.levenshtein_distance_batch(["a"], ["a", "b"])
    with pytest.raises(em.InputError, match="offsets"):
        em.levenshtein_distance_arrow([1, 2], [0, 3], [1], [0, 1])


def test_exact_match_normalisers():
    assert em.exact_match("The Cat!", "cat", normalize="squad")
    assert not em.exact_match("The Cat!", "cat")
    assert em.exact_match("  1,234 ", "1234.0", normalize=["trim", "numeric_equivalence"])
    assert em.exact_match("answer: 42", "42", normalize=[("ignore_regex", "answer: ")])
    np.testing.assert_array_equal(em.exact_match(["a", "B"], ["A", "b"], normalize="case_fold"), [True, True])
    assert em.exact_match_rate(["a", "b"], ["a", "c"]) == 0.5
    with pytest.raises(em.InputError, match="normalize"):
        em.exact_match("a", "a", normalize="bogus")


def test_brier_and_log_loss_equal_sklearn():
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, size=5000)
    p = rng.uniform(0.001, 0.999, size=5000)
    w = rng.uniform(0, 2, size=5000)
    assert em.brier_score(y, p) == pytest.approx(sklearn_metrics.brier_score_loss(y, p), rel=1e-12)
    assert em.brier_score(y, p, sample_weight=w) == pytest.approx(
        sklearn_metrics.brier_score_loss(y, p, sample_weight=w), rel=1e-12)
    assert em.log_loss(y, p) == pytest.approx(sklearn_metrics.log_loss(y, p), rel=1e-12)
    assert em.log_loss(y, p, sample_weight=w) == pytest.approx(sklearn_metrics.log_loss(y, p, sample_weight=w), rel=1e-12)
    assert em.brier_score(y.astype(np.uint8), p.astype(np.float32)) == pytest.approx(
        sklearn_metrics.brier_score_loss(y, p.astype(np.float32)), rel=1e-6)
    assert em.brier_score(y.astype(bool), p) == pytest.approx(sklearn_metrics.brier_score_loss(y, p), rel=1e-12)


def test_multiclass_equal_sklearn():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(400, 4))
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = rng.integers(0, 4, size=400)
    assert em.cross_entropy(y, prob) == pytest.approx(sklearn_metrics.log_loss(y, prob, labels=range(4)), rel=1e-12)
    assert em.cross_entropy(y, log_prob=np.log(prob)) == pytest.approx(
        sklearn_metrics.log_loss(y, prob, labels=range(4)), rel=1e-12)
    onehot = np.eye(4)[y]
    assert em.brier_score(y, prob) == pytest.approx(np.mean(np.sum((prob - onehot) ** 2, axis=1)), rel=1e-12)
    assert em.brier_score(y, prob, convention="mean") == pytest.approx(np.mean((prob - onehot) ** 2), rel=1e-12)


def test_brier_reads_without_copy():
    p = np.random.default_rng(1).uniform(size=1000)
    y = (p > 0.5).astype(np.int8)
    from emergent._convert import as_float_array, as_int_array
    assert as_float_array(p, "p") is p or np.shares_memory(as_float_array(p, "p"), p)
    assert np.shares_memory(as_int_array(y, "y", keep_dtype=True), y)


def test_dtype_rules():
    pd = pytest.importorskip("pandas")
    # lists and Series are accepted
    assert em.brier_score([1, 0], [0.75, 0.25]) == 0.0625
    assert em.brier_score(pd.Series([1, 0]), pd.Series([0.75, 0.25])) == 0.0625
    # integral floats count as outcomes; others are rejected, not truncated
    assert em.brier_score(np.array([1.0, 0.0]), [0.75, 0.25]) == 0.0625
    with pytest.raises(em.InputError, match="not an integer"):
        em.brier_score(np.array([1.0, 0.5]), [0.75, 0.25])
    # pandas NA names the column
    with pytest.raises(em.InputError, match="column 'correct'"):
        em.brier_score(pd.Series([1, None], dtype="Int64", name="correct"), [0.5, 0.5])
    with pytest.raises(em.InputError, match="column 'p'"):
        em.brier_score([1, 0], pd.Series([0.5, None], dtype="Float64", name="p"))
    with pytest.raises(em.InputError, match="column 'prediction'"):
        em.exact_match(pd.Series(["a", None], name="prediction"), ["a", "b"])
    # NaN probability is an error naming the index, never a NaN result
    with pytest.raises(em.InputError, match=r"\[1\]"):
        em.brier_score([1, 0], [0.5, np.nan])
    with pytest.raises(em.InputError):
        em.wilson_interval(2.5, 10)
    assert em.wilson_interval(2.0, 10.0) == em.wilson_interval(2, 10)
    with pytest.raises(em.InputError):
        em.brier_score(np.array(["a", "b"]), [0.5, 0.5])


def test_k_of_k_pass_at_k():
    assert em.k_of_k(0.9, 5) == pytest.approx(0.9 ** 5, rel=1e-15)
    np.testing.assert_allclose(em.k_of_k(np.array([0.5, 0.9]), 3), [0.125, 0.729], rtol=1e-15)
    from math import comb
    for n, c, k in [(10, 3, 1), (20, 5, 4), (100, 1, 10)]:
        assert em.pass_at_k(n, c, k) == pytest.approx(1 - comb(n - c, k) / comb(n, k), rel=1e-12)
    with pytest.raises(em.InputError):
        em.pass_at_k(5, 6, 1)


def test_multiple_choice():
    ll = np.array([[-1.0, -2.0], [-5.0, -6.0], [-3.0, -1.0]])
    assert em.multiple_choice_accuracy(ll, [0, 1, 1]) == pytest.approx(2 / 3)
    lengths = np.array([[1.0, 1.0], [10.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(em.multiple_choice_accuracy(ll, [0, 1, 1], lengths=lengths, per_example=True),
                                  [1.0, 0.0, 1.0])
