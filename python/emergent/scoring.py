"""``score(paths, format=..., metrics=...)``: re-scores evaluation dumps as ``emergent score`` does
(the same C++ scorer, emergent::scoring::scorer) and returns its per-(model, task, metric) table as
a DataFrame. ``Scorer`` is the compiled scorer itself: read files into it, merge scorers of shards
(``merge``), pickle it (its versioned state travels as JSON), then ``results()``."""

import os

from . import _core
from .errors import InputError
from .io import FORMATS, _frame

__all__ = ["score", "Scorer", "COLUMNS", "scorer_for", "read_into", "results_frame"]

Scorer = _core.Scorer

#: The columns of the table, in the order ``emergent score`` writes them.
COLUMNS = ("model", "task", "metric", "n", "value", "lower", "upper", "stderr", "interval", "params", "tokens",
           "flops", "flops_derived")


def _mapping(mapping):
    if isinstance(mapping, dict):
        return ",".join(f"{k}={';'.join(v) if isinstance(v, (list, tuple)) else v}" for k, v in mapping.items())
    return mapping or ""


def _metrics(metrics):
    if metrics is None:
        return "auto"
    if isinstance(metrics, (list, tuple)):
        return ",".join(metrics)
    return str(metrics)


def _input_path(path, format):
    p = os.fspath(path)
    check = os.path.join(p, "scenario_state.json") if format == "helm" and os.path.isdir(p) else p
    if not os.path.isfile(check):
        raise FileNotFoundError(2, "No such file or directory", check)
    return p


def _check(paths, format):
    if format not in FORMATS:
        raise InputError(f"score: format: {format!r} is not one of {', '.join(FORMATS)}")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = [_input_path(p, format) for p in paths]
    if not out:
        raise InputError("score: paths: at least one file is required")
    real = [os.path.realpath(p) for p in out]
    for i, r in enumerate(real):
        if r in real[:i]:
            raise InputError(f"score: paths: '{out[i]}' is given twice (each file is scored once)")
    return out


def scorer_for(metrics="auto", level=0.95, max_tokens=100000, format=""):
    """A fresh ``Scorer`` (metrics: ``"auto"``, a comma-separated string or a list of names; ``format``:
    the input format, whose framework's defaults apply as in ``emergent score``)."""
    return Scorer(_metrics(metrics), float(level), int(max_tokens), format)


def read_into(scorer, format, path, read_args, part=None):
    """Reads one file (or, ``part=(begin, end, first_line)``, the whole lines of a byte range of a
    JSON Lines file) into ``scorer``; returns the reader's summary."""
    if part is None:
        return scorer.read(format, path, **read_args)
    begin, end, first_line = part
    return scorer.read(format, path, begin=begin, end=end, first_line=first_line, **read_args)


def results_frame(scorer, compute=None, as_frame=None):
    """The scorer's table (``COLUMNS``) as a DataFrame (a dict of arrays without pandas)."""
    scorer.check_complete()
    cols = scorer.results(os.fspath(compute) if compute is not None else "")
    return _frame({k: cols[k] for k in COLUMNS}, as_frame)


def score(paths, format="lm-eval", metrics="auto", *, mapping=None, model="", task="", filter="", skip_bad=False,
          level=0.95, max_tokens=100000, compute=None, as_frame=None, return_summary=False):
    """Re-scores evaluation dumps exactly as ``emergent score --format FORMAT --metrics METRICS``
    (per-model output): one row per (model, task, metric) with ``n``, ``value`` (a rate for 0/1
    metrics, else a mean), ``lower``/``upper`` (Wilson interval for rates, Student t for means; NaN
    for a mean of one record), ``stderr``, ``interval`` ("wilson", "t" or ""), and, with
    ``compute=`` a compute table, ``params``, ``tokens``, ``flops``, ``flops_derived``.

    ``metrics``: ``"auto"`` (what the format's framework reports, as ``emergent score`` picks it:
    docs/formats.md, "Defaults that reproduce the framework"), or names: exact_match,
    exact_match_stripped, edit_distance, brier, mc_grade (acc), acc_norm, log_loss, log_likelihood,
    kofk, token_nll, stored:NAME. A malformed record raises ``ParseError`` (file, line, field) unless
    ``skip_bad``; a document in two files raises ``InputError``. ``return_summary``: also the
    counts (records read, delivered, skipped; per metric scored and not applicable)."""
    files = _check(paths, format)
    s = scorer_for(metrics, level, max_tokens, format)
    args = dict(mapping=_mapping(mapping), model=model, task=task, filter=filter, skip_bad=bool(skip_bad))
    for f in files:
        read_into(s, format, f, args)
    summary = s.summary()
    if summary["delivered"] == 0 and summary["read"] == 0 and filter and summary["ignored"] > 0:
        raise InputError(f"score: filter: no record has the filter '{filter}' ({summary['ignored']} records of "
                         "other filters)")
    frame = results_frame(s, compute, as_frame)
    return (frame, summary) if return_summary else frame
