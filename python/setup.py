"""Build of emergent's compiled core (pybind11, several translation units so each compiles quickly).

The C++ headers are taken from ../include (the repository) or from EMERGENT_INCLUDE_DIR; Eigen from
/usr/include/eigen3 (Debian libeigen3-dev) or EIGEN3_INCLUDE_DIR; the readers link simdjson.
"""
import os
import shutil
import sys
from pathlib import Path

from pybind11.setup_helpers import Pybind11Extension, ParallelCompile, build_ext
from setuptools import setup

here = Path(__file__).resolve().parent


def _include_dir():
    env = os.environ.get("EMERGENT_INCLUDE_DIR")
    candidates = [Path(env)] if env else []
    candidates += [here.parent / "include", here / "include"]
    for c in candidates:
        if (c / "emergent" / "emergent.hpp").is_file():
            return c
    sys.exit("setup.py: emergent's headers not found (set EMERGENT_INCLUDE_DIR to the folder holding emergent/)")


def _vendor_headers():
    """An sdist or a wheel built from a copy of python/ alone needs the headers inside the package folder."""
    inc = _include_dir()
    local = here / "include"
    if inc != local and os.environ.get("EMERGENT_VENDOR_HEADERS"):
        shutil.copytree(inc / "emergent", local / "emergent", dirs_exist_ok=True)
    return inc


include = _vendor_headers()
eigen = os.environ.get("EIGEN3_INCLUDE_DIR", "/usr/include/eigen3")

ParallelCompile("EMERGENT_BUILD_JOBS", default=2).install()

sources = [f"src/{name}.cpp" for name in ("module", "metrics", "stats", "fit", "analysis", "io", "score")]
# Every header the sources include: setuptools rebuilds the extension only when one of its sources or
# depends is newer than the built module, so a changed library header must be listed to be noticed.
depends = sorted(str(p) for p in (include / "emergent").rglob("*.hpp")) + sorted(str(p) for p in (here / "src").glob("*.hpp"))
ext = Pybind11Extension(
    "emergent._core",
    sources,
    depends=depends,
    include_dirs=[str(here / "src"), str(include), eigen],
    libraries=["simdjson"],
    cxx_std=20,
    extra_compile_args=["-O2", "-g0", "-Wall", "-Wextra", "-fvisibility=hidden"],  # -g0: no debug info (a smaller, faster build)
)

setup(ext_modules=[ext], cmdclass={"build_ext": build_ext})
