"""The Python tutorial (docs/tutorials/6_python.py) prints exactly its checked-in output."""

import subprocess
import sys


def test_tutorial_output(root):
    script = root / "docs/tutorials/6_python.py"
    out = subprocess.run([sys.executable, str(script), str(root / "examples/data")], capture_output=True, text=True,
                         check=True, cwd="/")
    expected = (root / "docs/tutorials/6_python.expected.txt").read_text()
    assert out.stdout == expected
