"""Argument conversion shared by the wrappers: numpy views without copies where the dtype already
fits, integral checks for counts and outcomes, and pandas NA detection naming the column."""

import numbers

import numpy as np

from .errors import InputError


def _name_of(values, name):
    col = getattr(values, "name", None)
    if isinstance(col, str) and col:
        return f"{name} (column '{col}')"
    return name


def _check_na(values, name):
    """pandas NA / None inside an object array or a nullable extension array is an error."""
    if hasattr(values, "isna") and hasattr(values, "dtype") and not isinstance(values, np.ndarray):
        na = np.asarray(values.isna())
        if na.any():
            i = int(np.flatnonzero(na)[0])
            raise InputError(f"{_name_of(values, name)}: missing value (NA) at position {i}")


def as_float_array(values, name, *, ndim=1, allow_float32=False):
    """A C-contiguous float64 (or float32 when allowed) array; float64 input is viewed, not copied."""
    _check_na(values, name)
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    a = np.asarray(values)
    if a.dtype == object:
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise InputError(f"{name}: not numbers ({e})") from None
    if a.dtype.kind == "b" or a.dtype.kind in "iu":
        a = a.astype(np.float64)
    elif a.dtype.kind != "f":
        raise InputError(f"{_name_of(values, name)}: expected numbers, got dtype {a.dtype}")
    if not (allow_float32 and a.dtype == np.float32):
        a = np.ascontiguousarray(a, dtype=np.float64)
    else:
        a = np.ascontiguousarray(a)
    if ndim is not None and a.ndim != ndim:
        raise InputError(f"{name}: expected a {ndim}-D array, got shape {a.shape}")
    return a


def as_int_array(values, name, *, ndim=1, keep_dtype=False):
    """An integer array: integer and bool input is kept (viewed) when keep_dtype, else int64; float
    input is accepted only when every value is integral (no silent truncation)."""
    _check_na(values, name)
    label = _name_of(values, name)
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    a = np.asarray(values)
    if a.dtype == object:
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise InputError(f"{label}: not numbers ({e})") from None
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a) | (a != np.round(a))
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(f"{label}[{i}]: {a.ravel()[i]!r} is not an integer (a count or label is expected)")
        a = a.astype(np.int64)
    elif a.dtype.kind not in "iub":
        raise InputError(f"{label}: expected integers, got dtype {a.dtype}")
    if not keep_dtype:
        a = a.astype(np.int64, copy=False)
    a = np.ascontiguousarray(a)
    if ndim is not None and a.ndim != ndim:
        raise InputError(f"{name}: expected a {ndim}-D array, got shape {a.shape}")
    return a


def as_count(value, name):
    """A scalar count: an int (or numpy integer), or a float that is integral."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if f != f or f in (float("inf"), float("-inf")) or f != int(f):
            raise InputError(f"{name}: {value!r} is not an integer (a count is expected)")
        return int(f)
    raise InputError(f"{name}: expected an integer count, got {type(value).__name__}")
