#!/usr/bin/env bash
# The README's main job: installs missing Debian packages (as root), builds the `emergent` program in
# release mode, and runs `emergent report` on the real scaling data shipped in examples/data/ (Pythia
# arithmetic and LAMBADA, ObsScaling's 47 models, WinoGrande per-item option log-likelihoods).
# Only the `report` subcommand is compiled (EMERGENT_CLI_COMMANDS), in two translation units built in parallel.
# Writes build/report/{index.html,report.json,*.svg} (or the directory given as $1) and prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/report}
bash scripts/install-deps.sh build
cmake -S . -B build/main -G Ninja -DCMAKE_CXX_COMPILER="${CXX:-g++-12}" -DCMAKE_BUILD_TYPE=Release -DEMERGENT_BUILD_TESTS=OFF \
      -DEMERGENT_BUILD_EXAMPLES=OFF -DEMERGENT_CLI_COMMANDS=report >/dev/null
cmake --build build/main --target emergent_cli
build/main/tools/emergent report --spec examples/data/emergence_report.json -o "$out"
echo "open $out/index.html to see the figures"
