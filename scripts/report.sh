#!/usr/bin/env bash
# The README's main job: installs missing Debian packages (as root), builds the `emergent` program and
# the examples in release mode, and runs them on data shipped in this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
cmake -S . -B build/main -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMERGENT_BUILD_TESTS=OFF >/dev/null
cmake --build build/main
for example in build/main/examples/example_*; do
  echo "--- ${example##*/example_}"
  "$example"
done
