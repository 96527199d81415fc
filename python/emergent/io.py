"""Readers of evaluation dumps (the C++ readers of emergent::io): lm-evaluation-harness samples
(``lm-eval``) and v0.3 write_out (``lm-eval-v03``), HELM scenario_state, Inspect logs, CSV and JSONL
with a column mapping; lm-eval results files and compute tables. Each returns a pandas DataFrame,
or a dict of numpy arrays / lists when pandas is not installed (or ``as_frame=False``)."""

import os

import numpy as np

from . import _core
from .errors import InputError

__all__ = ["read", "read_lm_eval_results", "read_compute_table", "FORMATS"]

FORMATS = ("lm-eval", "lm-eval-v03", "helm", "inspect", "csv", "jsonl")


def _pandas():
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas is optional
        return None
    return pandas


def _frame(columns, as_frame):
    pd = _pandas() if as_frame in (None, True) else None
    if as_frame is True and pd is None:
        raise ImportError("as_frame=True needs pandas (Debian: python3-pandas)")
    if pd is None:
        return {k: (v if isinstance(v, np.ndarray) else np.asarray(v, dtype=object) if v and not isinstance(v[0], (str, bool))
                    else np.asarray(v)) for k, v in columns.items()}
    return pd.DataFrame(columns)


def _paths(paths):
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = [os.fspath(p) for p in paths]
    for p in out:
        if not os.path.exists(p):
            raise FileNotFoundError(2, "No such file or directory", p)
    return out


def read(paths, format="lm-eval", *, mapping=None, model="", task="", filter="", skip_bad=False, as_frame=None,
         return_summary=False):
    """Reads per-example records from one or more files into one row per record: ``model``, ``task``,
    ``example_id``, ``filter``, ``prediction`` (None when the format has none), ``answer``,
    ``references`` (lists), ``token_logprobs``, ``option_logliks``, ``option_greedy`` (arrays), ``gold``
    and ``chosen`` (-1 when absent), ``source`` and ``line``, and one column per stored score
    (``stored.<name>``, NaN where a record has none). ``mapping``: for csv/jsonl, a ``key=column,...``
    string or a dict (keys model, task, example_id, filter, prediction, references, options, gold,
    chosen, token_logprobs, stored). A malformed record raises ``ParseError`` (path, line, field) unless
    ``skip_bad``."""
    if format not in FORMATS:
        raise InputError(f"read: format: {format!r} is not one of {', '.join(FORMATS)}")
    if isinstance(mapping, dict):
        mapping = ",".join(f"{k}={';'.join(v) if isinstance(v, (list, tuple)) else v}" for k, v in mapping.items())
    out = _core.read_records(format, _paths(paths), mapping or "", model, task, filter, bool(skip_bad))
    columns = dict(out["columns"])
    for name, values in out["stored"].items():
        columns[f"stored.{name}"] = values
    frame = _frame(columns, as_frame)
    return (frame, out["summary"]) if return_summary else frame


def read_lm_eval_results(path, *, as_frame=None):
    """An lm-evaluation-harness results JSON (0.3 or 0.4): one row per (task, metric, filter) with
    ``value``, ``stderr``, ``n``, ``num_fewshot`` (NaN when absent), ``is_group`` and ``parent``."""
    return _frame(_core.read_lm_eval_results(_paths(path)[0]), as_frame)


def read_compute_table(path, *, as_frame=None):
    """A compute table (CSV: model, params, tokens, flops; FLOPs derived as 6·N·D when absent)."""
    return _frame(_core.read_compute_table(_paths(path)[0]), as_frame)
