#!/usr/bin/python3
"""Writes an lm-evaluation-harness-shaped samples JSONL of about SIZE_MB megabytes for the re-scoring
benchmark (scripts/bench-rescore.sh): half generate_until records (prompt, generation, target), half
4-option multiple-choice records with [loglik, is_greedy] leaves written as strings, the shapes of
lm-eval 0.4 --log_samples. Deterministic (seeded). Usage: make_rescore_input.py OUT SIZE_MB"""
import json
import random
import sys

out, size_mb = sys.argv[1], float(sys.argv[2])
rng = random.Random(42)
words = ("the of and to in is was for on that with as by at from his her an were are which this be has had "
         "solution answer problem number therefore equation value graph function").split()


def text(n):
    return " ".join(rng.choice(words) for _ in range(n))


target_bytes = int(size_mb * 1e6)
# A block of distinct records (about 64 MB) is generated once and written again with new doc_ids
# until the size is reached, so that generating a gigabyte takes seconds, not minutes.
block = []
block_bytes = 0
doc = 0
while block_bytes < min(target_bytes, 64e6):
    if doc % 2 == 0:
        target = str(rng.randint(0, 999))
        gen = target if rng.random() < 0.3 else " " + text(rng.randint(5, 60))
        prompt = "Problem: " + text(rng.randint(150, 400)) + "\n\nSolution:"
        rec = {"doc_id": doc, "doc": {"problem": text(60), "answer": target, "solution": text(80)},
               "target": target,
               "arguments": {"gen_args_0": {"arg_0": prompt, "arg_1": {"until": ["Problem:", "\n\n"], "do_sample": False,
                                                                       "temperature": 0.0, "max_gen_toks": 512}}},
               "resps": [[gen]], "filtered_resps": [gen], "filter": "none", "metrics": ["exact_match"],
               "doc_hash": "%064x" % rng.getrandbits(256), "prompt_hash": "%064x" % rng.getrandbits(256),
               "target_hash": "%064x" % rng.getrandbits(256), "exact_match": 1.0 if gen == target else 0.0}
    else:
        ctx = "Question: " + text(rng.randint(100, 300)) + "\nAnswer:"
        opts = [" " + text(rng.randint(2, 12)) for _ in range(4)]
        lls = ["%.6f" % -rng.uniform(0.1, 30.0) for _ in range(4)]
        gold = rng.randint(0, 3)
        rec = {"doc_id": doc, "doc": {"question": text(40), "choices": opts, "label": gold}, "target": gold,
               "arguments": {"gen_args_%d" % i: {"arg_0": ctx, "arg_1": o} for i, o in enumerate(opts)},
               "resps": [[[ll, "False"]] for ll in lls], "filtered_resps": [[ll, "False"] for ll in lls],
               "filter": "none", "metrics": ["acc", "acc_norm"],
               "doc_hash": "%064x" % rng.getrandbits(256), "prompt_hash": "%064x" % rng.getrandbits(256),
               "target_hash": "%064x" % rng.getrandbits(256), "acc": 0.0, "acc_norm": 0.0}
    del rec["doc_id"]
    line = json.dumps(rec, ensure_ascii=False)[1:] + "\n"
    block.append(line)
    block_bytes += len(line.encode())
    doc += 1
written = 0
doc = 0
with open(out, "w", encoding="utf-8") as f:
    while written < target_bytes:
        for line in block:
            head = '{"doc_id": %d, ' % doc
            f.write(head)
            f.write(line)
            written += len(head) + len(line.encode())
            doc += 1
            if written >= target_bytes:
                break
print(out, written, "bytes", doc, "records")
