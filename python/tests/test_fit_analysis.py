"""Fits against scipy.optimize.curve_fit, FitWarning, pickling; analysis results and their errors."""

import pickle
import warnings

import numpy as np
import pytest

import emergent as em

optimize = pytest.importorskip("scipy.optimize")


def logistic(x, lo, hi, k, x0):
    return lo + (hi - lo) / (1 + np.exp(-k * (x - x0)))


@pytest.fixture
def curve():
    x = np.linspace(19, 24, 15)
    y = logistic(x, 0.05, 0.85, 2.5, 21.7) + np.random.default_rng(4).normal(0, 0.01, x.size)
    return x, y


def test_logistic_equals_curve_fit(curve):
    x, y = curve
    r = em.fit(x, y, "logistic")
    popt, pcov = optimize.curve_fit(logistic, x, y, p0=[0, 1, 1, 21.5])
    assert r.status == "converged" and r.flags == []
    assert list(r.params) == ["lo", "hi", "k", "x0"]
    np.testing.assert_allclose(list(r.params.values()), popt, rtol=1e-6)
    np.testing.assert_allclose(list(r.std_errors.values()), np.sqrt(np.diag(pcov)), rtol=1e-4)
    np.testing.assert_allclose(r.covariance, pcov, rtol=1e-4, atol=1e-12)
    ours = list(r.params.values())
    np.testing.assert_allclose(r.predict(x), logistic(x, *ours), rtol=1e-12)
    np.testing.assert_allclose(r.predict(x), logistic(x, *popt), rtol=1e-6)
    assert r.predict(21.7) == pytest.approx(logistic(21.7, *ours), rel=1e-12)
    ci = r.confidence_interval("x0")
    assert ci.lower < r.params["x0"] < ci.upper
    prof = r.profile_interval("x0")
    assert prof["lower"] < r.params["x0"] < prof["upper"]
    band = r.predict_band(x)
    assert np.all(band["conf_lower"] <= band["fit"]) and np.all(band["fit"] <= band["pred_upper"])
    assert "FitResult(model='logistic'" in repr(r)
    r2 = pickle.loads(pickle.dumps(r))
    assert r2 == r and r2.params == r.params


def test_fit_fast_path_equals_converted_input(curve):
    # fit() passes a 1-D contiguous float64 array and int/float options straight to the core; every
    # other input goes through the conversions. Both paths must give the same fit, bit for bit.
    x, y = curve
    plain = em.fit(x, y, "logistic")
    wide = np.empty(2 * x.size)
    wide[::2] = y
    strided = wide[::2]  # not contiguous: converted
    assert not strided.flags.c_contiguous
    for xs, ys in ((list(x), list(y)), (x, strided), (x.reshape(1, -1)[0], y.copy())):
        assert em.fit(xs, ys, "logistic") == plain
    assert em.fit(x, y, "logistic", breaks=1.0, starts=np.int64(0), max_iterations=200.0, loss_scale=1) == plain
    with pytest.raises(em.InputError, match="max_iterations"):
        em.fit(x, y, "logistic", max_iterations=2.5)
    with pytest.raises(em.InputError, match="x"):
        em.fit(x.astype(str), y, "logistic")


def test_linear_equals_polyfit():
    x = np.arange(10.0)
    y = 2 * x + 1 + np.random.default_rng(0).normal(0, 0.1, 10)
    r = em.fit(x, y, "linear")
    slope, intercept = np.polyfit(x, y, 1)
    assert r.params["slope"] == pytest.approx(slope, rel=1e-10)
    assert r.params["intercept"] == pytest.approx(intercept, rel=1e-10)


def test_flagged_fit_warns():
    x = np.array([20.0, 20.5, 21.0, 21.5, 22.0])
    y = np.array([0.1, 0.1, 0.1, 0.1, 0.9])
    with pytest.warns(em.FitWarning):
        r = em.fit(x, y, "logistic")
    assert r.status != "converged"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        em.fit(x, y, "logistic", warn=False)


def test_fit_bad_input():
    with pytest.raises(em.InputError, match="model"):
        em.fit([1, 2, 3], [1, 2, 3], "cubic")
    with pytest.raises(em.InputError):
        em.fit([1, 2, np.nan, 4, 5], [1, 2, 3, 4, 5], "linear")
    with pytest.raises(em.InputError):
        em.fit([1, 2, 3], [1, 2], "linear")
    with pytest.raises(em.InputError, match="loss"):
        em.fit([1, 2, 3], [1, 2, 3], "linear", loss="l7")


def hinge(n=20):
    x = np.linspace(0, 10, n)
    y = np.where(x < 6, 0.1, 0.1 + 0.3 * (x - 6)) + np.random.default_rng(9).normal(0, 0.02, n)
    return x, y


def test_segmented_and_tests():
    x, y = hinge()
    s = em.fit_segmented(x, y)
    assert s.breakpoints[0].estimate == pytest.approx(6, abs=0.3)
    assert s.slopes[1] == pytest.approx(0.3, abs=0.05)
    assert "SegmentedFit(" in repr(s)
    d = em.davies_test(x, y)
    assert d.p_value < 1e-3
    assert em.pscore_test(x, y).p_value < 1e-3
    assert pickle.loads(pickle.dumps(d)) == d
    with pytest.raises(em.NumericalError, match="constant"):
        em.davies_test(x, np.ones_like(x))
    with pytest.raises(em.InputError):
        em.fit_segmented(x, y, shape="zigzag")


def test_sharpness_mirage_kofk_grokking():
    x = np.linspace(20, 24, 9)
    y = logistic(x, 0.0, 0.8, 6.0, 22.5)
    s = em.measure_sharpness(x, y)
    assert s.logistic_k == pytest.approx(6.0, rel=1e-3)
    assert s.largest_jump > 0
    rng = np.random.default_rng(1)
    p = np.linspace(0.5, 0.98, 8)
    lengths = np.full(8, 6.0)
    per_token = [rng.binomial(1, pi, 400).astype(float) for pi in p]
    exact = [rng.binomial(1, pi ** 6, 400).astype(float) for pi in p]
    m = em.mirage_analysis(np.linspace(20, 24, 8), exact, per_token, replicates=50)
    assert m.verdict in ("sharp_under_both", "sharp_under_hard_only", "smooth_under_both", "sharp_under_soft_only",
                         "not_resolvable")
    assert sum(m.probability.values()) == pytest.approx(1.0)
    np.testing.assert_allclose(em.k_of_k_predict(p, lengths), p ** 6, rtol=1e-12)
    k = em.k_of_k_check(np.linspace(20, 24, 8), per_token, exact, lengths, replicates=100)
    assert len(k.points) == 8 and 0 <= k.fraction_agreeing <= 1
    steps = np.logspace(2, 5, 16)
    train = np.clip(np.linspace(0.2, 1.2, 16), 0, 1)
    test = np.where(steps > 2e4, 0.95, 0.1)
    g = em.grokking_delay(steps, train, test)
    assert g.train.reached and g.test.reached and g.delay_decades > 0
    with pytest.raises(em.InputError):
        em.mirage_analysis([1.0, 2.0], [[1.0]], [[1.0]])
