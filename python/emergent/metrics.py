"""Per-example and aggregate metrics: edit distance, exact match, Brier, log-loss, cross-entropy,
k-of-k, pass@k and multiple-choice accuracy. Arrays are read in place (no copy) when their dtype
already fits: float64/float32 probabilities, any integer or bool outcomes."""

import numbers

import numpy as np

from . import _core
from ._convert import as_float_array, as_int_array, as_count
from .errors import InputError

__all__ = [
    "levenshtein_distance", "levenshtein_distance_batch", "levenshtein_distance_arrow",
    "normalize", "exact_match", "exact_match_rate",
    "brier_score", "log_loss", "cross_entropy",
    "k_of_k", "pass_at_k", "multiple_choice_accuracy",
]


def _cutoff(score_cutoff):
    if score_cutoff is None:
        return -1
    c = as_count(score_cutoff, "score_cutoff")
    if c < 0:
        raise InputError(f"score_cutoff: {score_cutoff} is negative")
    return c


def _symbols(seq, other, name):
    """Both sequences as int64 arrays over one alphabet (token strings and other hashables get ids)."""
    arrs = []
    for s in (seq, other):
        if isinstance(s, np.ndarray):
            if s.dtype.kind not in "iu":
                raise InputError(f"levenshtein_distance: {name}: expected an integer array, got dtype {s.dtype}")
            arrs.append(None)
        elif all(isinstance(t, numbers.Integral) and not isinstance(t, bool) for t in s):
            arrs.append(None)
        else:
            break
    else:
        return (np.ascontiguousarray(seq, dtype=np.int64), np.ascontiguousarray(other, dtype=np.int64))
    ids = {}
    try:
        a = np.fromiter((ids.setdefault(t, len(ids)) for t in seq), dtype=np.int64)
        b = np.fromiter((ids.setdefault(t, len(ids)) for t in other), dtype=np.int64)
    except TypeError as e:
        raise InputError(f"levenshtein_distance: {name}: symbols must be hashable ({e})") from None
    return a, b


def levenshtein_distance(a, b, *, score_cutoff=None):
    """Levenshtein distance between two sequences: ``str`` (code points), ``bytes``, lists or tuples of
    tokens (ints, strings, any hashables) or integer numpy arrays. With ``score_cutoff`` a distance
    above it is reported as ``score_cutoff + 1`` (as rapidfuzz) and computed faster."""
    c = _cutoff(score_cutoff)
    if isinstance(a, str) and isinstance(b, str):
        return _core.lev_u32(a, b, c)
    if isinstance(a, (bytes, bytearray)) and isinstance(b, (bytes, bytearray)):
        return _core.lev_bytes(bytes(a), bytes(b), c)
    if isinstance(a, (str, bytes, bytearray)) or isinstance(b, (str, bytes, bytearray)):
        raise InputError(f"levenshtein_distance: a and b must be of the same kind, got {type(a).__name__} and "
                         f"{type(b).__name__}")
    x, y = _symbols(a, b, "a/b")
    return _core.lev_int(x, y, c)


