#!/usr/bin/python3
"""`emergent score` with default flags reproduces each framework's own per-example metric.

For every real fixture under tests/data/io (HELM, Inspect JSON, lm-eval 0.4 samples, lm-eval v0.3
write_out; provenance in tests/data/SOURCES.md) this runs `emergent score --per-example --out x.json`
with no --metrics (auto) and compares, record by record, the metric it picked with the score the
framework stored:
  HELM       per_instance_stats.json `exact_match` (split test, no perturbation) of the same instance id
  Inspect    the sample's `scores.<scorer>.value` (C = 1, I = 0) of the same sample id
  lm-eval    the record's stored `exact_match` / `acc` of the same doc_id
  v0.3       the record's `acc` ("True"/"False") of the same doc_id
and checks that standard error says what auto picked. Also: HELM placeholder log-probabilities are
reported, and kofk / token_nll on them are refused (exit 2) unless --force-logprobs.
  Inspect .eval  the same samples read from the archive (deflate and zstd members) as from the JSON log
  openai/evals   the `match` event's `data.correct` of the same sample id (constructed fixture, see SOURCES.md)
Run by ctest ("cli: score_defaults"): score_defaults.py --emergent PATH --source DIR --work DIR
"""
import argparse
import json
import os
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(emergent, args, expect_rc=0):
    p = subprocess.run([emergent, "score"] + args, capture_output=True, text=True)
    if p.returncode != expect_rc:
        failures.append("emergent score %s: exit %d, expected %d\n%s" % (" ".join(args), p.returncode, expect_rc, p.stderr))
    return p


def per_example(emergent, work, name, args):
    out = os.path.join(work, name + ".json")
    if os.path.exists(out):
        os.remove(out)
    p = run(emergent, args + ["--per-example", "--out", out])
    if p.returncode != 0:
        return None, p.stderr
    with open(out, encoding="utf-8") as f:
        return json.load(f), p.stderr


def helm(emergent, data, work):
    for run_name, metric in [("hellaswag_pythia-1b-v0", "mc_grade"), ("mmlu_philosophy_gpt2", "mc_grade"),
                             ("narrative_qa_gpt2", "exact_match")]:
        folder = os.path.join(data, "helm", run_name)
        got, err = per_example(emergent, work, "helm_" + run_name, ["--format", "helm", folder])
        if got is None:
            continue
        check("--metrics auto: " + metric in err, "helm %s: stderr does not say auto picked %s:\n%s" % (run_name, metric, err))
        check("placeholders" in err, "helm %s: the 0.0 log-probabilities are not reported:\n%s" % (run_name, err))
        with open(os.path.join(folder, "per_instance_stats.json"), encoding="utf-8") as f:
            stats = json.load(f)
        want = {}
        for inst in stats:
            for s in inst["stats"]:
                n = s["name"]
                if n["name"] == "exact_match" and "perturbation" not in n:
                    key = inst["instance_id"] + ("#%d" % inst["train_trial_index"] if inst["train_trial_index"] else "")
                    want[key] = s["mean"]
        rows = got["records"]
        check(len(rows) == len(want), "helm %s: %d records, HELM has %d instances" % (run_name, len(rows), len(want)))
        for r in rows:
            check(r["example_id"] in want and r[metric] == want[r["example_id"]],
                  "helm %s %s: %s = %s, HELM's exact_match %s" % (run_name, r["example_id"], metric, r.get(metric),
                                                                   want.get(r["example_id"])))
        print("helm %s: %s reproduces HELM's exact_match on %d instances (sum %g)" %
              (run_name, metric, len(rows), sum(want.values())))


def inspect(emergent, data, work):
    for log in ["arc_easy_qwen2.5-0.5b.json", "arc_easy_claude-sonnet-4.json", "2025-05-12T20-28-13-04-00_popularity.json",
                "log_read_sample.json"]:
        path = os.path.join(data, "inspect", log)
        got, err = per_example(emergent, work, "inspect_" + log, ["--format", "inspect", path])
        if got is None:
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        scorer = doc["results"]["scores"][0]["name"]
        check("--metrics auto: stored:" + scorer in err, "inspect %s: stderr does not name stored:%s:\n%s" % (log, scorer, err))
        value = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
        want = {}
        for s in doc["samples"]:
            key = str(s["id"]) + ("#%d" % s["epoch"] if s.get("epoch", 1) != 1 else "")
            want[key] = value.get(s["scores"][scorer]["value"], s["scores"][scorer]["value"])
        rows = got["records"]
        check(len(rows) == len(want), "inspect %s: %d records, %d samples" % (log, len(rows), len(want)))
        for r in rows:
            check(r["stored:" + scorer] == want[r["example_id"]], "inspect %s %s: stored score differs" % (log, r["example_id"]))
            if "mc_grade" in r:  # the answer letter is the target letter, as Inspect's choice scorer decided
                check(r["mc_grade"] == want[r["example_id"]],
                      "inspect %s %s: mc_grade %s, Inspect's %s %s" % (log, r["example_id"], r["mc_grade"], scorer,
                                                                      want[r["example_id"]]))
        if scorer == "choice":
            check(all("mc_grade" in r for r in rows), "inspect %s: no mc_grade column" % log)
        mean = sum(want.values()) / len(want)
        check(abs(mean - doc["results"]["scores"][0]["metrics"]["accuracy"]["value"]) < 1e-12,
              "inspect %s: the samples' mean is not Inspect's accuracy" % log)
        print("inspect %s: stored:%s%s reproduce Inspect's scores on %d samples (accuracy %g)" %
              (log, scorer, " and mc_grade" if scorer == "choice" else "", len(rows), mean))


