import json
import os
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("EMERGENT_SOURCE_DIR", Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def reference_vectors():
    with open(ROOT / "include/emergent/testing/reference_vectors.json") as f:
        return {m["name"]: m for m in json.load(f)["metrics"]}
