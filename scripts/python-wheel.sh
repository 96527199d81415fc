#!/usr/bin/env bash
# Builds a wheel of the Python package (python/) with Debian's python3-build and checks it: installs it
# into a fresh `--system-site-packages` virtual environment (numpy etc. from Debian) and imports it
# from outside the source tree. Needs the packages scripts/install-python.sh installs.
# Usage: scripts/python-wheel.sh [OUTDIR]      (default: build/wheels)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/wheels}
mkdir -p "$out"
out=$(cd "$out" && pwd)
py=/usr/bin/python3   # Debian's Python: the one whose python3-build, numpy, pybind11 are installed
# --no-isolation: the build requirements (setuptools, wheel, pybind11) come from Debian, not PyPI.
(cd python && EMERGENT_BUILD_JOBS=${EMERGENT_BUILD_JOBS:-2} nice -n 10 "$py" -m build --no-isolation --wheel --outdir "$out" .)
version=$("$py" -c 'import tomllib; print(tomllib.load(open("python/pyproject.toml", "rb"))["project"]["version"])')
wheel=$(ls -t "$out"/emergent-"$version"-*.whl | head -1)
venv=$(mktemp -d /tmp/emergent-wheel-venv.XXXXXX)
trap 'rm -rf "$venv"' EXIT
"$py" -m venv --system-site-packages "$venv"
"$venv/bin/pip" install --no-index --no-deps --quiet "$wheel"
(cd /tmp && "$venv/bin/python" - "$venv" <<'PY'
import sys
import emergent as em
assert em.__file__.startswith(sys.argv[1]), em.__file__  # the wheel's copy, not the source tree
ci = em.wilson_interval(0, 200)
fit = em.fit([19, 20, 21, 22, 23, 24], [0.05, 0.06, 0.2, 0.7, 0.84, 0.85], "logistic", warn=False)
print(f"wheel ok: emergent {em.__version__} from {em.__file__}: 0/200 -> [{ci.lower:.3f}, {ci.upper:.3f}], "
      f"logistic x0 = {fit.params['x0']:.3f}")
PY
)
echo "python-wheel: $wheel"
