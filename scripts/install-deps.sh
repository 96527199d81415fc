#!/usr/bin/env bash
# Installs the Debian packages that emergent's build, tests, benchmarks and report need.
# As root: installs whatever is missing (apt-get). Otherwise: prints exactly which packages are
# missing and the command to install them, and exits 1 if any are.
# Usage: scripts/install-deps.sh [build|test|bench|all]   (default: all)
set -euo pipefail
what=${1:-all}

build_pkgs=(g++-12 cmake ninja-build pkg-config libeigen3-dev libboost-math-dev libcli11-dev libsimdjson-dev nlohmann-json3-dev
            zlib1g-dev libzstd-dev libzip-dev)  # emergent::io: .gz/.zst inputs, Inspect .eval archives
test_pkgs=(clang-14 libclang-rt-14-dev libc++-14-dev libc++abi-14-dev doctest-dev libbenchmark-dev libedlib-dev doxygen
           python3 python3-numpy python3-scipy python3-sklearn r-cran-segmented chromium
           librsvg2-bin python3-jsonschema
           pybind11-dev python3-pybind11 python3-setuptools python3-venv python3-pip python3-wheel python3-pandas
           python3-pytest python3-hypothesis python3-matplotlib python3-levenshtein
           g++ python3-dev python3-build python3-dask python3-distributed
           git)  # the FetchContent consumer test clones this checkout
bench_pkgs=(libbenchmark-dev libedlib-dev python3-numpy python3-scipy r-cran-segmented)

case "$what" in
  build) wanted=("${build_pkgs[@]}") ;;
  test)  wanted=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) wanted=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
  all)   wanted=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages for '$what' are installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}"
  echo "install them with:"
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
