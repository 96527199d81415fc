#!/usr/bin/python3
"""Baseline for scripts/bench-rescore.sh: re-scores lm-evaluation-harness samples JSONL with the
standard json module, doing what `emergent score --per-model` does on the same file: exact match
and Levenshtein distance on generations, Brier score and multiple-choice grade on log-likelihoods,
aggregated per (model, task). Usage: rescore_python.py FILE..."""
import json
import math
import sys


def levenshtein(a, b):
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def main():
    sums = {}
    n = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                d = json.loads(line)
                n += 1
                resps = d["filtered_resps"]
                key = d.get("filter", "none")
                s = sums.setdefault(key, [0, 0.0, 0, 0.0, 0.0, 0])
                if isinstance(resps[0], str):
                    pred = resps[0]
                    ref = str(d["target"])
                    s[0] += 1
                    s[1] += 1.0 if pred == ref else 0.0
                    s[2] += levenshtein(pred.encode(), ref.encode())
                else:
                    lls = [float(r[0]) for r in resps]
                    gold = int(d["target"])
                    m = max(lls)
                    e = [math.exp(x - m) for x in lls]
                    z = sum(e)
                    p = [x / z for x in e]
                    s[3] += sum((pi - (1.0 if i == gold else 0.0)) ** 2 for i, pi in enumerate(p))
                    s[4] += 1.0 if lls.index(m) == gold else 0.0
                    s[5] += 1
    for key, s in sums.items():
        print(key, "generations", s[0], "exact_match", s[1] / max(s[0], 1), "edit_distance", s[2] / max(s[0], 1),
              "mc", s[5], "brier", s[3] / max(s[5], 1), "mc_grade", s[4] / max(s[5], 1))
    print("records", n)


if __name__ == "__main__":
    main()
