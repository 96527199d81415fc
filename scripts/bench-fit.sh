#!/usr/bin/env bash
# Benchmarks emergent's fitter against SciPy's curve_fit on the same curves (issue 5; docs/performance.md):
# builds bench_fit with the release preset and runs benchmarks/fit_vs_scipy.py with Debian's Python.
# Usage: scripts/bench-fit.sh        (run when the machine is otherwise quiet: it times 1 vs 2 threads)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build build/release -j2 --target bench_fit
/usr/bin/python3 benchmarks/fit_vs_scipy.py build/release/benchmarks/bench_fit
