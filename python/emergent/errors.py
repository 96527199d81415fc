"""The exceptions of the emergent package.

The compiled core translates the C++ library's errors into these: ``emergent::input_error`` ->
:class:`InputError` (a :class:`ValueError`), ``emergent::parse_error`` -> :class:`ParseError` (with
``path``, ``line`` and ``field``), ``emergent::numerical_error`` -> :class:`NumericalError` (an
:class:`ArithmeticError`); a missing input file raises the built-in :class:`FileNotFoundError`.
"""

import warnings

__all__ = ["InputError", "ParseError", "NumericalError", "FitWarning"]


class InputError(ValueError):
    """Bad input: a violated precondition, named with the argument (and index) at fault."""


class ParseError(InputError):
    """A malformed record in a file: ``path``, ``line`` (1-based; 0 for the whole file) and ``field``."""

    def __init__(self, message, path="", line=0, field=""):
        super().__init__(message)
        self.path = path
        self.line = line
        self.field = field

    def __reduce__(self):
        return (ParseError, (self.args[0], self.path, self.line, self.field))


class NumericalError(ArithmeticError):
    """Valid input without a meaningful answer (for instance a break test on a constant curve)."""


class FitWarning(UserWarning):
    """A fit ran but cannot be fully trusted (see ``FitResult.status`` and ``FitResult.flags``);
    the counterpart of SciPy's ``OptimizeWarning``."""


def _warn_fit(message, stacklevel=3):
    warnings.warn(message, FitWarning, stacklevel=stacklevel)
