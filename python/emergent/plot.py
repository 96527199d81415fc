"""matplotlib figures for notebooks: a scaling curve with its intervals, a fitted model and breaks."""

import numpy as np

__all__ = ["plot_curve"]


def plot_curve(x, y, *, lower=None, upper=None, fit=None, breaks=(), ax=None, label=None, xlabel="log10 compute",
               ylabel="score"):
    """Draws points with interval bars, an optional ``FitResult`` (its curve over the x range) and
    vertical lines at ``breaks``; returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    yerr = None
    if lower is not None and upper is not None:
        yerr = np.vstack([y - np.asarray(lower, float), np.asarray(upper, float) - y])
    ax.errorbar(x, y, yerr=yerr, fmt="o", ms=4, capsize=2, label=label)
    if fit is not None:
        grid = np.linspace(x.min(), x.max(), 200)
        ax.plot(grid, fit.predict(grid), "-", lw=1.5, label=f"{fit.model} fit ({fit.status})")
    for b in breaks:
        ax.axvline(b, ls="--", lw=1, color="grey")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if label is not None or fit is not None:
        ax.legend(frameon=False, fontsize="small")
    return ax
