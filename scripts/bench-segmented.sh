#!/usr/bin/env bash
# Times one-break exact segmented fits and Davies tests (one thread, 25 points) against R
# segmented (default settings) and davies.test on the same data; prints the speed-ups.
# Usage: scripts/bench-segmented.sh   (from the repository root; builds the release preset)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build build/release -j2 --target bench_segmented >/dev/null
json=$(mktemp)
build/release/benchmarks/bench_segmented --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$json"
r_out=$(Rscript benchmarks/segmented_r.R)
echo "$r_out"
/usr/bin/python3 - "$json" <<PY
import json, sys
data = json.load(open(sys.argv[1]))
med = {b["run_name"]: b["real_time"] * {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
       for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
r = dict(line.split() for line in """$r_out""".strip().splitlines())
ours_fit, ours_dav = med["BM_segmented_one_break"], med["BM_davies_test"]
rf, rd = float(r["r_segmented_us"]), float(r["r_davies_us"])
print(f"one-break fit: emergent {ours_fit:.3f} us ({1e6/ours_fit:,.0f}/s), R segmented {rf:.1f} us ({1e6/rf:,.0f}/s): {rf/ours_fit:,.0f}x")
print(f"Davies test:   emergent {ours_dav:.3f} us ({1e6/ours_dav:,.0f}/s), R davies.test {rd:.1f} us ({1e6/rd:,.0f}/s): {rd/ours_dav:,.0f}x")
print(f"pscore test:   emergent {med['BM_pscore_test']:.3f} us")
PY
rm -f "$json"