def _offsets_of(seqs, name):
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    offsets = np.zeros(len(seqs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if len(seqs) == 0:
        return np.zeros(0, dtype=np.int64), offsets
    values = np.concatenate([np.asarray(s) for s in seqs]) if offsets[-1] else np.zeros(0, dtype=np.int64)
    if values.dtype.kind not in "iu":
        raise InputError(f"levenshtein_distance_batch: {name}: sequences must hold integers, got dtype {values.dtype}")
    return values, offsets


def levenshtein_distance_batch(a, b, *, score_cutoff=None, workers=1):
    """Distances of the pairs (a[i], b[i]) as an int64 array: lists of ``str``, or lists of integer
    sequences (token ids). The work runs without the GIL on ``workers`` threads (0: all cores)."""
    if len(a) != len(b):
        raise InputError(f"levenshtein_distance_batch: a has {len(a)} sequences but b has {len(b)}")
    c = _cutoff(score_cutoff)
    w = as_count(workers, "workers")
    if len(a) and isinstance(a[0], str):
        if not all(isinstance(s, str) for s in a) or not all(isinstance(s, str) for s in b):
            raise InputError("levenshtein_distance_batch: a and b must both be lists of str")
        return _core.lev_batch_str(list(a), list(b), c, w)
    va, oa = _offsets_of(a, "a")
    vb, ob = _offsets_of(b, "b")
    if va.dtype != vb.dtype:
        va = va.astype(np.int64)
        vb = vb.astype(np.int64)
    return _core.lev_batch(va, oa, vb, ob, c, w)


def levenshtein_distance_arrow(a_values, a_offsets, b_values, b_offsets, *, score_cutoff=None, workers=1):
    """Distances of n pairs given in Arrow's list layout: integer ``values`` and n + 1 ``offsets`` per
    side (sequence i is values[offsets[i]:offsets[i+1]]). Values are read in place."""
    va = as_int_array(a_values, "a_values", keep_dtype=True)
    vb = as_int_array(b_values, "b_values", keep_dtype=True)
    if va.dtype != vb.dtype:
        va, vb = va.astype(np.int64), vb.astype(np.int64)
    return _core.lev_batch(va, as_int_array(a_offsets, "a_offsets"), vb, as_int_array(b_offsets, "b_offsets"),
                           _cutoff(score_cutoff), as_count(workers, "workers"))


_STEPS = ("trim", "collapse_whitespace", "case_fold", "strip_punctuation", "strip_articles", "remove_digits",
          "numeric_equivalence", "squad")


def _steps(normalize):
    if normalize is None:
        return []
    if isinstance(normalize, str) or (isinstance(normalize, tuple) and len(normalize) == 2
                                      and normalize[0] == "ignore_regex"):
        normalize = [normalize]
    out = []
    for s in normalize:
        if isinstance(s, tuple) and len(s) == 2 and s[0] == "ignore_regex":
            out.append("ignore_regex:" + str(s[1]))
        elif isinstance(s, str) and s in _STEPS:
            out.append(s)
        else:
            raise InputError(f"normalize: {s!r} is not one of {', '.join(_STEPS)} or ('ignore_regex', pattern)")
    return out


def normalize(text, steps):
    """The text after the normalisation steps (names as in ``exact_match``), applied in order."""
    return _core.normalise(text, _steps(steps))


def exact_match(prediction, reference, *, normalize=None):
    """Exact match after the normalisation steps (``"trim"``, ``"collapse_whitespace"``, ``"case_fold"``,
    ``"strip_punctuation"``, ``"strip_articles"``, ``"remove_digits"``, ``"numeric_equivalence"``,
    ``"squad"``, ``("ignore_regex", pattern)``). Two strings give a bool; two sequences of strings (lists,
    Series) give a bool array."""
    steps = _steps(normalize)
    if isinstance(prediction, str) and isinstance(reference, str):
        return _core.exact_match(prediction, reference, steps)
    p, r = _strings(prediction, "prediction"), _strings(reference, "reference")
    return _core.exact_match_many(p, r, steps)


def _strings(values, name):
    if hasattr(values, "isna"):
        na = np.asarray(values.isna())
        if na.any():
            col = getattr(values, "name", None)
            where = f"column '{col}'" if col else name
            raise InputError(f"{name} ({where}): missing value (NA) at position {int(np.flatnonzero(na)[0])}")
    out = list(values)
    for i, s in enumerate(out):
        if not isinstance(s, str):
            raise InputError(f"{name}[{i}]: expected str, got {type(s).__name__}")
    return out


def exact_match_rate(predictions, references, *, normalize=None):
    """Share of exact matches (see ``exact_match``)."""
    m = exact_match(list(predictions) if not hasattr(predictions, "isna") else predictions,
                    list(references) if not hasattr(references, "isna") else references, normalize=normalize)
    if len(m) == 0:
        raise InputError("exact_match_rate: predictions: empty (the rate of nothing is undefined)")
    return float(np.mean(m))


def _outcomes(y_true):
    return as_int_array(y_true, "y_true", keep_dtype=True)


def brier_score(y_true, y_prob, *, sample_weight=None, convention="sum", renormalize=False):
    """Mean Brier score in scikit-learn's argument order. 1-D ``y_prob``: binary, the probability of
    outcome 1 (``sklearn.metrics.brier_score_loss``), read without a copy when float64/float32 and
    ``y_true`` is any integer or bool array. 2-D ``y_prob`` (examples x classes): multi-class with class
    labels in ``y_true``; ``convention="sum"`` (Brier 1950, lm-evaluation-harness) or ``"mean"`` over classes."""
    prob = np.asarray(y_prob) if isinstance(y_prob, np.ndarray) else y_prob
    if getattr(prob, "ndim", 1) == 2 or (not hasattr(prob, "ndim") and np.ndim(prob) == 2):
        if convention not in ("sum", "mean"):
            raise InputError(f"brier_score: convention: {convention!r} is not 'sum' or 'mean'")
        w = None if sample_weight is None else as_float_array(sample_weight, "sample_weight")
        return _core.brier_multi(as_float_array(y_prob, "y_prob", ndim=2), as_int_array(y_true, "y_true"), w,
                                 convention == "mean", bool(renormalize))
    p = as_float_array(y_prob, "y_prob", allow_float32=True)
    y = _outcomes(y_true)
    if sample_weight is None:
        return _core.mean_brier_binary(p, y)
    return _core.weighted_brier_binary(p, y.astype(np.int64, copy=False), as_float_array(sample_weight, "sample_weight"))


def log_loss(y_true, y_prob, *, sample_weight=None, clamp_epsilon=0.0, allow_infinite=False):
    """Mean binary log-loss in scikit-learn's argument order (``sklearn.metrics.log_loss`` for 0/1 labels
    and the probability of 1). A zero probability for the observed outcome raises ``InputError`` unless
    ``clamp_epsilon`` > 0 clips (scikit-learn clips at machine epsilon) or ``allow_infinite``. 2-D
    ``y_prob`` is passed to ``cross_entropy``."""
    if np.ndim(y_prob) == 2:
        return cross_entropy(y_true, y_prob, sample_weight=sample_weight, clamp_epsilon=clamp_epsilon,
                             allow_infinite=allow_infinite)
    p = as_float_array(y_prob, "y_prob", allow_float32=True)
    y = _outcomes(y_true)
    if sample_weight is None:
        return _core.mean_log_loss_binary(p, y, float(clamp_epsilon), bool(allow_infinite))
    return _core.weighted_log_loss_binary(p, y.astype(np.int64, copy=False), as_float_array(sample_weight, "sample_weight"),
                                          float(clamp_epsilon), bool(allow_infinite))


def cross_entropy(y_true, y_prob=None, *, log_prob=None, sample_weight=None, clamp_epsilon=0.0,
                  allow_infinite=False, renormalize=False):
    """Mean multi-class cross-entropy −(1/n) Σ log p[i, y_i] from a probability matrix ``y_prob``
    (scikit-learn's multi-class ``log_loss``) or from log-probabilities ``log_prob=``; labels in ``y_true``."""
    if (y_prob is None) == (log_prob is None):
        raise InputError("cross_entropy: give exactly one of y_prob and log_prob")
    m = as_float_array(y_prob if log_prob is None else log_prob, "y_prob" if log_prob is None else "log_prob", ndim=2)
    w = None if sample_weight is None else as_float_array(sample_weight, "sample_weight")
    return _core.cross_entropy_multi(m, as_int_array(y_true, "y_true"), w, log_prob is not None, float(clamp_epsilon),
                                     bool(allow_infinite), bool(renormalize))


def _scalar_or_array(x):
    return float(x) if np.ndim(x) == 0 else x


def k_of_k(p, k):
    """P(all k independent parts right) = p**k, checked (p a probability, k >= 0); scalars or arrays."""
    return _scalar_or_array(_core.k_of_k(as_float_array(np.atleast_1d(p), "p", ndim=None).reshape(np.shape(p)),
                                         as_int_array(np.atleast_1d(k), "k", ndim=None).reshape(np.shape(k))))


def pass_at_k(n, c, k):
    """Unbiased pass@k (Chen et al. 2021) from n samples with c correct; scalars or arrays."""
    shape = np.broadcast_shapes(np.shape(n), np.shape(c), np.shape(k))
    out = _core.pass_at_k(as_int_array(np.atleast_1d(n), "n", ndim=None), as_int_array(np.atleast_1d(c), "c", ndim=None),
                          as_int_array(np.atleast_1d(k), "k", ndim=None))
    return float(out.reshape(shape)) if shape == () else out.reshape(shape)


def multiple_choice_accuracy(log_likelihoods, gold, *, lengths=None, per_example=False):
    """lm-evaluation-harness ``acc`` (argmax of the option log-likelihoods is the gold option) or, with
    ``lengths`` (same shape: characters or bytes or tokens per option), ``acc_norm``. Returns the mean,
    or the 0/1 grades with ``per_example=True``."""
    g = _core.multiple_choice_grades(as_float_array(log_likelihoods, "log_likelihoods", ndim=2),
                                     as_int_array(gold, "gold"),
                                     None if lengths is None else as_float_array(lengths, "lengths", ndim=2))
    if per_example:
        return g
    if len(g) == 0:
        raise InputError("multiple_choice_accuracy: no examples")
    return float(g.mean())
