"""Is the jump real, where is it, is it a mirage: segmented regression, Davies and pseudo-score
tests, sharpness measures, the mirage verdict, the k-of-k check and the grokking delay. Every
function returns a ``Result`` (a dict with attribute access and a readable repr)."""

import numpy as np

from . import _core
from ._convert import as_count, as_float_array
from ._result import Result, wrap
from .errors import InputError

__all__ = ["fit_segmented", "davies_test", "pscore_test", "measure_sharpness", "mirage_analysis",
           "k_of_k_predict", "k_of_k_check", "grokking_delay", "Result"]


def fit_segmented(x, y, *, breaks=1, shape="continuous", min_points_per_segment=2, level=0.95):
    """Exact segmented (piecewise-linear) regression with 1 to 3 breaks (R ``segmented``'s standard
    errors); shape "continuous", "plateau" (flat, then rising) or "step"."""
    return wrap(_core.fit_segmented(as_float_array(x, "x"), as_float_array(y, "y"), as_count(breaks, "breaks"), shape,
                                    as_count(min_points_per_segment, "min_points_per_segment"), float(level)),
                "SegmentedFit")


def davies_test(x, y, *, k=10, alternative="two-sided"):
    """Davies' test for a change in slope (R ``segmented::davies.test``); NumericalError on a constant y."""
    return wrap(_core.davies_test(as_float_array(x, "x"), as_float_array(y, "y"), as_count(k, "k"), alternative),
                "BreakTest")


def pscore_test(x, y, *, k=10, alternative="two-sided"):
    """Muggeo's pseudo-score test for a change in slope (R ``segmented::pscore.test``)."""
    return wrap(_core.pscore_test(as_float_array(x, "x"), as_float_array(y, "y"), as_count(k, "k"), alternative),
                "BreakTest")


def measure_sharpness(x, y, *, se=None, log_base=10.0, fit_logistic=True, level=0.95):
    """Breakthroughness, linearity, logistic k and rise width, steepest slope, largest jump (and its z
    with per-point standard errors ``se``)."""
    return wrap(_core.measure_sharpness(as_float_array(x, "x"), as_float_array(y, "y"),
                                        None if se is None else as_float_array(se, "se"), float(log_base),
                                        bool(fit_logistic), float(level)), "Sharpness")


def _groups(values, name):
    if isinstance(values, np.ndarray) and values.ndim == 2:
        return [np.ascontiguousarray(r, dtype=np.float64) for r in values]
    return [as_float_array(v, f"{name}[{i}]") for i, v in enumerate(values)]


def mirage_analysis(x, hard, soft, *, alpha=0.05, slope_ratio=3.0, min_rise=0.05, max_width_decades=1.0,
                    min_models=6, min_probability=0.5, replicates=200, seed=1):
    """The mirage verdict (Schaeffer et al. 2023): is a sharp rise under the hard metric also there
    under the soft one? ``hard`` and ``soft``: per-example scores of each model (lists of arrays, the
    same examples in both), ``x`` the models' log10 compute."""
    return wrap(_core.mirage_analysis(as_float_array(x, "x"), _groups(hard, "hard"), _groups(soft, "soft"), float(alpha),
                                      float(slope_ratio), float(min_rise), float(max_width_decades),
                                      as_count(min_models, "min_models"), float(min_probability),
                                      as_count(replicates, "replicates"), as_count(seed, "seed")), "MirageResult")


def k_of_k_predict(per_token, lengths):
    """Predicted exact match E_L[p^L] of each model from its per-token accuracy p and answer lengths L."""
    return np.asarray(_core.k_of_k_predict(as_float_array(per_token, "per_token"), as_float_array(lengths, "lengths")))


def k_of_k_check(x, per_token, exact, lengths, *, replicates=500, seed=1, level=0.95, tolerance=0.01):
    """Does the conjunction of independent per-token successes reproduce the exact-match curve?"""
    return wrap(_core.k_of_k_check(as_float_array(x, "x"), _groups(per_token, "per_token"), _groups(exact, "exact"),
                                   as_float_array(lengths, "lengths"), as_count(replicates, "replicates"),
                                   as_count(seed, "seed"), float(level), float(tolerance)), "KOfKResult")


def grokking_delay(steps, train, test, *, train_threshold=0.9, test_threshold=0.9, train_direction="rising",
                   test_direction="rising", fit_break=True):
    """Grokking delay (Power et al. 2022): first crossings of the train and test curves, their delay in
    decades of steps, and a one-break fit of the test curve on log10(step) with Davies' test."""
    return wrap(_core.grokking_delay(as_float_array(steps, "steps"), as_float_array(train, "train"),
                                     as_float_array(test, "test"), float(train_threshold), float(test_threshold),
                                     train_direction, test_direction, bool(fit_break)), "GrokkingResult")
