"""The report's pipeline on pandas DataFrames: score per-example rows by (model, task) with intervals,
join a compute table, then fit and judge every task. pandas is imported when this module is."""

import warnings

import numpy as np
import pandas as pd

from . import analysis, fitting, stats
from ._convert import as_int_array
from .errors import FitWarning, InputError, NumericalError

__all__ = ["score", "join_compute", "judge"]


def _require(df, columns):
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"frame: column(s) {', '.join(map(repr, missing))} not in the DataFrame "
                         f"(columns: {', '.join(map(str, df.columns))})")


def score(df, *, by=("model", "task"), correct="correct", method="wilson", level=0.95):
    """Per-group accuracy of 0/1 scores in column ``correct`` with a ``method`` interval ("wilson",
    "clopper_pearson", "jeffreys"): columns ``*by, n, successes, accuracy, lower, upper``. A missing
    value or a non-0/1 score raises ``InputError`` naming the column."""
    by = [by] if isinstance(by, str) else list(by)
    _require(df, by + [correct])
    values = as_int_array(df[correct], "correct")
    if values.size and (values.min() < 0 or values.max() > 1):
        i = int(np.flatnonzero((values < 0) | (values > 1))[0])
        raise InputError(f"score: column '{correct}'[{i}]: {values[i]} is not 0 or 1")
    g = pd.DataFrame({**{b: df[b].to_numpy() for b in by}, "_c": values}).groupby(by, sort=True, observed=True)["_c"]
    out = g.agg(n="size", successes="sum").reset_index()
    out["accuracy"] = out["successes"] / out["n"]
    lower, upper = stats.proportion_interval(out["successes"].to_numpy(), out["n"].to_numpy(), method=method, level=level)
    out["lower"], out["upper"] = lower, upper
    return out


def join_compute(scores, compute, *, on="model", quantity="flops"):
    """Adds ``quantity`` and ``log10_<quantity>`` from a compute table (DataFrame with columns ``on``
    and ``quantity``). A model without a positive value raises ``InputError`` naming it."""
    _require(compute, [on, quantity])
    table = compute[[on, quantity]].drop_duplicates(on)
    out = scores.merge(table, on=on, how="left", validate="many_to_one")
    bad = out[~(out[quantity] > 0)]
    if len(bad):
        raise InputError(f"join_compute: no positive '{quantity}' for model(s) {sorted(set(bad[on]))[:5]}")
    out[f"log10_{quantity}"] = np.log10(out[quantity].astype(float))
    return out


def judge(curves, *, x="log10_flops", y="accuracy", group="task", model="logistic"):
    """Fits ``model`` and runs Davies' test and the sharpness measures on every group's curve: one row
    per group with the fit's status and parameters, AICc, Davies' p-value, breakthroughness and the
    logistic rise width. Groups too small or constant are reported (``note``), not dropped silently."""
    _require(curves, [x, y, group])
    rows = []
    for name, c in curves.groupby(group, sort=True):
        c = c.sort_values(x)
        xs, ys = c[x].to_numpy(float), c[y].to_numpy(float)
        row = {group: name, "points": len(c), "note": ""}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FitWarning)
                f = fitting.fit(xs, ys, model, warn=False)
            row.update(status=f.status, aicc=f.aicc, **{f"param_{k}": v for k, v in f.params.items()})
            row["davies_p"] = analysis.davies_test(xs, ys).p_value
            s = analysis.measure_sharpness(xs, ys)
            row.update(breakthroughness=s.breakthroughness, rise_width_decades=s.rise_width_decades)
        except (InputError, NumericalError) as e:
            row["note"] = str(e)
        rows.append(row)
    return pd.DataFrame(rows)
