#!/usr/bin/python3
"""emergent's fitter against SciPy's curve_fit (method 'lm'), side by side on the same curves.

Usage: /usr/bin/python3 benchmarks/fit_vs_scipy.py path/to/bench_fit   (scripts/bench-fit.sh does it)

Simulates 25-point curves on x = log10 compute in [18, 24] (10,000 logistic, 100 power laws with an
offset, 100 one-break BNSLs), writes them to a temporary file, times curve_fit(method='lm') per fit
(one thread, CPU time so that a busy machine distorts both sides alike; median of 5 repetitions over 200 curves, p0 = a sensible data-derived start, as a careful
user would give), runs bench_fit on the same file (Google Benchmark, median of 5 repetitions), and
prints fits per second and the ratios against the targets of issue 5 (logistic >= 15x SciPy; the
10,000-curve batch >= 1.7x faster on 2 threads than on 1).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import scipy
from scipy.optimize import curve_fit

warnings.simplefilter("ignore")
X = np.linspace(18, 24, 25)
XREF = X.mean()


def logistic(x, lo, hi, k, x0):
    return lo + (hi - lo) / (1.0 + np.exp(-k * (x - x0)))


def power_law(x, E, A, alpha):
    return E + A * 10.0 ** (-alpha * (x - XREF))


def bnsl1(x, a, b, c0, c1, d1, f1):
    return a + b * 10.0 ** (-c0 * (x - XREF)) * (1.0 + 10.0 ** ((x - d1) / f1)) ** (-c1 * f1)


def simulate():
    rng = np.random.default_rng(1)
    out = {"logistic": [], "power_law": [], "bnsl": []}
    for _ in range(10000):
        k, x0 = 1 + 5 * rng.random(), 20 + 2 * rng.random()
        out["logistic"].append(logistic(X, 0.05, 0.85, k, x0) + rng.normal(0, 0.02, X.size))
    for _ in range(100):
        alpha = 0.2 + 0.3 * rng.random()
        out["power_law"].append(power_law(X, 1.7, 2.0, alpha) + rng.normal(0, 0.01, X.size))
        out["bnsl"].append(bnsl1(X, 0.1, 0.8, 0.1, 0.9, 21.0, 0.3) + rng.normal(0, 0.005, X.size))
    return out


def starts(model, y):
    if model == "logistic":
        return [y.min(), y.max(), 1.0, XREF]
    if model == "power_law":
        return [y.min(), y.max() - y.min(), 0.3]
    return [0.1, 0.8, 0.1, 0.9, 21.0, 0.3]


def time_scipy(model, f, ys, reps=5, count=200):
    per_fit = []
    for _ in range(reps):
        t0 = time.process_time()
        for y in ys[:count]:
            try:
                curve_fit(f, X, y, p0=starts(model, y), method="lm", maxfev=20000)
            except RuntimeError:
                pass
        per_fit.append((time.process_time() - t0) / min(count, len(ys)))
    return float(np.median(per_fit))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bench = sys.argv[1]
    data = simulate()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "curves.txt")
        with open(path, "w") as fh:
            for model, ys in data.items():
                for y in ys:
                    fh.write(model + " " + " ".join(repr(float(v)) for v in y) + "\n")
        scipy_s = {m: time_scipy(m, f, data[m]) for m, f in
                   (("logistic", logistic), ("power_law", power_law), ("bnsl", bnsl1))}
        env = dict(os.environ, EMERGENT_FIT_BENCH_DATA=path)
        out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_out_format=json"], env=env, check=True, capture_output=True, text=True)
    results = {b["run_name"]: b for b in json.loads(out.stdout)["benchmarks"] if b.get("aggregate_name") == "median"}

    def seconds(name):
        b = next(v for k, v in results.items() if k.split("/repeats")[0] == name)
        t = b["real_time"] if "batch" in name else b["cpu_time"]
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        return t * scale

    print(f"numpy {np.__version__}, scipy {scipy.__version__}; medians of 5 repetitions")
    print(f"{'model':<12} {'emergent fits/s':>16} {'scipy lm fits/s':>16} {'ratio':>8}")
    ratios = {}
    for model, bench_name in (("logistic", "BM_fit_logistic"), ("power_law", "BM_fit_power_law"), ("bnsl", "BM_fit_bnsl1")):
        e = seconds(bench_name)
        ratios[model] = scipy_s[model] / e
        print(f"{model:<12} {1 / e:>16.0f} {1 / scipy_s[model]:>16.0f} {ratios[model]:>7.1f}x")
    t1 = seconds("BM_batch_logistic_10000/1/iterations:1")
    t2 = seconds("BM_batch_logistic_10000/2/iterations:1")
    print(f"batch of 10,000 logistic curves: 1 thread {t1:.3f} s, 2 threads {t2:.3f} s, speed-up {t1 / t2:.2f}x")
    print(f"target logistic >= 15x SciPy: {'met' if ratios['logistic'] >= 15 else 'NOT met'} ({ratios['logistic']:.1f}x)")
    print(f"target batch >= 1.7x on 2 threads: {'met' if t1 / t2 >= 1.7 else 'NOT met'} ({t1 / t2:.2f}x)")


if __name__ == "__main__":
    main()
