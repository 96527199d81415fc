#!/usr/bin/env bash
# Re-scoring benchmark (issue 7): generates an lm-evaluation-harness-shaped samples JSONL of SIZE_MB
# megabytes in /tmp (never committed), then re-scores it on one thread with `emergent score`
# (release build) and with benchmarks/rescore_python.py (standard json module), printing MB/s, the
# ratio and the peak resident memory of each (/usr/bin/time -v); then `emergent score --threads 2`
# against one thread (wall and CPU time, speed-up), with the load average and `uptime`.
# Usage: [REPEATS=3] scripts/bench-rescore.sh [SIZE_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1000}
repeats=${REPEATS:-3}
input=/tmp/emergent_rescore_${size_mb}MB.jsonl
if [ ! -f "$input" ]; then
  /usr/bin/python3 benchmarks/make_rescore_input.py "$input" "$size_mb" >&2
fi
bytes=$(stat -c %s "$input")
if [ ! -x build/release/tools/emergent ]; then
  cmake --preset release >/dev/null
  cmake --build build/release -j2 --target emergent_cli >&2
fi
metrics=exact_match,edit_distance,brier,mc_grade

measure() {  # prints "wall_s cpu_s peak_kb" of the run with the median CPU time
  local log runs=()
  log=$(mktemp)
  for _ in $(seq "$repeats"); do
    /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" >/dev/null 2>/dev/null
    runs+=("$(awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$log")")
  done
  rm -f "$log"
  printf '%s\n' "${runs[@]}" | sort -k2 -n | sed -n "$(( (${#runs[@]} + 1) / 2 ))p"
}

read -r c_wall c_cpu c_kb < <(measure build/release/tools/emergent score --format lm-eval --model bench --task bench --metrics "$metrics" --per-model "$input")
read -r t_wall t_cpu t_kb < <(measure build/release/tools/emergent score --format lm-eval --model bench --task bench --metrics "$metrics" --per-model --threads 2 "$input")
repeats_main=$repeats
repeats=1
read -r p_wall p_cpu p_kb < <(measure /usr/bin/python3 benchmarks/rescore_python.py "$input")
awk -v b="$bytes" -v cw="$c_wall" -v cc="$c_cpu" -v ck="$c_kb" -v pw="$p_wall" -v pc="$p_cpu" -v pk="$p_kb" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  printf "input: %.0f MB lm-eval-shaped JSONL; load average %s on %d cores\n", b / 1e6, load, '"$(nproc)"';
  printf "%-15s %9s %9s %12s %12s %10s\n", "", "wall s", "CPU s", "MB/s (wall)", "MB/s (CPU)", "peak RSS";
  printf "%-15s %9.2f %9.2f %12.1f %12.1f %7.1f MB\n", "emergent score", cw, cc, b / 1e6 / cw, b / 1e6 / cc, ck / 1024;
  printf "%-15s %9.2f %9.2f %12.1f %12.1f %7.1f MB\n", "python json", pw, pc, b / 1e6 / pw, b / 1e6 / pc, pk / 1024;
  printf "ratio (python / emergent): wall %.1fx, CPU %.1fx\n", pw / cw, pc / cc }'
awk -v b="$bytes" -v cw="$c_wall" -v cc="$c_cpu" -v ck="$c_kb" -v tw="$t_wall" -v tc="$t_cpu" -v tk="$t_kb" -v r="$repeats_main" 'BEGIN {
  printf "\n--threads (median of %d runs each)\n", r;
  printf "%-22s %9s %9s %12s %10s\n", "", "wall s", "CPU s", "MB/s (wall)", "peak RSS";
  printf "%-22s %9.2f %9.2f %12.1f %7.1f MB\n", "emergent score", cw, cc, b / 1e6 / cw, ck / 1024;
  printf "%-22s %9.2f %9.2f %12.1f %7.1f MB\n", "emergent score -t 2", tw, tc, b / 1e6 / tw, tk / 1024;
  printf "speed-up of --threads 2: wall %.2fx; CPU time ratio (2 threads / 1) %.2f\n", cw / tw, tc / cc }'
echo "uptime: $(uptime)"
