#!/usr/bin/python3
"""Validates a report.json against docs/report.schema.json (python3-jsonschema, draft 2020-12), then
checks what a schema cannot say: intervals contain their values, points are sorted by x, x = log10(quantity),
a breakpoint's interval contains it, every figure file exists, the drawn logistic is the tabulated one
(its curve samples follow its parameters; the table's k is its k; a flagged fit is drawn dashed and named
in the legend), every series note is in index.html, and powers of ten are rendered one by one.
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
        a = s["analysis"]
        f = a["hard_fit"]
        where = f"{t['id']}/{s['label']}"
        if f and f["model"].startswith("logistic"):
            par = f["parameters"]
            if None not in (par.get("lo"), par.get("hi"), par.get("k"), par.get("x0")):
                for x, y in f["curve"]:
                    z = -par["k"] * (x - par["x0"])
                    want = par["lo"] + (par["hi"] - par["lo"]) / (1 + math.exp(z)) if z < 700 else par["lo"]
                    if y is None or abs(y - want) > 1e-9 * max(1.0, abs(want)):
                        problems.append(f"{where}: the drawn logistic at x = {x} is {y}, its parameters give {want}")
                        break
            if f["flags"]:
                if "logistic_k" in a["sharpness"]:
                    problems.append(f"{where}: a flagged fit's k is tabulated")
                svg = open(os.path.join(report_dir, t["figure"])).read()
                label = f"{s['label']}: {f['model']} fit, {f['flags'][0][:12]}"
                if label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") not in svg or 'stroke-dasharray="6,3"' not in svg:
                    problems.append(f"{where}: flagged fit not drawn dashed with '{label}' in the legend")
            elif f["status"] in ("converged", "hit_bound"):
                if a["sharpness"].get("logistic_k") != par["k"]:
                    problems.append(f"{where}: tabulated k {a['sharpness'].get('logistic_k')} is not the drawn fit's {par['k']}")
        html = open(os.path.join(report_dir, "index.html")).read()
        for n in a["notes"]:
            esc = (s["label"] + ": " + n).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            if esc not in html and (s["label"] + ": " + n) not in html:
                problems.append(f"{where}: note not shown in index.html: {n}")
        for v in (a["judgement_probability"], a["verdict_probability"]):
            if v is not None and not (0 <= v <= 1):
                problems.append(f"{where}: probability {v} outside [0, 1]")
        e = a.get("example_bootstrap")
        if e:
            for key in ("breakpoint_interval", "largest_jump_interval"):
                iv = e[key]
                if iv and None not in iv and not iv[0] <= iv[1]:
                    problems.append(f"{where}: example_bootstrap.{key} {iv} has lower > upper")
            if e["verdict_probabilities"] is not None:
                total = sum(e["verdict_probabilities"].values())
                if abs(total - 1) > 1e-9:
                    problems.append(f"{where}: the verdict probabilities over examples sum to {total}")
                if a["verdict_probability"] != e["verdict_probabilities"].get(a["verdict"]):
                    problems.append(f"{where}: verdict_probability is not the bootstrap share of the verdict")
            if e["judgement_probability"] != a["judgement_probability"]:
                problems.append(f"{where}: judgement_probability is not the one of the bootstrap over examples")
        b = s["analysis"]["breakpoint"]
        if b and b["lower"] is not None and b["upper"] is not None and not (b["lower"] <= b["x"] <= b["upper"]):
            problems.append(f"{t['id']}/{s['label']}: breakpoint outside its interval")
if report["tasks"]:
    html = open(os.path.join(report_dir, "index.html")).read()
    import re
    if re.search(r"<sup>[0-9.]+-10</sup>", html):
        problems.append("index.html renders two powers of ten as one (10<sup>a-10</sup>^b)")
for p in problems[:20]:
    print("check:", p)
if errors or problems:
    sys.exit(1)
print(f"report.json is valid: {len(report['tasks'])} tasks, {sum(len(t['series']) for t in report['tasks'])} series")
