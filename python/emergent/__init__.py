"""emergent: measure "emergent abilities" of ML models — re-score eval dumps with hard and soft
metrics, put honest intervals on every point, fit scaling curves on log-compute axes, and test
whether a jump is real. Python bindings of the header-only C++ library of the same name.

Layers: :mod:`emergent.metrics`, :mod:`emergent.stats`, :mod:`emergent.fitting`,
:mod:`emergent.analysis`, :mod:`emergent.io`, :mod:`emergent.scoring` (``emergent score`` as a
DataFrame), :mod:`emergent.frame` (pandas pipelines), :mod:`emergent.plot` (matplotlib) and
:mod:`emergent.dask` (re-scoring on a Dask cluster). pandas, matplotlib and dask are imported only when used.
"""

from . import _core
from .errors import FitWarning, InputError, NumericalError, ParseError
from .metrics import (brier_score, cross_entropy, exact_match, exact_match_rate, k_of_k, levenshtein_distance,
                      levenshtein_distance_arrow, levenshtein_distance_batch, log_loss, multiple_choice_accuracy,
                      normalize, pass_at_k)
from .stats import (BinaryAccumulator, BootstrapResult, Interval, MeanAccumulator, bootstrap_mean,
                    bootstrap_mean_difference, bootstrap_proportion, clopper_pearson_interval, jeffreys_interval,
                    proportion_interval, wilson_interval, zero_success_upper_bound)
from .fitting import MODELS, FitResult, fit
from .analysis import (Result, davies_test, fit_segmented, grokking_delay, k_of_k_check, k_of_k_predict,
                       measure_sharpness, mirage_analysis, pscore_test)
from .io import read, read_compute_table, read_lm_eval_results
from .scoring import Scorer, score

__version__ = _core.__version__

__all__ = [
    "InputError", "ParseError", "NumericalError", "FitWarning",
    "levenshtein_distance", "levenshtein_distance_batch", "levenshtein_distance_arrow", "normalize", "exact_match",
    "exact_match_rate", "brier_score", "log_loss", "cross_entropy", "k_of_k", "pass_at_k", "multiple_choice_accuracy",
    "Interval", "BootstrapResult", "BinaryAccumulator", "MeanAccumulator", "wilson_interval",
    "clopper_pearson_interval", "jeffreys_interval", "proportion_interval", "zero_success_upper_bound",
    "bootstrap_mean", "bootstrap_proportion", "bootstrap_mean_difference",
    "fit", "FitResult", "MODELS",
    "fit_segmented", "davies_test", "pscore_test", "measure_sharpness", "mirage_analysis", "k_of_k_predict",
    "k_of_k_check", "grokking_delay", "Result",
    "read", "read_lm_eval_results", "read_compute_table", "score", "Scorer",
]


def __getattr__(name):
    if name in ("frame", "plot", "dask"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'emergent' has no attribute {name!r}")