def inspect_eval(emergent, data, work):
    for archive in ["arc_easy_qwen2.5-0.5b.eval", "arc_easy_qwen2.5-0.5b.zstd.eval"]:
        path = os.path.join(data, "inspect", archive)
        got, err = per_example(emergent, work, "inspect_eval_" + archive, [path])  # --format auto
        if got is None:
            continue
        check("--metrics auto: stored:choice,mc_grade" in err, "inspect %s: auto did not pick stored:choice,mc_grade:\n%s" % (archive, err))
        with open(os.path.join(data, "inspect", "arc_easy_qwen2.5-0.5b.json"), encoding="utf-8") as f:
            doc = json.load(f)
        want = {str(s["id"]): {"C": 1.0, "I": 0.0}[s["scores"]["choice"]["value"]] for s in doc["samples"]}
        rows = got["records"]
        check(len(rows) == len(want), "inspect %s: %d records, %d samples" % (archive, len(rows), len(want)))
        for r in rows:
            check(r["stored:choice"] == want[r["example_id"]] and r["mc_grade"] == want[r["example_id"]],
                  "inspect %s %s: stored:choice %s, mc_grade %s, Inspect's choice %s" %
                  (archive, r["example_id"], r.get("stored:choice"), r.get("mc_grade"), want[r["example_id"]]))
        print("inspect %s: stored:choice and mc_grade reproduce Inspect's scores on %d samples" % (archive, len(rows)))


def openai_evals(emergent, data, work):
    path = os.path.join(data, "openai_evals", "test_match_constructed.jsonl")
    got, err = per_example(emergent, work, "openai_evals", [path])  # --format auto
    if got is None:
        return
    check("--metrics auto: stored:correct" in err, "openai/evals: auto did not pick stored:correct:\n%s" % err)
    want = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if e.get("type") == "match":
                want[str(e["sample_id"])] = 1.0 if e["data"]["correct"] else 0.0
    rows = got["records"]
    check(len(rows) == len(want) == 3, "openai/evals: %d records, %d match events" % (len(rows), len(want)))
    for r in rows:
        check(r["stored:correct"] == want.get(r["example_id"]), "openai/evals %s: stored:correct differs" % r["example_id"])
    print("openai/evals: stored:correct reproduces the match events on %d samples (%g correct)" % (len(rows), sum(want.values())))


def lm_eval(emergent, data, work):
    cases = [("samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl", [], "exact_match", "exact_match"),
             ("samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl", ["--filter", "none"], "mc_grade", "acc")]
    for name, extra, metric, stored in cases:
        path = os.path.join(data, "lm_eval", name)
        got, err = per_example(emergent, work, "lm_eval_" + name, ["--format", "lm-eval"] + extra + [path])
        if got is None:
            continue
        check("--metrics auto: " + metric in err, "lm-eval %s: stderr does not say auto picked %s:\n%s" % (name, metric, err))
        want = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r.get("filter", "none") == "none":
                    want[str(r["doc_id"])] = float(r[stored])
        compared = 0
        for r in got["records"]:
            if r.get(metric) is None:
                continue  # a generation record in a multiple-choice file: counted as not applicable
            compared += 1
            check(r[metric] == want[r["example_id"]], "lm-eval %s doc %s: %s = %s, lm-eval's %s %s" %
                  (name, r["example_id"], metric, r[metric], stored, want[r["example_id"]]))
        check(compared >= 2, "lm-eval %s: only %d records compared" % (name, compared))
        print("lm-eval %s: %s reproduces the stored %s on %d records" % (name, metric, stored, compared))
    path = os.path.join(data, "lm_eval", "winogrande_write_out_info_llama-2-7b_first25.json")
    got, err = per_example(emergent, work, "v03", ["--format", "lm-eval-v03", "--model", "llama-2-7b", path])
    if got is not None:
        with open(path, encoding="utf-8") as f:
            want = {str(r["doc_id"]): 1.0 if r["acc"] in ("True", True) else 0.0 for r in json.load(f)}
        for r in got["records"]:
            check(r["mc_grade"] == want[r["example_id"]], "v0.3 doc %s: mc_grade differs from acc" % r["example_id"])
        check(len(got["records"]) == 25, "v0.3: %d records" % len(got["records"]))
        print("lm-eval v0.3 write_out: mc_grade reproduces acc on %d records" % len(got["records"]))


def placeholders(emergent, data, work):
    folder = os.path.join(data, "helm", "narrative_qa_gpt2")
    p = run(emergent, ["--format", "helm", "--metrics", "exact_match,kofk", folder], expect_rc=2)
    check("kofk" in p.stderr and "placeholders" in p.stderr and "--force-logprobs" in p.stderr,
          "helm kofk on placeholders: the refusal does not say why:\n" + p.stderr)
    p = run(emergent, ["--format", "helm", "--metrics", "token_nll", "--force-logprobs", folder])
    check("warning" in p.stderr and "placeholders" in p.stderr, "--force-logprobs: no warning:\n" + p.stderr)
    print("helm placeholder log-probabilities: kofk refused (exit 2), scored with a warning under --force-logprobs")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emergent", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    data = os.path.join(a.source, "tests", "data", "io")
    helm(a.emergent, data, a.work)
    inspect(a.emergent, data, a.work)
    inspect_eval(a.emergent, data, a.work)
    openai_evals(a.emergent, data, a.work)
    lm_eval(a.emergent, data, a.work)
    placeholders(a.emergent, data, a.work)
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
