"""Writes tests/data/mirage_examples.csv: synthetic per-example scores for the `emergent mirage` CLI
test. Ten models, x = log10 compute from 18 to 26; per-token accuracy p rises linearly from 0.45 to
0.97; each example has a 5-token answer; `per_token` is the share of tokens right and `exact_match`
is 1 when all 5 are right (the same simulated predictions under a soft and a hard metric).
Run: /usr/bin/python3 tests/reference/make_mirage_fixture.py (from the repository root)."""
import numpy as np

rng = np.random.default_rng(20230428)
rows = ["model,x,exact_match,per_token"]
for m in range(10):
    x = 18.0 + 8.0 * m / 9
    p = 0.45 + 0.065 * (x - 18.0)
    for _ in range(150):
        right = int((rng.random(5) < p).sum())
        rows.append(f"m{m:02d},{x:.4f},{1 if right == 5 else 0},{right / 5:.1f}")
with open("tests/data/mirage_examples.csv", "w") as f:
    f.write("\n".join(rows) + "\n")
