#!/usr/bin/env bash
# The whole test suite, as the README gives it and as CI runs it (.ci/run calls exactly this):
# installs missing Debian packages (as root), then builds and tests with g++-12 under AddressSanitizer +
# UndefinedBehaviorSanitizer with warnings as errors (preset asan: every test, the program and its CLI tests,
# the examples with expected output, the consumer projects, the docs check), clang++-14 (preset clang-debug:
# library tests, the program, every public header compiled alone), and runs the libFuzzer targets briefly.
# Last, the `python` step builds the Python package (scripts/install-python.sh) and runs its pytest suite.
# One g++ build instead of two (plain debug + sanitizers) keeps CI inside its time budget: docs/design.md.
# Usage: scripts/test.sh [preset ...]    (default: asan clang-debug fuzz python)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test || exit 1

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(asan clang-debug fuzz python)
fuzz_seconds=${EMERGENT_FUZZ_SECONDS:-20}
log=$(mktemp)
passed=0; failed=0; status=0
start=$(date +%s)

timings=""; previous=""; preset_start=$start
note_time() { [ -z "$previous" ] || timings+="${timings:+, }$previous $(( $(date +%s) - preset_start )) s"; preset_start=$(date +%s); }
for preset in "${presets[@]}"; do
  note_time; previous=$preset
  echo "=== $preset ==="
  if [ "$preset" = python ]; then
    if ! bash scripts/install-python.sh; then
      echo "python: install failed"; failed=$((failed + 1)); status=1; continue
    fi
    root=$PWD
    (cd /tmp && EMERGENT_SOURCE_DIR="$root" "$root/build/python-venv/bin/python" -m pytest -q -p no:cacheprovider \
       "$root/python/tests") 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E "^(=+ )?[0-9]+ (passed|failed)" "$log" | tail -1)
    np=$(grep -oE "[0-9]+ passed" <<<"$line" | cut -d' ' -f1); nf=$(grep -oE "[0-9]+ (failed|errors?)" <<<"$line" | awk '{s += $1} END {print s + 0}')
    passed=$((passed + ${np:-0})); failed=$((failed + ${nf:-0}))
    if [ "$rc" -ne 0 ]; then
      status=1; [ -n "$np$nf" ] || failed=$((failed + 1))
    fi
    continue
  fi
  if [ "$preset" = fuzz ]; then
    if ! cmake --preset fuzz >/dev/null || ! cmake --build --preset fuzz --target emergent_fuzzers; then
      echo "fuzz: build failed"; failed=$((failed + 1)); status=1; continue
    fi
    # The targets run two at a time (the 2-core CI machine), each for $fuzz_seconds seconds.
    fuzz_jobs=${EMERGENT_FUZZ_JOBS:-2}
    fuzzers=()
    for f in build/fuzz/tests/fuzz_*; do [ -x "$f" ] && fuzzers+=("$f"); done
    run_fuzzer() {
      local f=$1 name corpus
      name=$(basename "$f"); corpus="tests/fuzz/corpus/${name#fuzz_}"
      mkdir -p "build/fuzz/corpus/$name"
      local args=("build/fuzz/corpus/$name")
      [ -d "$corpus" ] && args+=("$corpus")
      "$f" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 "${args[@]}" >"build/fuzz/$name.log" 2>&1
      echo $? >"build/fuzz/$name.rc"
    }
    rm -f build/fuzz/*.rc
    i=0
    while [ $i -lt ${#fuzzers[@]} ]; do
      for ((j = 0; j < fuzz_jobs && i + j < ${#fuzzers[@]}; j++)); do run_fuzzer "${fuzzers[i + j]}" & done
      wait
      i=$((i + fuzz_jobs))
    done
    for f in "${fuzzers[@]}"; do
      name=$(basename "$f")
      if [ "$(cat "build/fuzz/$name.rc" 2>/dev/null)" = 0 ]; then
        echo "fuzz: $name ran ${fuzz_seconds}s without a finding"; passed=$((passed + 1))
      else
        echo "fuzz: $name FAILED"; tail -40 "build/fuzz/$name.log"; failed=$((failed + 1)); status=1
      fi
    done
    continue
  fi
  cmake --workflow --preset "$preset" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  summary=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1)
  if [ -n "$summary" ]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$summary")
    nfail=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
    passed=$((passed + total - nfail)); failed=$((failed + nfail))
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))  # the build itself failed
  fi
  [ "$rc" -eq 0 ] || status=1
done
note_time
rm -f "$log"
echo "=== summary: presets ${presets[*]}, $(( $(date +%s) - start )) s ($timings) ==="
echo "${passed} passed, ${failed} failed"
exit $status
