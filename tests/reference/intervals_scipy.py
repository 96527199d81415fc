#!/usr/bin/python3
"""Reference values for emergent's proportion intervals (tests/stats/test_intervals.cpp).

Run from anywhere with Debian's Python (it has SciPy):  /usr/bin/python3 tests/reference/intervals_scipy.py
Writes intervals_scipy.csv next to this script:
  method,successes,n,level,lower,upper
method: wilson and exact  -> scipy.stats.binomtest(k, n).proportion_ci(level, method=...)
        exact_beta        -> the same Clopper-Pearson limits from scipy.stats.beta.ppf / beta.isf directly
                             (binomtest finds them with a root finder, good to about 1e-9 relative only)
        jeffreys          -> scipy.stats.beta.ppf of Beta(k+1/2, n-k+1/2) at (1-level)/2 and (1+level)/2,
                             with Brown-Cai-DasGupta's modification: lower=0 when k=0, upper=1 when k=n
        zero_upper        -> binomtest(0, n, alternative='less').proportion_ci(level, method='exact').high
                             (the one-sided upper bound when no trial succeeded; lower column is 0)
"""
import os

import scipy
from scipy import stats

CASES = [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (7, 20), (50, 100), (1, 1000), (999, 1000),
         (0, 300), (300, 300), (123, 457), (5, 100000), (49999, 100000)]
LEVELS = [0.8, 0.95, 0.99]

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "intervals_scipy.csv"), "w") as out:
    out.write(f"# written by intervals_scipy.py with SciPy {scipy.__version__}\n")
    out.write("method,successes,n,level,lower,upper\n")
    for k, n in CASES:
        for level in LEVELS:
            for method in ("wilson", "exact"):
                ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method=method)
                out.write(f"{method},{k},{n},{level},{ci.low!r},{ci.high!r}\n")
            alpha = 1.0 - level
            lo = 0.0 if k == 0 else stats.beta.ppf(alpha / 2, k, n - k + 1)
            hi = 1.0 if k == n else stats.beta.isf(alpha / 2, k + 1, n - k)
            out.write(f"exact_beta,{k},{n},{level},{float(lo)!r},{float(hi)!r}\n")
            lo = 0.0 if k == 0 else stats.beta.ppf(alpha / 2, k + 0.5, n - k + 0.5)
            hi = 1.0 if k == n else stats.beta.ppf(1 - alpha / 2, k + 0.5, n - k + 0.5)
            out.write(f"jeffreys,{k},{n},{level},{float(lo)!r},{float(hi)!r}\n")
            if k == 0:
                ci = stats.binomtest(0, n, alternative="less").proportion_ci(confidence_level=level, method="exact")
                out.write(f"zero_upper,0,{n},{level},0.0,{ci.high!r}\n")
