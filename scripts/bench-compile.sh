#!/usr/bin/env bash
# What including emergent costs: compiler CPU time (user + system) and peak memory of
#   baseline      benchmarks/compile/baseline.cpp  (Eigen LDLT + a Boost.Math Student-t quantile: the dependencies' own cost)
#   readme        examples/readme.cpp              (the README's program, <emergent/emergent.hpp>)
#   fit+analysis  benchmarks/compile/fit_analysis.cpp (logistic fit + segmented fit + mirage analysis)
# each compiled twice with `$CXX -std=c++20 -O2` (the lower of the two runs is kept), printed with its
# ratio to the baseline; then every public header alone with -fsyntax-only, as a ratio to the baseline
# (best of three runs for a header above 0.4x).
# Targets (docs/performance.md): readme <= 2x time, <= 1.5x memory; fit+analysis <= 3x time, <= 2x memory;
# every header alone <= 0.5x the baseline's time. Exits 1 when a target is missed.
# Usage: scripts/bench-compile.sh [--quick]   (--quick: skip the per-header pass)
# Environment: CXX (default g++-12).
set -uo pipefail
cd "$(dirname "$0")/.."
cxx=${CXX:-g++-12}
eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
flags=(-std=c++20 -O2 -Iinclude $eigen)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0

# measure FILE [extra flags...]: prints "cpu_seconds peak_kb" (the better of two runs).
measure() {
  local file=$1; shift
  local best_t="" best_m=""
  for _ in 1 2; do
    /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$cxx" "${flags[@]}" "$@" -c "$file" -o "$tmp/out.o" || return 1
    read -r u s m <"$tmp/time"
    local t; t=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then best_t=$t; fi
    if [ -z "$best_m" ] || [ "$m" -lt "$best_m" ]; then best_m=$m; fi
  done
  echo "$best_t $best_m"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict=""
check() {  # check VALUE LIMIT: sets $verdict (and status=1 when missed); not in a subshell, so status survives
  if awk -v v="$1" -v l="$2" 'BEGIN { exit !(v <= l) }'; then verdict="ok"; else verdict="MISSED (target <= $2)"; status=1; fi
}

echo "compiler: $($cxx --version | head -1)"
read -r bt bm < <(measure benchmarks/compile/baseline.cpp)
printf "%-14s %8s s %8s MB\n" baseline "$bt" "$((bm / 1024))"
for probe in "readme examples/readme.cpp 2 1.5" "fit+analysis benchmarks/compile/fit_analysis.cpp 3 2"; do
  read -r name file tmax mmax <<<"$probe"
  read -r t m < <(measure "$file")
  rt=$(ratio "$t" "$bt"); rm=$(ratio "$m" "$bm")
  check "$rt" "$tmax"; vt=$verdict
  check "$rm" "$mmax"; vm=$verdict
  printf "%-14s %8s s %8s MB   time %sx %s   memory %sx %s\n" "$name" "$t" "$((m / 1024))" "$rt" "$vt" "$rm" "$vm"
done

if [ "${1:-}" != "--quick" ]; then
  worst=0; worst_name=""; count=0; over=()
  while IFS= read -r h; do
    rel=${h#include/}
    echo "#include <$rel>" >"$tmp/alone.cpp"
    io_flags=()
    case $rel in emergent/io/*|emergent/io.hpp) io_flags=($(pkg-config --cflags simdjson 2>/dev/null)) ;; esac
    # one run per header; one above 0.4x the baseline is run twice more and keeps its fastest run
    # (on this noisy 2-core VM a single run varies by up to 20%, as the probes' best-of-two do)
    t=""
    for run in 1 2 3; do
      /usr/bin/time -f "%U %S" -o "$tmp/time" "$cxx" -std=c++20 -Iinclude $eigen "${io_flags[@]}" -fsyntax-only "$tmp/alone.cpp" || { echo "$rel: does not compile alone"; status=1; t=""; break; }
      read -r u s <"$tmp/time"
      r=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
      if [ -z "$t" ] || awk -v a="$r" -v b="$t" 'BEGIN { exit !(a < b) }'; then t=$r; fi
      awk -v a="$t" -v b="$bt" 'BEGIN { exit !(a > 0.4 * b) }' || break
    done
    [ -n "$t" ] || continue
    count=$((count + 1))
    if awk -v a="$t" -v b="$worst" 'BEGIN { exit !(a > b) }'; then worst=$t; worst_name=$rel; fi
    if awk -v a="$t" -v b="$bt" 'BEGIN { exit !(a > 0.5 * b) }'; then over+=("$rel $(ratio "$t" "$bt")x"); fi
    [ -n "${VERBOSE:-}" ] && printf "  %-50s %s s\n" "$rel" "$t"
  done < <(find include/emergent -name '*.hpp' | sort)
  rw=$(ratio "$worst" "$bt")
  check "$rw" 0.5
  printf "headers alone: %d public headers, slowest %s at %s s = %sx the baseline %s\n" "$count" "$worst_name" "$worst" "$rw" "$verdict"
  for o in "${over[@]}"; do echo "  above 0.5x: $o"; done
fi
exit $status
