#!/usr/bin/env bash
# Bootstrap benchmark of issue 4: 10,000 resamples of the mean of 100,000 binary outcomes.
# Builds bench_bootstrap (release preset), runs it and the NumPy peer (benchmarks/bootstrap_numpy.py,
# Debian's /usr/bin/python3) in the same script, and prints medians and the two ratios that the
# issue's "Done when" asks for:
#   count resampling (emergent draws) vs NumPy rng.binomial(n, p_hat, size=10000)   -> want >= 1
#   index resampling (emergent, 1 thread) vs plain std::mt19937_64 loop             -> want >= 1.5
# Usage: scripts/bench-bootstrap.sh            (BUILD_DIR overrides build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build/release}
if [ ! -f "$build/CMakeCache.txt" ]; then cmake --preset release >/dev/null; fi
cmake --build "$build" --target bench_bootstrap >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$build/benchmarks/bench_bootstrap" --benchmark_format=json >"$out/cpp.json" 2>"$out/cpp.err"
/usr/bin/python3 benchmarks/bootstrap_numpy.py >"$out/numpy.json"
/usr/bin/python3 - "$out/cpp.json" "$out/numpy.json" <<'PY'
import json, sys
cpp = json.load(open(sys.argv[1]))
numpy = json.load(open(sys.argv[2]))
to_us = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
med = {}
for b in cpp["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    name = b["run_name"].replace("/iterations:1", "").replace("/real_time", "").replace("/repeats:3", "").replace("/repeats:101", "")
    f = to_us[b["time_unit"]]
    med[name] = (b["real_time"] * f, b["cpu_time"] * f)
ctx = cpp["context"]
print(f"machine: {ctx.get('num_cpus')} cpus, load average {ctx.get('load_avg')}, {ctx.get('library_build_type')} benchmark library")
print(f"{'configuration':44s} {'median wall':>14s} {'median cpu':>14s}")
for name, (wall, cpu) in med.items():
    print(f"{name:44s} {wall:11.1f} us {cpu:11.1f} us")
print(f"{'numpy ' + numpy['numpy_version'] + ' rng.binomial (count draws)':44s} {numpy['count_draws_us_median']:11.1f} us {numpy['count_draws_cpu_us_median']:11.1f} us")
def ratio(a, b):
    return a / b
print()
w, c = med["count_draws_emergent/1"]
print(f"count resampling, 1 thread: NumPy / emergent = {ratio(numpy['count_draws_us_median'], w):.2f}x wall, "
      f"{ratio(numpy['count_draws_cpu_us_median'], c):.2f}x cpu   (target >= 1)")
w2, _ = med["count_draws_emergent/2"]
print(f"count resampling, 2 threads: NumPy / emergent = {ratio(numpy['count_draws_us_median'], w2):.2f}x wall")
mw, mc = med["index_mt19937_plain"]
iw, ic = med["index_emergent/1"]
print(f"index resampling, 1 thread: mt19937_64 loop / emergent = {ratio(mw, iw):.2f}x wall, {ratio(mc, ic):.2f}x cpu   (target >= 1.5)")
i2, _ = med["index_emergent/2"]
print(f"index resampling, 2 threads vs 1 thread (wall): {ratio(iw, i2):.2f}x")
cw, _ = med["count_bootstrap_emergent/1"]
print(f"count vs index resampling (full bootstrap, 1 thread, wall): {ratio(iw, cw):.0f}x")
PY
