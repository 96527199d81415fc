#!/usr/bin/python3
"""Reference for emergent's percentile and BCa bootstrap intervals (tests/stats/test_bootstrap.cpp).

A fixed, right-skewed sample of 30 scores (squares of standard exponential draws, 6 decimals) and the
95% percentile and BCa intervals of its mean from scipy.stats.bootstrap with B = 400,000 resamples,
close to the ideal (B -> infinity) intervals; emergent, with its own random numbers and B = 40,000,
must agree to Monte Carlo accuracy. SciPy's BCa is Efron (1987) with jackknife acceleration, as ours
(SciPy counts ties theta*_b = theta_hat as 'not below'; with continuous scores there are none).

Run: /usr/bin/python3 tests/reference/bootstrap_scipy.py   (writes bootstrap_scipy.txt next to it)
"""
import os

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20261126)
x = np.round(rng.exponential(size=30) ** 2, 6)
lines = [f"# written by bootstrap_scipy.py with SciPy {scipy.__version__}, NumPy {np.__version__}",
         "scores " + " ".join(repr(float(v)) for v in x)]
for method in ("percentile", "BCa"):
    res = stats.bootstrap((x,), np.mean, n_resamples=400_000, batch=20_000, confidence_level=0.95,
                          method=method, random_state=np.random.default_rng(1))
    lines.append(f"{method.lower()} {res.confidence_interval.low!r} {res.confidence_interval.high!r}")
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "bootstrap_scipy.txt"), "w") as out:
    out.write("\n".join(lines) + "\n")
