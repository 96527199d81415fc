#!/usr/bin/python3
"""One pipeline: `emergent score --per-example --compute C | emergent mirage -` (and `| emergent report -`).

On the real WinoGrande per-item dump of tests/data/io (1,267 items x Llama-2-7b, Llama-2-13b,
Mistral-7B, 5-shot option log-likelihoods; provenance in tests/data/SOURCES.md) with the compute table
tests/data/io/winogrande_compute.csv (Mistral has no token count, so no FLOPs):
  score   every per-example row carries params, tokens, flops, flops_derived of its model (CSV and JSON),
          and the joined numbers are the compute table's (6ND where derived); no compute: no x columns
  mirage  reading standard input, the curves are the per-model means computed here from the raw CSV
          (hard: the stored `acc`; soft: the gold option's log-likelihood), x = log10(params), and the
          whole JSON verdict equals the one of `emergent mirage` on the hand-built table
          model,x,hard,soft (the older input shape) written here: same bootstrap over examples
  flops   the default x: Mistral's 1,267 rows are left out and counted on standard error, then two
          models are too few (exit 3)
  report  reading standard input, recognises the per-example shape; its hard values are the same means;
          with --x params its verdict and bootstrap probabilities over examples are those of `mirage`
          (the same mirage_analysis, same seed), the judgement probability and the intervals of the
          largest rise come from resampling examples within each model; the same seed gives the same
          report.json byte for byte, another seed other bootstrap numbers
  truth   simulated per-example data (13 models, 400 or 2000 examples each, made here with a seeded RNG): a
          sharp jump (a hinge at 10^22.125 FLOPs) is judged sharp, sharp_under_both, and the bootstrap
          interval of the breakpoint covers 22.125; a smooth (linear) curve is judged smooth,
          smooth_under_both
Run by ctest ("cli: score_pipeline"): score_pipeline.py --emergent PATH --source DIR --work DIR
"""
import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(emergent, args, stdin=None, expect_rc=0):
    p = subprocess.run([emergent] + args, input=stdin, capture_output=True, text=True)
    if p.returncode != expect_rc:
        failures.append("emergent %s: exit %d, expected %d\n%s" % (" ".join(args), p.returncode, expect_rc, p.stderr))
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emergent", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    data = os.path.join(a.source, "tests", "data", "io")
    dump = os.path.join(data, "winogrande_5shot_option_loglik_llama2_mistral.csv")
    compute = os.path.join(data, "winogrande_compute.csv")
    score = ["score", "--format", "csv", "--map-file", os.path.join(data, "winogrande_mapping.conf"), "--task", "winogrande",
             "--metrics", "mc_grade,log_likelihood", "--per-example"]

    # Independent reference: per-model means from the raw CSV, and the compute table.
    hard, soft, n = {}, {}, {}
    with open(dump, newline="") as f:
        for row in csv.DictReader(f):
            m = row["model"]
            g = int(row["gold_option"])
            hard[m] = hard.get(m, 0.0) + float(row["acc"])
            soft[m] = soft.get(m, 0.0) + float(row["loglik_option%d" % g])
            n[m] = n.get(m, 0) + 1
    table = {}
    with open(compute, newline="") as f:
        for row in csv.DictReader(f):
            p = float(row["params"]) if row["params"] else None
            t = float(row["tokens"]) if row["tokens"] else None
            table[row["model"]] = (p, t, 6 * p * t if p and t else None)

    # score: the x columns on every row, CSV and JSON.
    pe = run(a.emergent, score + ["--compute", compute, dump])
    rows = list(csv.DictReader(pe.stdout.splitlines()))
    check(len(rows) == sum(n.values()), "score: %d per-example rows, expected %d" % (len(rows), sum(n.values())))
    check(list(rows[0].keys())[-4:] == ["params", "tokens", "flops", "flops_derived"] if rows else False,
          "score: the per-example header ends with params,tokens,flops,flops_derived")
    for r in rows:
        p, t, fl = table[r["model"]]
        got = (float(r["params"]) if r["params"] else None, float(r["tokens"]) if r["tokens"] else None,
               float(r["flops"]) if r["flops"] else None)
        if got[0] != p or got[1] != t or (fl is None) != (got[2] is None) or (fl and abs(got[2] - fl) > 1e-9 * fl):
            failures.append("score: line %s of %s: x %r, compute table %r" % (r["line"], r["model"], got, (p, t, fl)))
            break
        if r["flops_derived"] != ("true" if fl else "false"):
            failures.append("score: line %s: flops_derived %r" % (r["line"], r["flops_derived"]))
            break
    check("FLOPs of some models were derived as 6*N*D" in pe.stderr, "score: the 6ND note on standard error:\n" + pe.stderr)
    out_json = os.path.join(a.work, "pe.json")
    if os.path.exists(out_json):
        os.remove(out_json)
    run(a.emergent, score + ["--compute", compute, "--out", out_json, dump])
    with open(out_json) as f:
        records = json.load(f)["records"]
    check(len(records) == len(rows), "score --out .json: %d records" % len(records))
    check(all(("params" in x and "flops" in x and "tokens" in x and "flops_derived" in x) for x in records),
          "score --out .json: every record has params, tokens, flops, flops_derived")
    check(all((x["flops"] is None) == (table[x["model"]][2] is None) for x in records), "score JSON: flops null exactly for Mistral")
    plain = run(a.emergent, score + [dump])
    check(plain.stdout.splitlines()[0] == "source,line,model,task,example_id,mc_grade,log_likelihood",
          "score without --compute: header " + plain.stdout.splitlines()[0])

    # A model absent from the compute table: empty cells and a counted notice.
    partial = os.path.join(a.work, "partial_compute.csv")
    with open(partial, "w") as f:
        f.write("model,params,tokens\nLlama-2-7b-hf,7e9,2e12\nLlama-2-13b-hf,1.3e10,2e12\n")
    p = run(a.emergent, score + ["--compute", partial, dump])
    absent = [r for r in csv.DictReader(p.stdout.splitlines()) if r["model"] == "Mistral-7B-v0.1"]
    check(len(absent) == n["Mistral-7B-v0.1"] and all(r["params"] == r["flops"] == r["flops_derived"] == "" for r in absent),
          "score: rows of a model absent from the compute table have empty x cells")
    check("1267 per-example rows of 1 model absent from the compute table" in p.stderr,
          "score: the absent model is counted on standard error:\n" + p.stderr)

    # mirage from standard input, x = params.
    models = sorted(n, key=lambda m: (table[m][0], list(n).index(m)))
    for extra in ([], ["--min-models", "3"]):
        m = run(a.emergent, ["mirage", "--hard", "mc_grade", "--soft", "log_likelihood", "--x", "params", "--replicates", "50",
                             "--json"] + extra + ["-"], stdin=pe.stdout)
        got = json.loads(m.stdout) if m.returncode == 0 else {}
        if not got:
            continue
        check(got["models"] == models, "mirage: models %r, expected %r" % (got["models"], models))
        for i, name in enumerate(models):
            check(abs(got["x"][i] - math.log10(table[name][0])) < 1e-12, "mirage: x of %s" % name)
            check(abs(got["hard_curve"]["y"][i] - hard[name] / n[name]) < 1e-12, "mirage: hard y of %s" % name)
            check(abs(got["soft_curve"]["y"][i] - soft[name] / n[name]) < 1e-9, "mirage: soft y of %s" % name)
        check(got["min_examples"] == min(n.values()), "mirage: min_examples %r" % got["min_examples"])
        if not extra:
            check(got["verdict"] == "not_resolvable", "mirage: 3 models < 5: verdict %r" % got["verdict"])
        # The same analysis on the older shape (model,x,hard,soft) built here from the raw CSV.
        old = os.path.join(a.work, "old_shape.csv")
        with open(dump, newline="") as f, open(old, "w") as o:
            o.write("model,x,hard,soft\n")
            for row in csv.DictReader(f):
                if row["model"] in table:
                    o.write("%s,%.17g,%s,%s\n" % (row["model"], math.log10(table[row["model"]][0]), row["acc"],
                                                   row["loglik_option%d" % int(row["gold_option"])]))
        ref = run(a.emergent, ["mirage", "--hard", "hard", "--soft", "soft", "--replicates", "50", "--json"] + extra + [old])
        if ref.returncode == 0:
            want = json.loads(ref.stdout)
            for k in ("file", "hard", "soft"):
                got.pop(k, None)
                want.pop(k, None)
            check(got == want, "mirage %s: the pipeline's verdict differs from the hand-built table's:\n%s\n%s"
                  % (extra, json.dumps(got)[:800], json.dumps(want)[:800]))

    # mirage with the default x (flops): Mistral left out and counted, two models are too few.
    m = run(a.emergent, ["mirage", "--hard", "mc_grade", "--soft", "log_likelihood", "-"], stdin=pe.stdout, expect_rc=3)
    check("left out 1267 rows of 1 model without flops (not in the compute table given to score, or without flops there): 'Mistral-7B-v0.1' (1267)" in m.stderr, "mirage: the left-out model on standard error:\n" + m.stderr)
    check("2 models are too few" in m.stderr, "mirage: too few models:\n" + m.stderr)
    # no x columns: say what is missing
    m = run(a.emergent, ["mirage", "--hard", "mc_grade", "--soft", "log_likelihood", "-"], stdin=plain.stdout, expect_rc=3)
    check("give --compute to score" in m.stderr, "mirage without x columns:\n" + m.stderr)
    # empty input
    m = run(a.emergent, ["mirage", "--hard", "mc_grade", "--soft", "log_likelihood", "-"], stdin="", expect_rc=3)
    check("standard input" in m.stderr and "no header row" in m.stderr, "mirage on empty input:\n" + m.stderr)

    # report from standard input: the per-example shape recognised, x from the flops column.
    rep = os.path.join(a.work, "report")
    r = run(a.emergent, ["report", "--hard", "mc_grade", "--soft", "log_likelihood", "-o", rep, "-"], stdin=pe.stdout)
    if r.returncode == 0:
        with open(os.path.join(rep, "report.json")) as f:
            j = json.load(f)
        points = [pt for t in j["tasks"] for s in t["series"] for pt in s["points"]]
        check(all(t["kind"] == "per_example" for t in j["tasks"]), "report: the per-example shape recognised")
        check(sorted(pt["model"] for pt in points) == ["Llama-2-13b-hf", "Llama-2-7b-hf"],
              "report: the models with FLOPs: %r" % [pt["model"] for pt in points])
        for pt in points:
            check(abs(pt["hard"]["value"] - hard[pt["model"]] / n[pt["model"]]) < 1e-12, "report: hard value of " + pt["model"])
    r = run(a.emergent, ["report", "--hard", "mc_grade", "-o", os.path.join(a.work, "r2"), "-"], stdin=plain.stdout,
            expect_rc=3)
    check("give --compute to score" in r.stderr, "report without x columns:\n" + r.stderr)

    # report --x params: three models; the verdict is mirage's, from the same bootstrap over examples.
    reports = {}
    for name, seed in (("p1", "7"), ("p1b", "7"), ("p2", "8")):
        out = os.path.join(a.work, "report_" + name)
        r = run(a.emergent, ["report", "--hard", "mc_grade", "--soft", "log_likelihood", "--x", "params", "--replicates", "50",
                             "--seed", seed, "-o", out, "-"], stdin=pe.stdout)
        if r.returncode == 0:
            with open(os.path.join(out, "report.json")) as f:
                reports[name] = f.read()
            if name == "p1":
                print(r.stdout)
    m = run(a.emergent, ["mirage", "--hard", "mc_grade", "--soft", "log_likelihood", "--x", "params", "--replicates", "50",
                         "--seed", "7", "--json", "-"], stdin=pe.stdout)
    if "p1" in reports and m.returncode == 0:
        mj = json.loads(m.stdout)
        an = json.loads(reports["p1"])["tasks"][0]["series"][0]["analysis"]
        e = an["example_bootstrap"]
        check(e is not None and e["replicates"] == 50 and e["seed"] == 7, "report: example_bootstrap %r" % e)
        if e:
            check(an["verdict"] == mj["verdict"] == "not_resolvable", "report verdict %r, mirage %r" % (an["verdict"], mj["verdict"]))
            check(an["verdict_probability"] == mj["verdict_probability"],
                  "report verdict probability %r, mirage %r" % (an["verdict_probability"], mj["verdict_probability"]))
            check(e["verdict_probabilities"] == mj["probability"], "report verdict probabilities %r, mirage %r"
                  % (e["verdict_probabilities"], mj["probability"]))
            check(e["width_ratio"] == [mj["width_ratio"]] + mj["width_ratio_ci"], "report width ratio %r, mirage %r %r"
                  % (e["width_ratio"], mj["width_ratio"], mj["width_ratio_ci"]))
            check(an["judgement"] == mj["hard_curve"]["judgement"] == "saturated", "judgement %r" % an["judgement"])
            check(an["judgement_probability"] == e["judgement_probability"] and 0 <= e["judgement_probability"] <= 1,
                  "judgement probability %r" % an["judgement_probability"])
            # the largest rise between consecutive models (x = params: 7B, Mistral 7.2B, 13B) and its interval
            lo, hi = e["largest_jump_interval"]
            rise = an["largest_jump"]["rise"]
            check(lo <= hi and lo - 0.05 <= rise <= hi + 0.05, "largest rise %r, interval %r" % (rise, [lo, hi]))
            check(e["breakpoint_interval"] is None, "3 models: no breakpoint, no interval")
    if len(reports) == 3:
        check(reports["p1"] == reports["p1b"], "report: the same seed gives another report.json")
        e1 = json.loads(reports["p1"])["tasks"][0]["series"][0]["analysis"]["example_bootstrap"]
        e2 = json.loads(reports["p2"])["tasks"][0]["series"][0]["analysis"]["example_bootstrap"]
        check(e1 != e2, "report: seeds 7 and 8 give the same bootstrap numbers")

    # Known truth: simulated per-example data in the shape `emergent score --per-example --compute` writes.
    rng = random.Random(20261205)
    truths = {
        "sharp": lambda x: 0.05 + 0.8 * max(0.0, x - 22.125),
        "smooth": lambda x: 0.05 + 0.7 * (x - 20.0) / 3.0,
    }
    for kind, p_of in truths.items():
        lines = ["source,line,model,task,example_id,hard,soft,params,tokens,flops,flops_derived"]
        # the smooth truth needs more examples: its hard and soft curves have the same shape (width
        # ratio 1), and the verdict holds when the ratio's interval stays above max_width_ratio 0.9
        examples, noise = (400, 0.15) if kind == "sharp" else (2000, 0.05)
        for i in range(13):
            x = 20.0 + 0.25 * i
            p = p_of(x)
            flops = 10 ** x
            for j in range(examples):
                hard_ij = 1 if rng.random() < p else 0
                soft_ij = p + rng.gauss(0.0, noise)
                lines.append("sim.csv,%d,m%02d,sim,%d,%d,%.17g,%.17g,%.17g,%.17g,false"
                             % (len(lines), i, j, hard_ij, soft_ij, flops / 6e12, 1e12, flops))
        text = "\n".join(lines) + "\n"
        out = os.path.join(a.work, "truth_" + kind)
        r = run(a.emergent, ["report", "--hard", "hard", "--soft", "soft", "-o", out, "-"], stdin=text)
        if r.returncode != 0:
            continue
        print(r.stdout)
        with open(os.path.join(out, "report.json")) as f:
            an = json.load(f)["tasks"][0]["series"][0]["analysis"]
        e = an["example_bootstrap"]
        want_j, want_v = ("sharp", "sharp_under_both") if kind == "sharp" else ("smooth", "smooth_under_both")
        check(an["judgement"] == want_j, "%s truth: judgement %r (%s)" % (kind, an["judgement"], an["judgement_reasons"]))
        check(an["verdict"] == want_v, "%s truth: verdict %r (%s)" % (kind, an["verdict"], an["verdict_reason"]))
        # a smooth hard curve and a soft one of the same shape: their width ratio is about 1, so some
        # resamples fall below max_width_ratio 0.9 (metric-induced); the verdict is still the mode
        least = 0.8 if kind == "sharp" else 0.5
        check(an["verdict_probability"] >= least and (kind != "sharp" or not an["uncertain"]),
              "%s truth: verdict probability %r" % (kind, an["verdict_probability"]))
        check(e["judgement_probability"] >= 0.8, "%s truth: judgement probability %r" % (kind, e["judgement_probability"]))
        if kind == "sharp":
            b = e["breakpoint_interval"]
            check(b is not None and b[0] <= 22.125 <= b[1], "sharp truth: the bootstrap interval %r of the break does not cover 22.125" % b)
            check(b is not None and b[1] - b[0] < 0.5, "sharp truth: the bootstrap interval %r of the break is wider than 2 model gaps" % b)
            check(abs(an["breakpoint"]["x"] - 22.125) < 0.25, "sharp truth: breakpoint %r" % an["breakpoint"]["x"])

    for msg in failures:
        print("FAIL:", msg)
    print("score_pipeline: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
