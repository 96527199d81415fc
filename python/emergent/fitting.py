"""Curve fitting on log axes: ``fit(x, y, model="logistic")`` returns a ``FitResult`` with parameters
by name, standard errors, covariance, status, flags, AICc, ``predict()`` and intervals. A fit that
runs but is flagged warns with ``FitWarning``; bad input raises ``InputError``."""

import numpy as np

from . import _core
from ._convert import as_float_array, as_count
from .errors import InputError, _warn_fit

__all__ = ["fit", "FitResult", "MODELS"]

MODELS = ("linear", "power_law", "logistic", "accuracy_law", "bnsl")
_F64 = np.dtype(np.float64)


def _plain(a):
    """A 1-D C-contiguous float64 ndarray: passed to the core as it is (the core views it, no copy)."""
    return type(a) is np.ndarray and a.dtype == _F64 and a.ndim == 1 and a.flags.c_contiguous


class FitResult:
    """The result of ``fit``. ``params``, ``std_errors``: dicts by parameter name; ``covariance``: a
    matrix in ``param_names`` order; ``status`` ("converged", "hit_bound", "not_identifiable", ...),
    ``flags``, ``aicc``, ``bic``, ``rss``, ``residuals``, ``n``, ``dof``."""

    __slots__ = ("_r", "_x", "_y", "_w", "_opts")

    def __init__(self, core, x=None, y=None, weights=None, options=None):
        self._r = core
        self._x, self._y, self._w, self._opts = x, y, weights, options

    model = property(lambda self: self._r.model)
    status = property(lambda self: self._r.status)
    flags = property(lambda self: list(self._r.flags))
    param_names = property(lambda self: list(self._r.param_names))
    params = property(lambda self: dict(zip(self._r.param_names, self._r.params.tolist())))
    std_errors = property(lambda self: dict(zip(self._r.param_names, self._r.std_errors.tolist())))
    covariance = property(lambda self: np.array(self._r.covariance))
    residuals = property(lambda self: np.array(self._r.residuals))
    aicc = property(lambda self: self._r.aicc)
    bic = property(lambda self: self._r.bic)
    rss = property(lambda self: self._r.rss)
    n = property(lambda self: self._r.n)
    dof = property(lambda self: self._r.dof)
    iterations = property(lambda self: self._r.iterations)
    condition = property(lambda self: self._r.condition)
    x_ref = property(lambda self: self._r.x_ref)

    @property
    def converged(self):
        return self._r.status == "converged"

    def predict(self, x):
        """Model value at x (scalar or array, log10 of the quantity)."""
        a = as_float_array(np.atleast_1d(x), "x", ndim=None)
        out = self._r.predict(a.ravel()).reshape(a.shape)
        return float(out[0]) if np.ndim(x) == 0 else out

    def confidence_interval(self, name, *, level=0.95):
        """Wald interval (Student t with n − p degrees of freedom) of parameter ``name``."""
        return self._r.wald_interval(name, float(level))

    def confidence_intervals(self, *, level=0.95):
        """Wald intervals of every parameter, by name."""
        return {p: self.confidence_interval(p, level=level) for p in self._r.param_names}

    def profile_interval(self, name, *, level=0.95):
        """Profile-likelihood interval of ``name`` (follows the model's curvature); a dict with
        ``lower``, ``upper``, ``open_lower``, ``open_upper``."""
        if self._x is None:
            raise InputError("FitResult.profile_interval: the data is not kept (a result restored from a pickle)")
        return _core.profile_likelihood(self._x, self._y, self._r, name, float(level), self._w, *self._opts)

    def predict_band(self, x, *, level=0.95):
        """Delta-method confidence and prediction bands at x: dict of arrays (fit, conf_lower, ...)."""
        d = self._r.predict_band(as_float_array(np.atleast_1d(x), "x"), float(level))
        return {k: np.asarray(v) for k, v in d.items()}

    def __getstate__(self):
        return {"core": self._r}

    def __setstate__(self, state):
        self._r = state["core"]
        self._x = self._y = self._w = self._opts = None

    def __eq__(self, other):
        if not isinstance(other, FitResult):
            return NotImplemented
        return (self.model == other.model and self.status == other.status and self.params == other.params
                and self.std_errors == other.std_errors and self.flags == other.flags and self.aicc == other.aicc)

    def __repr__(self):
        ps = ", ".join(f"{k}={v:.6g}±{s:.2g}" for (k, v), s in zip(self.params.items(), self.std_errors.values()))
        flags = f", flags={self.flags}" if self.flags else ""
        return f"FitResult(model={self.model!r}, status={self.status!r}, n={self.n}, {ps}, aicc={self.aicc:.6g}{flags})"


def fit(x, y, model="logistic", *, weights=None, loss=None, loss_scale=1.0, breaks=1, starts=0, max_iterations=200,
        warn=True):
    """Fits ``model`` ("linear", "power_law", "logistic", "accuracy_law", "bnsl") to (x, y), x being the
    log10 of the scale quantity, globally (deterministic multi-start + Levenberg–Marquardt). ``weights``:
    1/σ² per point; ``loss``: None, "huber", "soft_l1", "cauchy" (SciPy ``least_squares`` semantics).
    Warns ``FitWarning`` when the fit is flagged (status other than "converged")."""
    if model not in MODELS:
        raise InputError(f"fit: model: {model!r} is not one of {', '.join(MODELS)}")
    xa = x if _plain(x) else as_float_array(x, "x")
    ya = y if _plain(y) else as_float_array(y, "y")
    w = None if weights is None else weights if _plain(weights) else as_float_array(weights, "weights")
    if (loss is None and type(loss_scale) is float and type(breaks) is int and type(starts) is int
            and type(max_iterations) is int):
        opts = ("none", loss_scale, breaks, starts, max_iterations)  # already what as_count would return
    else:
        opts = ("none" if loss is None else str(loss), float(loss_scale), as_count(breaks, "breaks"),
                as_count(starts, "starts"), as_count(max_iterations, "max_iterations"))
    core = _core.fit_xy(xa, ya, model, w, *opts)
    result = FitResult(core, xa, ya, w, opts)
    if warn and core.status != "converged":
        flags = f" ({', '.join(core.flags)})" if core.flags else ""
        _warn_fit(f"fit: {model} fit is {core.status}{flags}: inspect FitResult.status and flags", stacklevel=3)
    return result
