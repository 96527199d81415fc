"""Honest uncertainty: Wilson / Clopper–Pearson / Jeffreys intervals on scalars or arrays, the
zero-success bound, bootstrap, and mergeable accumulators (``+``, pickle, ``state()``)."""

import numpy as np

from . import _core
from ._convert import as_count, as_float_array, as_int_array
from .errors import InputError

Interval = _core.Interval
BootstrapResult = _core.BootstrapResult
BinaryAccumulator = _core.BinaryAccumulator
MeanAccumulator = _core.MeanAccumulator

__all__ = ["Interval", "BootstrapResult", "BinaryAccumulator", "MeanAccumulator", "wilson_interval",
           "clopper_pearson_interval", "jeffreys_interval", "proportion_interval", "zero_success_upper_bound",
           "bootstrap_mean", "bootstrap_proportion", "bootstrap_mean_difference"]


def _interval(scalar, array, name):
    def f(successes, n, *, level=0.95):
        if type(successes) is int and type(n) is int:  # the fast scalar path
            return scalar(successes, n, float(level))
        if np.ndim(successes) == 0 and np.ndim(n) == 0:
            return scalar(as_count(successes, "successes"), as_count(n, "n"), float(level))
        s = as_int_array(successes, "successes", ndim=None)
        t = as_int_array(n, "n", ndim=None)
        s, t = np.broadcast_arrays(s, t)
        lower, upper = array(np.ascontiguousarray(s.ravel()), np.ascontiguousarray(t.ravel()), float(level))
        return lower.reshape(s.shape), upper.reshape(s.shape)
    f.__name__ = name
    return f


wilson_interval = _interval(_core.wilson_interval, _core.wilson_interval_array, "wilson_interval")
wilson_interval.__doc__ = """Wilson score interval of a proportion (Wilson 1927) at ``level``: an ``Interval``
for scalar counts, a pair of arrays ``(lower, upper)`` for arrays (broadcast). Counts must be integers
(a float is accepted only when integral)."""
clopper_pearson_interval = _interval(_core.clopper_pearson_interval, _core.clopper_pearson_interval_array,
                                     "clopper_pearson_interval")
clopper_pearson_interval.__doc__ = """Clopper–Pearson (exact) interval; as ``wilson_interval``
(``statsmodels.stats.proportion.proportion_confint(method="beta")``)."""
jeffreys_interval = _interval(_core.jeffreys_interval, _core.jeffreys_interval_array, "jeffreys_interval")
jeffreys_interval.__doc__ = """Jeffreys interval (equal-tailed Beta(k + 1/2, n − k + 1/2)); as ``wilson_interval``."""

_METHODS = {"wilson": wilson_interval, "clopper_pearson": clopper_pearson_interval, "jeffreys": jeffreys_interval}


def proportion_interval(successes, n, *, method="wilson", level=0.95):
    """The interval of ``method`` ("wilson", "clopper_pearson", "jeffreys")."""
    if method not in _METHODS:
        raise InputError(f"proportion_interval: method: {method!r} is not one of {', '.join(_METHODS)}")
    return _METHODS[method](successes, n, level=level)


def zero_success_upper_bound(n, *, level=0.95):
    """One-sided upper bound on a proportion after 0 successes in n trials: 1 − (1 − level)^(1/n)."""
    return _core.zero_success_upper_bound(as_count(n, "n"), float(level))


def bootstrap_mean(scores, *, method="percentile", resamples=2000, level=0.95, seed=1, workers=1):
    """Bootstrap of the mean of per-example scores (percentile or BCa interval); deterministic in ``seed``."""
    return _core.bootstrap_mean(as_float_array(scores, "scores"), method, as_count(resamples, "resamples"),
                                float(level), as_count(seed, "seed"), as_count(workers, "workers"))


def bootstrap_proportion(successes, n, *, method="percentile", resamples=2000, level=0.95, seed=1, workers=1):
    """Bootstrap of a proportion from its counts."""
    return _core.bootstrap_proportion(as_count(successes, "successes"), as_count(n, "n"), method,
                                      as_count(resamples, "resamples"), float(level), as_count(seed, "seed"),
                                      as_count(workers, "workers"))


def bootstrap_mean_difference(a, b, *, method="percentile", resamples=2000, level=0.95, seed=1, workers=1):
    """Paired bootstrap of mean(a) − mean(b) over the same examples."""
    return _core.bootstrap_mean_difference(as_float_array(a, "a"), as_float_array(b, "b"), method,
                                           as_count(resamples, "resamples"), float(level), as_count(seed, "seed"),
                                           as_count(workers, "workers"))
