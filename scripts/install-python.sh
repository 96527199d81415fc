#!/usr/bin/env bash
# Installs the Python package `emergent` (python/) on Debian 12 into a virtual environment and runs a
# smoke example. As root it first installs the missing Debian packages (there is no PyPI here: numpy,
# SciPy, pandas, ... come from Debian; the venv sees them through --system-site-packages).
# Usage: scripts/install-python.sh [VENV]        (default: build/python-venv)
# Then:  build/python-venv/bin/python -c 'import emergent'
# The build is skipped when the sources (python/, include/) have not changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-build/python-venv}

# g++ (not only g++-12): setuptools calls Python's configured compiler, x86_64-linux-gnu-gcc/g++, which the
# g++ package provides; python3-dev: Python.h; python3-build: wheels; python3-dask/-distributed: emergent.dask.
pkgs=(g++ python3-dev libeigen3-dev libboost-math-dev libsimdjson-dev pybind11-dev python3-pybind11 python3-setuptools
      python3-venv python3-pip python3-wheel python3-build python3-numpy python3-scipy python3-sklearn python3-pandas
      python3-pytest python3-hypothesis python3-matplotlib python3-levenshtein python3-dask python3-distributed)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-python: missing packages: ${missing[*]}"
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
  echo "install-python: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" || { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
fi

py=/usr/bin/python3
[ -x "$venv/bin/python" ] || "$py" -m venv --system-site-packages "$venv"
stamp="$venv/.emergent-source-hash"
hash=$(find python/setup.py python/pyproject.toml python/src python/emergent include -type f \( -name '*.py' -o -name '*.cpp' -o -name '*.hpp' -o -name '*.toml' \) \
         -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && "$venv/bin/python" -c 'import emergent' 2>/dev/null; then
  echo "install-python: emergent is up to date in $venv"
else
  echo "install-python: building emergent into $venv (two compiler jobs; a few minutes on 2 cores)"
  EMERGENT_BUILD_JOBS=${EMERGENT_BUILD_JOBS:-2} nice -n 10 "$venv/bin/pip" install --no-build-isolation --no-index \
    --no-deps --quiet ./python
  echo "$hash" > "$stamp"
fi
venv_abs=$(cd "$venv" && pwd)
(cd /tmp && "$venv_abs/bin/python" - <<'PY'
import emergent as em
ci = em.wilson_interval(0, 200)
print(f"emergent {em.__version__}: Levenshtein('kitten', 'sitting') = {em.levenshtein_distance('kitten', 'sitting')}, "
      f"0/200 correct -> 95% interval [{ci.lower:.3f}, {ci.upper:.3f}]")
PY
)
