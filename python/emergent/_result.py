"""``Result``: a dict with attribute access and a readable repr (like SciPy's ``OptimizeResult``),
the type of every analysis result. It pickles as a dict."""

import numpy as np


def _short(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, (list, tuple, np.ndarray)) and len(v) > 6:
        return f"[{len(v)} values]"
    if isinstance(v, Result):
        return "Result(...)"
    if isinstance(v, list):
        return "[" + ", ".join(_short(x) for x in v) + "]"
    return repr(v)


class Result(dict):
    """An analysis result: keys are also attributes (``r.p_value`` is ``r["p_value"]``)."""

    def __init__(self, values=(), kind="Result"):
        super().__init__(values)
        self.__dict__["_kind"] = kind

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(self.keys())

    def __repr__(self):
        name = self.__dict__.get("_kind", "Result")
        items = ", ".join(f"{k}={_short(v)}" for k, v in self.items())
        return f"{name}({items})"

    def __reduce__(self):
        return (Result, (dict(self), self.__dict__.get("_kind", "Result")))


def wrap(d, kind):
    """Result of a dict from the core, nested dicts (and lists of dicts) wrapped too."""
    out = Result(kind=kind)
    for k, v in d.items():
        if isinstance(v, dict):
            v = wrap(v, k.capitalize())
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            v = [wrap(x, k.rstrip("s").capitalize()) for x in v]
        out[k] = v
    return out
