#!/usr/bin/python3
"""Rebuilds the tidy CSVs in examples/data/ from the originals in ../shared/data/scaling/ (see SOURCES.md).

Usage (from the repository root):  /usr/bin/python3 examples/data/convert.py /path/to/shared/data/scaling
Only the standard library is used. Every measured value is kept; the only arithmetic is the
aggregation of pythia_arithmetic (sums of correct answers) and the derived compute columns (6*N*D).
"""
import csv
import collections
import os
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/scaling"
out = os.path.dirname(os.path.abspath(__file__))
TOKENS_PER_STEP = 2_097_152  # Pythia: 1024 sequences x 2048 tokens per optimizer step


def g(x):
    return f"{x:.10g}"


# 1. Pythia arithmetic: 100 rows (first operand x1 = 0..99, 50 items each) -> one row per
#    (size, checkpoint, operation, shots) with the number of items n = 5000 and correct answers.
rows = list(csv.DictReader(open(os.path.join(src, "pythia_arithmetic_term_frequency.csv"))))
agg = collections.OrderedDict()
for r in rows:
    key = (r["size"], int(r["params"]), int(r["checkpoint_step"]), r["operation"], int(r["num_fewshot"]))
    a = agg.setdefault(key, [0, 0])
    a[0] += 50
    a[1] += round(float(r["acc"]) * 50)
with open(os.path.join(out, "pythia_arithmetic.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["family", "model", "params", "checkpoint_step", "tokens", "task", "num_fewshot", "n", "correct", "acc"])
    for (size, params, step, op, shots), (n, correct) in sorted(agg.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3], kv[0][4])):
        w.writerow(["Pythia", f"EleutherAI/pythia-{size}-deduped", params, step, step * TOKENS_PER_STEP, op, shots, n, correct, g(correct / n)])

# 2. Pythia LAMBADA: accuracy (hard) and perplexity (soft) on the same 5153 items, all checkpoints.
rows = [r for r in csv.DictReader(open(os.path.join(src, "pythia_evals_over_training.csv"))) if r["task"] == "lambada_openai"]
wide = collections.OrderedDict()
for r in rows:
    key = (r["model"], r["deduped"], int(r["checkpoint_step"]), int(r["num_fewshot"]))
    d = wide.setdefault(key, {"params": r["params"], "tokens": r["tokens_seen"]})
    d[r["metric"]] = r["value"]
    d[r["metric"] + "_stderr"] = r["stderr"]
with open(os.path.join(out, "pythia_lambada.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["family", "model", "params", "checkpoint_step", "tokens", "num_fewshot", "n", "correct", "acc", "acc_stderr", "ppl", "ppl_stderr"])
    for (model, deduped, step, shots), d in sorted(wide.items(), key=lambda kv: (kv[0][1], int(kv[1]["params"]), kv[0][3], kv[0][2])):
        family = "Pythia (deduped)" if deduped == "1" else "Pythia"
        name = "EleutherAI/" + model + ("-deduped" if deduped == "1" and not model.endswith("deduped") else "")
        correct = round(float(d["acc"]) * 5153)
        w.writerow([family, name, d["params"], step, d["tokens"], shots, 5153, correct, d["acc"], d["acc_stderr"], d["ppl"], d["ppl_stderr"]])

# 3. WinoGrande per-item option log-likelihoods: model names mapped to their Hugging Face ids.
names = {"Llama-2-7b-hf": "meta-llama/Llama-2-7b-hf", "Llama-2-13b-hf": "meta-llama/Llama-2-13b-hf",
         "Mistral-7B-v0.1": "mistralai/Mistral-7B-v0.1"}
with open(os.path.join(src, "winogrande_5shot_option_loglik_llama2_mistral.csv")) as fin, \
        open(os.path.join(out, "winogrande_option_loglik.csv"), "w", newline="") as f:
    rd = csv.DictReader(fin)
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["family"] + rd.fieldnames)
    for r in rd:
        w.writerow(["Llama-2" if r["model"].startswith("Llama") else "Mistral", names[r["model"]]] + [r[k] for k in rd.fieldnames[1:]])

# 4. ObsScaling: copied unchanged (with its '#' provenance header).
with open(os.path.join(src, "obsscaling_emergent_tasks_2shot.csv")) as fin, open(os.path.join(out, "obsscaling_emergent_tasks_2shot.csv"), "w") as f:
    f.write(fin.read())

# 5. Compute table: model -> family, params, training tokens, FLOPs (6*N*D unless the source gives FLOPs).
comp = collections.OrderedDict()
for r in csv.DictReader(open(os.path.join(src, "pythia_evals_over_training.csv"))):
    if r["checkpoint_step"] != "143000":
        continue
    name = "EleutherAI/" + r["model"] + ("-deduped" if r["deduped"] == "1" and not r["model"].endswith("deduped") else "")
    n, d = int(r["params"]), int(r["tokens_seen"])
    comp[name] = ["Pythia (deduped)" if r["deduped"] == "1" else "Pythia", n, d, g(6 * n * d), "6ND: exact params, 143000 steps x 2097152 tokens"]
lines = [l for l in open(os.path.join(src, "obsscaling_emergent_tasks_2shot.csv")) if not l.startswith("#")]
for r in csv.DictReader(lines):
    if r["model"] in comp:
        continue
    n = float(r["params_billions"]) * 1e9
    d = float(r["pretrain_tokens_trillions"]) * 1e12 if r["pretrain_tokens_trillions"] else None
    fl = float(r["flops_1e21"]) * 1e21 if r["flops_1e21"] else None
    comp[r["model"]] = [r["family"], g(n), g(d) if d else "", g(fl) if fl else "", "ObsScaling base_llm_benchmark_eval.csv"]
comp["mistralai/Mistral-7B-v0.1"] = ["Mistral", g(7e9), "", "", "nominal params (params_nominal of the WinoGrande file); training tokens not published"]
with open(os.path.join(out, "compute.csv"), "w", newline="") as f:
    f.write("# model -> family, parameters, training tokens, training FLOPs; built by examples/data/convert.py (see SOURCES.md)\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["model", "family", "params", "tokens", "flops", "source"])
    for k, v in comp.items():
        w.writerow([k] + v)
