"""Intervals against SciPy (beta quantiles) and the closed-form Wilson interval; accumulators merge
and pickle; bootstrap is deterministic."""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import emergent as em

stats = pytest.importorskip("scipy.stats")


def wilson_ref(k, n, level):
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, center - half) if k else 0.0, min(1.0, center + half) if k < n else 1.0


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.data(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_intervals_equal_scipy(n, data, level):
    k = data.draw(st.integers(0, n))
    lo, hi = wilson_ref(k, n, level)
    w = em.wilson_interval(k, n, level=level)
    assert w.lower == pytest.approx(lo, abs=1e-12) and w.upper == pytest.approx(hi, abs=1e-12)
    a = 1 - level
    cp = em.clopper_pearson_interval(k, n, level=level)
    assert cp.lower == pytest.approx(stats.beta.ppf(a / 2, k, n - k + 1) if k else 0.0, rel=1e-9, abs=1e-14)
    assert cp.upper == pytest.approx(stats.beta.isf(a / 2, k + 1, n - k) if k < n else 1.0, rel=1e-9, abs=1e-14)
    j = em.jeffreys_interval(k, n, level=level)
    assert j.lower == pytest.approx(stats.beta.ppf(a / 2, k + 0.5, n - k + 0.5) if k else 0.0, rel=1e-9, abs=1e-14)
    assert j.upper == pytest.approx(stats.beta.isf(a / 2, k + 0.5, n - k + 0.5) if k < n else 1.0, rel=1e-9, abs=1e-14)


def test_interval_arrays_broadcast():
    k = np.array([0, 5, 10])
    lo, hi = em.clopper_pearson_interval(k, 10, level=0.9)
    for i, kk in enumerate(k):
        ci = em.clopper_pearson_interval(int(kk), 10, level=0.9)
        assert (lo[i], hi[i]) == (ci.lower, ci.upper)
    lower, upper = em.wilson_interval(3, 10)
    assert lower < 0.3 < upper
    assert em.zero_success_upper_bound(200) == pytest.approx(1 - 0.05 ** (1 / 200), rel=1e-13)
    with pytest.raises(em.InputError, match=r"n\[1\]"):
        em.wilson_interval(np.array([0, 0]), np.array([1, 0]))
    with pytest.raises(em.InputError, match="level"):
        em.wilson_interval(1, 2, level=1.5)


def test_interval_pickles():
    ci = em.jeffreys_interval(3, 17)
    assert pickle.loads(pickle.dumps(ci)) == ci


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=60), st.integers(1, 59))
def test_mean_accumulator_merge_and_pickle(values, cut):
    cut = min(cut, len(values) - 1)
    a, b = em.MeanAccumulator(), em.MeanAccumulator()
    a.update(values[:cut])
    b.update(values[cut:])
    merged = pickle.loads(pickle.dumps(a)) + pickle.loads(pickle.dumps(b))
    assert merged.count == len(values)
    assert merged.mean == pytest.approx(np.mean(values), rel=1e-12, abs=1e-9)
    assert merged.variance == pytest.approx(np.var(values, ddof=1), rel=1e-9, abs=1e-7)
    c = pickle.loads(pickle.dumps(merged))
    assert c.count == merged.count and c.mean == pytest.approx(merged.mean, rel=1e-15, abs=1e-12)


def test_binary_accumulator():
    a = em.BinaryAccumulator()
    a.update(np.array([1, 0, 1, 1], dtype=np.int8))
    b = em.BinaryAccumulator()
    b.add(2, 6)
    c = a + b
    assert (c.successes, c.count) == (5, 10)
    assert pickle.loads(pickle.dumps(c)) == c
    assert em.BinaryAccumulator.from_state(c.state()) == c
    assert c.interval("clopper_pearson") == em.clopper_pearson_interval(5, 10)
    a += b
    assert a == c
    with pytest.raises(em.InputError):
        a.update(np.array([2]))
    with pytest.raises(em.InputError):
        em.BinaryAccumulator.from_state({"version": 1, "successes": 5, "trials": 2})
    with pytest.raises(em.InputError, match="empty"):
        em.BinaryAccumulator().proportion


def test_mean_accumulator_errors():
    m = em.MeanAccumulator()
    with pytest.raises(em.InputError, match="empty"):
        m.mean
    m.update([1.0, float("nan")])
    with pytest.raises(em.InputError, match="NaN"):
        m.mean
    m2 = pickle.loads(pickle.dumps(m))
    assert m2.non_finite_count == 1 and m2.count == 1


def test_bootstrap():
    x = np.random.default_rng(2).normal(size=200)
    r1 = em.bootstrap_mean(x, seed=3, resamples=500)
    r2 = em.bootstrap_mean(x, seed=3, resamples=500)
    np.testing.assert_array_equal(r1.replicates, r2.replicates)
    assert r1.estimate == pytest.approx(x.mean(), rel=1e-12)
    assert r1.interval.lower < x.mean() < r1.interval.upper
    assert r1.standard_error == pytest.approx(x.std(ddof=1) / math.sqrt(200), rel=0.15)
    b = em.bootstrap_mean(x, method="bca", resamples=500, seed=1)
    assert b.interval.lower < b.interval.upper
    p = em.bootstrap_proportion(30, 100, seed=1, resamples=500)
    assert 0.2 < p.interval.lower < 0.3 < p.interval.upper < 0.41
    with pytest.raises(em.InputError):
        em.bootstrap_mean(x, method="bogus")
