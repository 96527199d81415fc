#!/usr/bin/python3
"""Validates a report.json against docs/report.schema.json (python3-jsonschema, draft 2020-12), then
checks what a schema cannot say: intervals contain their values, points are sorted by x, x = log10(quantity),
a breakpoint's interval contains it, and every figure file exists.
Usage: validate_report.py SCHEMA REPORT_DIR.  Exit 0: valid; 1: invalid; 77: jsonschema missing."""
import json
import math
import os
import sys

try:
    import jsonschema
except ImportError:
    print("SKIPPED: python3-jsonschema is not installed")
    sys.exit(77)

schema = json.load(open(sys.argv[1]))
report_dir = sys.argv[2]
report = json.load(open(os.path.join(report_dir, "report.json")))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
for e in errors[:20]:
    print("schema:", "/".join(str(p) for p in e.path), e.message)
problems = []
for t in report["tasks"]:
    if not os.path.exists(os.path.join(report_dir, t["figure"])):
        problems.append(f"{t['id']}: figure {t['figure']} missing")
    for s in t["series"]:
        xs = [p["x"] for p in s["points"]]
        if xs != sorted(xs):
            problems.append(f"{t['id']}/{s['label']}: points not sorted by x")
        for p in s["points"]:
            if abs(p["x"] - math.log10(p["quantity"])) > 1e-9:
                problems.append(f"{t['id']}/{s['label']}/{p['model']}: x != log10(quantity)")
            for kind in ("hard", "soft"):
                e = p[kind]
                if e and e["lower"] is not None and not (e["lower"] <= e["value"] <= e["upper"]):
                    problems.append(f"{t['id']}/{s['label']}/{p['model']}: {kind} interval does not contain the value")
        b = s["analysis"]["breakpoint"]
        if b and b["lower"] is not None and b["upper"] is not None and not (b["lower"] <= b["x"] <= b["upper"]):
            problems.append(f"{t['id']}/{s['label']}: breakpoint outside its interval")
for p in problems[:20]:
    print("check:", p)
if errors or problems:
    sys.exit(1)
print(f"report.json is valid: {len(report['tasks'])} tasks, {sum(len(t['series']) for t in report['tasks'])} series")
