#!/usr/bin/env bash
# Re-scoring benchmark (issue 7): generates an lm-evaluation-harness-shaped samples JSONL of SIZE_MB
# megabytes in /tmp (never committed), then re-scores it on one thread with `emergent score`
# (release build) and with benchmarks/rescore_python.py (standard json module), printing MB/s, the
# ratio and the peak resident memory of each (/usr/bin/time -v); then `emergent score --threads 2`
# against one thread (wall and CPU time, speed-up), with the load average and `uptime`.
# Usage: [REPEATS=3] [THREADS_ONLY=1] scripts/bench-rescore.sh [SIZE_MB]
# THREADS_ONLY=1 leaves out the Python peer (the one-thread emergent figures and --threads 2 remain).
# COMPRESS=gz|zst instead re-scores a gzip (-6) or zstd (-3) copy of the input beside the plain file,
# both with `emergent score` on one thread; MB/s are of the uncompressed bytes (the decompressed text).
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
if [ -n "${COMPRESS:-}" ]; then
  case "$COMPRESS" in
    gz) packed=$input.gz; [ -f "$packed" ] || gzip -6 -c "$input" >"$packed" ;;
    zst) packed=$input.zst; [ -f "$packed" ] || zstd -3 -q -c "$input" >"$packed" ;;
    *) echo "COMPRESS must be gz or zst" >&2; exit 2 ;;
  esac
  read -r z_wall z_cpu z_kb < <(measure build/release/tools/emergent score --format lm-eval --model bench --task bench --metrics "$metrics" --per-model "$packed")
  awk -v b="$bytes" -v zb="$(stat -c %s "$packed")" -v cw="$c_wall" -v cc="$c_cpu" -v ck="$c_kb" -v zw="$z_wall" -v zc="$z_cpu" -v zk="$z_kb" -v k="$COMPRESS" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    printf "input: %.0f MB lm-eval-shaped JSONL (%s: %.0f MB); load average %s on %d cores\n", b / 1e6, k, zb / 1e6, load, '"$(nproc)"';
    printf "%-22s %9s %9s %12s %12s %10s\n", "", "wall s", "CPU s", "MB/s (wall)", "MB/s (CPU)", "peak RSS";
    printf "%-22s %9.2f %9.2f %12.1f %12.1f %7.1f MB\n", "emergent score, plain", cw, cc, b / 1e6 / cw, b / 1e6 / cc, ck / 1024;
    printf "%-22s %9.2f %9.2f %12.1f %12.1f %7.1f MB\n", "emergent score, " k, zw, zc, b / 1e6 / zw, b / 1e6 / zc, zk / 1024;
    printf "ratio (%s / plain): wall %.2fx, CPU %.2fx\n", k, zw / cw, zc / cc }'
  exit 0
fi
# --threads 2 against one thread: interleaved runs (1, 2, 1, 2, ...), medians of the wall times.
# First each core's speed on its own (one thread pinned with taskset): a virtual machine's two cores
# are not always equal (another tenant on the host), and two threads cannot beat 1 + slow/fast.
cores=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  for c in 0 1; do
    /usr/bin/time -f "%e" -o /tmp/emergent_bench_core taskset -c "$c" build/release/tools/emergent score --format lm-eval --model bench --task bench --metrics "$metrics" --per-model "$input" >/dev/null 2>&1
    cores="$cores cpu$c $(cat /tmp/emergent_bench_core) s"
  done
  rm -f /tmp/emergent_bench_core
fi
walls1=() walls2=() cpus1=() cpus2=()
tlog=$(mktemp)
for _ in $(seq "$repeats"); do
  /usr/bin/time -f "%e %U %S %M" -o "$tlog" build/release/tools/emergent score --format lm-eval --model bench --task bench --metrics "$metrics" --per-model "$input" >/dev/null 2>&1
  read -r w u s_ k1 <"$tlog"; walls1+=("$w"); cpus1+=("$(awk -v u="$u" -v s="$s_" 'BEGIN { print u + s }')")
  /usr/bin/time -f "%e %U %S %M" -o "$tlog" build/release/tools/emergent score --format lm-eval --model bench --task bench --metrics "$metrics" --per-model --threads 2 "$input" >/dev/null 2>&1
  read -r w u s_ t_kb <"$tlog"; walls2+=("$w"); cpus2+=("$(awk -v u="$u" -v s="$s_" 'BEGIN { print u + s }')")
done
rm -f "$tlog"
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
w1=$(median "${walls1[@]}"); w2=$(median "${walls2[@]}"); c1=$(median "${cpus1[@]}"); c2=$(median "${cpus2[@]}")
repeats_main=$repeats
repeats=1
if [ -z "${THREADS_ONLY:-}" ]; then
read -r p_wall p_cpu p_kb < <(measure /usr/bin/python3 benchmarks/rescore_python.py "$input")
awk -v b="$bytes" -v cw="$c_wall" -v cc="$c_cpu" -v ck="$c_kb" -v pw="$p_wall" -v pc="$p_cpu" -v pk="$p_kb" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  printf "input: %.0f MB lm-eval-shaped JSONL; load average %s on %d cores\n", b / 1e6, load, '"$(nproc)"';
  printf "%-15s %9s %9s %12s %12s %10s\n", "", "wall s", "CPU s", "MB/s (wall)", "MB/s (CPU)", "peak RSS";
  printf "%-15s %9.2f %9.2f %12.1f %12.1f %7.1f MB\n", "emergent score", cw, cc, b / 1e6 / cw, b / 1e6 / cc, ck / 1024;
  printf "%-15s %9.2f %9.2f %12.1f %12.1f %7.1f MB\n", "python json", pw, pc, b / 1e6 / pw, b / 1e6 / pc, pk / 1024;
  printf "ratio (python / emergent): wall %.1fx, CPU %.1fx\n", pw / cw, pc / cc }'
fi
awk -v b="$bytes" -v w1="$w1" -v w2="$w2" -v c1="$c1" -v c2="$c2" -v tk="$t_kb" -v r="$repeats_main" -v cores="$cores" -v all1="${walls1[*]}" -v all2="${walls2[*]}" 'BEGIN {
  printf "\n--threads (interleaved, medians of %d runs each)\n", r;
  if (cores != "") printf "one thread pinned to each core:%s\n", cores;
  printf "%-22s %9s %9s %12s\n", "", "wall s", "CPU s", "MB/s (wall)";
  printf "%-22s %9.2f %9.2f %12.1f\n", "emergent score", w1, c1, b / 1e6 / w1;
  printf "%-22s %9.2f %9.2f %12.1f   (peak RSS %.1f MB)\n", "emergent score -t 2", w2, c2, b / 1e6 / w2, tk / 1024;
  printf "wall times, 1 thread: %s\nwall times, 2 threads: %s\n", all1, all2;
  printf "speed-up of --threads 2: wall %.2fx; CPU time ratio (2 threads / 1) %.2f\n", w1 / w2, c2 / c1 }'
echo "uptime: $(uptime)"
