#!/usr/bin/python3
"""Writes include/emergent/testing/reference_vectors.json: canonical cases with expected values for
every built-in metric of emergent, computed independently of emergent's C++ code (scikit-learn,
SciPy, NumPy, exact rational arithmetic and brute-force dynamic programming), and validates the file
against include/emergent/testing/reference_vectors.schema.json.

Run from the repository root with Debian's Python (it has numpy, scipy, scikit-learn, jsonschema):
    /usr/bin/python3 tests/reference/reference_vectors.py
"""
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np
import scipy
import scipy.special
import sklearn
from sklearn.metrics import brier_score_loss, log_loss

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "include", "emergent", "testing", "reference_vectors.json")
SCHEMA = os.path.join(ROOT, "include", "emergent", "testing", "reference_vectors.schema.json")
rng = np.random.default_rng(20230428)


def num(x):
    """JSON has no infinities: +inf and -inf are written as the strings "inf" and "-inf"."""
    x = float(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if math.isnan(x):
        raise ValueError("NaN is never an expected value")
    return x


def ok(inputs, expected):
    return {"input": inputs, "expected": num(expected)}


def err(inputs, why):
    return {"input": inputs, "error": "input_error", "why": why}


def rand_dist(k):
    p = rng.dirichlet(np.ones(k))
    return [float(v) for v in p]


metrics = []


def metric(name, call, definition, source, oracle, cases):
    metrics.append({"name": name, "call": call, "definition": definition, "source": source,
                    "oracle": oracle, "cases": cases})


# ---------------------------------------------------------------- Brier score
cases = []
for p, o in [(0.0, 0), (0.0, 1), (1.0, 1), (0.5, 0), (0.7, 1), (0.3, 1), (0.9, 0)] + \
        [(float(rng.uniform()), int(rng.integers(0, 2))) for _ in range(8)]:
    cases.append(ok({"p": p, "outcome": o}, brier_score_loss([o], [p], pos_label=1)))
cases += [err({"p": 1.5, "outcome": 1}, "p outside [0, 1]"), err({"p": -0.1, "outcome": 0}, "p outside [0, 1]"),
          err({"p": 0.5, "outcome": 2}, "outcome not 0 or 1")]
metric("brier_score_binary", "brier_score(p, outcome)", "(p - o)^2", "Brier (1950)",
       "sklearn.metrics.brier_score_loss on one example", cases)

cases = []
for k in [2, 3, 4, 5, 4, 3]:
    p = rand_dist(k)
    y = int(rng.integers(0, k))
    onehot = np.eye(k)[y]
    total = float(np.sum((np.array(p) - onehot) ** 2))
    cases.append(ok({"probabilities": p, "label": y, "convention": "sum_over_classes"}, total))
    cases.append(ok({"probabilities": p, "label": y, "convention": "mean_over_classes"}, total / k))
cases.append(ok({"probabilities": [1.0, 0.0, 0.0], "label": 0, "convention": "sum_over_classes"}, 0.0))
cases.append(ok({"probabilities": [0.0, 1.0], "label": 0, "convention": "sum_over_classes"}, 2.0))
cases += [err({"probabilities": [0.5, 0.2], "label": 0, "convention": "sum_over_classes"}, "does not sum to 1"),
          err({"probabilities": [0.5, 0.5], "label": 2, "convention": "sum_over_classes"}, "label out of range"),
          err({"probabilities": [], "label": 0, "convention": "sum_over_classes"}, "empty"),
          err({"probabilities": [1.2, -0.2], "label": 0, "convention": "sum_over_classes"}, "entry outside [0, 1]")]
metric("brier_score", "brier_score(probabilities, label, {convention})",
       "sum_k (p_k - [k = label])^2, divided by K for mean_over_classes", "Brier (1950); lm-evaluation-harness",
       "NumPy sum of squares against the one-hot label", cases)

cases = []
for k in [2, 3, 4, 4]:
    lls = [float(v) for v in rng.normal(-3.0, 2.0, size=k)]
    y = int(rng.integers(0, k))
    p = scipy.special.softmax(np.array(lls))
    cases.append(ok({"log_likelihoods": lls, "label": y, "convention": "sum_over_classes"},
                    float(np.sum((p - np.eye(k)[y]) ** 2))))
cases.append(ok({"log_likelihoods": [-1.0, "-inf"], "label": 0, "convention": "sum_over_classes"}, 0.0))
cases += [err({"log_likelihoods": ["-inf", "-inf"], "label": 0, "convention": "sum_over_classes"}, "no distribution"),
          err({"log_likelihoods": [-1.0, -2.0], "label": 5, "convention": "sum_over_classes"}, "label out of range")]
metric("brier_score_from_log_likelihoods", "brier_score_from_log_likelihoods(log_likelihoods, label, convention)",
       "brier_score(softmax(log_likelihoods), label)", "lm-evaluation-harness multiple-choice brier_score",
       "scipy.special.softmax then NumPy", cases)

# ---------------------------------------------------------------- log loss / cross-entropy
cases = []
for p, o in [(0.5, 1), (0.9, 1), (0.9, 0), (0.01, 1)] + [(float(rng.uniform(0.01, 0.99)), int(rng.integers(0, 2))) for _ in range(8)]:
    cases.append(ok({"p": p, "outcome": o}, log_loss([o], [p], labels=[0, 1])))
cases.append(ok({"p": 1.0, "outcome": 1}, 0.0))
cases.append(ok({"p": 0.0, "outcome": 1, "allow_infinite": True}, math.inf))
cases.append(ok({"p": 0.0, "outcome": 1, "clamp_epsilon": 1e-15}, -math.log(1e-15)))
cases += [err({"p": 0.0, "outcome": 1}, "probability 0 of the outcome without allow_infinite or clamp_epsilon"),
          err({"p": 1.1, "outcome": 1}, "p outside [0, 1]"), err({"p": 0.5, "outcome": -1}, "outcome not 0 or 1")]
metric("log_loss", "log_loss(p, outcome, {clamp_epsilon, allow_infinite})", "-log(p) if outcome = 1 else -log(1 - p)",
       "Good (1952); sklearn.metrics.log_loss", "sklearn.metrics.log_loss on one example (interior p); -log by hand at the ends", cases)

cases = []
for k in [2, 3, 4, 5, 3]:
    p = rand_dist(k)
    y = int(rng.integers(0, k))
    cases.append(ok({"probabilities": p, "label": y}, log_loss([y], [p], labels=list(range(k)))))
cases.append(ok({"probabilities": [0.0, 1.0], "label": 1}, 0.0))
cases += [err({"probabilities": [0.0, 1.0], "label": 0}, "probability 0 of the label"),
          err({"probabilities": [0.3, 0.3], "label": 0}, "does not sum to 1"),
          err({"probabilities": [0.5, 0.5], "label": 2}, "label out of range")]
metric("cross_entropy", "cross_entropy(probabilities, label)", "-log probabilities[label]", "Shannon (1948)",
       "sklearn.metrics.log_loss with labels = 0..K-1", cases)

cases = []
for k in [2, 3, 5]:
    logits = [float(v) for v in rng.normal(0.0, 3.0, size=k)]
    y = int(rng.integers(0, k))
    cases.append(ok({"logits": logits, "label": y}, float(-scipy.special.log_softmax(np.array(logits))[y])))
cases.append(ok({"logits": [1000.0, 0.0], "label": 1}, 1000.0))
cases.append(err({"logits": [], "label": 0}, "empty"))
metric("cross_entropy_from_logits", "cross_entropy_from_logits(logits, label)", "logsumexp(logits) - logits[label]",
       "stable log-sum-exp", "scipy.special.log_softmax", cases)

cases = []
for k in [2, 4]:
    lp = [float(v) for v in scipy.special.log_softmax(rng.normal(0, 2, size=k))]
    y = int(rng.integers(0, k))
    cases.append(ok({"log_probabilities": lp, "label": y}, -lp[y]))
metric("cross_entropy_from_log_probabilities", "cross_entropy_from_log_probabilities(log_probabilities, label)",
       "-log_probabilities[label]", "Shannon (1948)", "by definition (inputs from scipy.special.log_softmax)", cases)

# ---------------------------------------------------------------- sequences of per-token log-probabilities
seqs = [[], [-0.1], [-0.5, -0.25, -1.0]] + [[float(v) for v in -rng.exponential(0.5, size=n)] for n in (4, 8, 16)]
metric("sequence_log_probability", "sequence_log_probability(token_log_probs)", "sum_t log p_t", "chain rule",
       "math.fsum", [ok({"token_log_probs": s}, math.fsum(s)) for s in seqs] +
       [ok({"token_log_probs": [-1.0, "-inf"]}, -math.inf), err({"token_log_probs": [0.5]}, "log-probability above 0")])
metric("sequence_probability", "sequence_probability(token_log_probs)", "exp(sum_t log p_t)",
       "Schaeffer, Miranda & Koyejo (2023)", "math.exp(math.fsum)",
       [ok({"token_log_probs": s}, math.exp(math.fsum(s))) for s in seqs] + [ok({"token_log_probs": [-1.0, "-inf"]}, 0.0)])
metric("sequence_log_likelihood", "sequence_log_likelihood(token_log_probs)", "sum_t log p_t", "chain rule",
       "math.fsum", [ok({"token_log_probs": s}, math.fsum(s)) for s in seqs])
metric("mean_token_nll", "mean_token_nll(token_log_probs)", "-(1/T) sum_t log p_t", "per-token cross-entropy",
       "math.fsum / T", [ok({"token_log_probs": s}, -math.fsum(s) / len(s)) for s in seqs if s] +
       [err({"token_log_probs": []}, "mean of nothing")])
metric("perplexity", "perplexity(token_log_probs)", "exp(-(1/T) sum_t log p_t)", "Jelinek et al. (1977)",
       "math.exp(-math.fsum / T)", [ok({"token_log_probs": s}, math.exp(-math.fsum(s) / len(s))) for s in seqs if s] +
       [err({"token_log_probs": []}, "mean of nothing")])

# ---------------------------------------------------------------- conjunctions
cases = []
for p, k in [(0.5, 1), (0.5, 2), (0.9, 5), (0.99, 100), (0.0, 3), (1.0, 7), (0.3, 10)]:
    cases.append(ok({"p": p, "k": k}, float(Fraction(p) ** k)))
cases += [err({"p": 0.5, "k": 0}, "k = 0"), err({"p": 1.5, "k": 2}, "p outside [0, 1]")]
metric("k_of_k", "k_of_k(p, k)", "p^k", "Schaeffer, Miranda & Koyejo (2023); the k-of-k argument",
       "exact rational arithmetic (fractions.Fraction)", cases)

cases = []
for n, c, k in [(1, 1, 1), (10, 0, 1), (10, 1, 1), (10, 3, 5), (20, 5, 10), (100, 7, 10), (200, 150, 100), (5, 5, 5),
                (1000, 1, 1), (2000, 10, 100)]:
    value = Fraction(1) - Fraction(math.comb(n - c, k), math.comb(n, k))
    cases.append(ok({"n": n, "c": c, "k": k}, float(value)))
cases += [err({"n": 5, "c": 6, "k": 1}, "c > n"), err({"n": 5, "c": 1, "k": 0}, "k = 0"), err({"n": 5, "c": 1, "k": 6}, "k > n")]
metric("pass_at_k", "pass_at_k(n, c, k)", "1 - C(n - c, k) / C(n, k)", "Chen et al. (2021), eq. (1)",
       "exact binomial coefficients (math.comb, fractions.Fraction)", cases)

cases = []
for length, p in [(0, 0.5), (1, 0.5), (5, 0.9), (5, 0.0), (10, 1.0), (32, 0.75)]:
    cases.append(ok({"length": length, "p": p}, float(length * (1 - Fraction(p)))))
cases.append(err({"length": 3, "p": -0.5}, "p outside [0, 1]"))
metric("expected_token_edit_distance", "expected_token_edit_distance(length, p)", "L (1 - p)",
       "Schaeffer, Miranda & Koyejo (2023)", "exact rational arithmetic", cases)

# ---------------------------------------------------------------- edit distance on token ids


def levenshtein(a, b):
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(b) + 1):
            up = row[j]
            row[j] = min(up + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]))
            diagonal = up
    return row[len(b)]


pairs = [([], []), ([], [1, 2, 3]), ([1, 2, 3], [1, 2, 3]), ([1, 2, 3], [1, 3]), ([0, 1, 0, 1], [1, 0, 1, 0]),
         ([7], [8]), ([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), ([4294967295, 0], [0, 4294967295])]
for _ in range(10):
    n, m = int(rng.integers(0, 40)), int(rng.integers(0, 40))
    alphabet = int(rng.choice([2, 4, 50000]))
    pairs.append(([int(v) for v in rng.integers(0, alphabet, size=n)], [int(v) for v in rng.integers(0, alphabet, size=m)]))
for _ in range(3):  # long pairs across the 64-symbol word boundary of bit-parallel implementations
    a = [int(v) for v in rng.integers(0, 20, size=int(rng.integers(60, 200)))]
    b = list(a)
    for _ in range(15):
        b[int(rng.integers(0, len(b)))] = int(rng.integers(0, 20))
    pairs.append((a, b))
dist_cases, nd_cases, sim_cases, ns_cases = [], [], [], []
for a, b in pairs:
    d = levenshtein(a, b)
    longest = max(len(a), len(b))
    dist_cases.append(ok({"a": a, "b": b}, d))
    sim_cases.append(ok({"a": a, "b": b}, longest - d))
    nd_cases.append(ok({"a": a, "b": b}, 0.0 if longest == 0 else d / longest))
    ns_cases.append(ok({"a": a, "b": b}, 1.0 if longest == 0 else 1.0 - d / longest))
src = "Levenshtein (1966); rapidfuzz conventions"
oracle = "plain dynamic programming (Wagner & Fischer 1974) in Python"
metric("levenshtein_distance", "levenshtein_distance(a, b)", "minimum number of insertions, deletions and substitutions",
       src, oracle, dist_cases)
metric("levenshtein_similarity", "levenshtein_similarity(a, b)", "max(|a|, |b|) - distance", src, oracle, sim_cases)
metric("levenshtein_normalized_distance", "levenshtein_normalized_distance(a, b)", "distance / max(|a|, |b|), 0 when both are empty",
       src, oracle, nd_cases)
metric("levenshtein_normalized_similarity", "levenshtein_normalized_similarity(a, b)", "1 - normalized distance", src, oracle, ns_cases)

# ---------------------------------------------------------------- exact match (no normalisation)
em_pairs = [("", ""), ("a", "a"), ("a", "A"), ("Paris", "Paris"), ("Paris", "Paris "), ("1234", "1,234"), ("héllo", "héllo")]
metric("exact_match", "exact_match(prediction, reference)", "1 if the strings are equal, else 0 (no normaliser)",
       "SQuAD (Rajpurkar et al. 2016) without normalisation", "Python string equality",
       [ok({"prediction": p, "reference": r}, 1.0 if p == r else 0.0) for p, r in em_pairs])



def squad_normalize(s):
    """normalize_answer of the official SQuAD v1.1 evaluation script (evaluate-v1.1.py)."""
    import re
    import string
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


squad_pairs = [("The Cat!", "cat"), ("an apple", "Apple."), ("Paris", "paris, France"), ("  the   end ", "End"),
               ("theatre", "atre"), ("A", ""), ("1,234", "1234")]
metric("exact_match_squad", "exact_match(prediction, reference, normalise::squad())",
       "1 if normalize_answer(prediction) == normalize_answer(reference), else 0",
       "SQuAD v1.1 evaluation script (Rajpurkar et al. 2016)", "the script's normalize_answer in Python",
       [ok({"prediction": p, "reference": r}, 1.0 if squad_normalize(p) == squad_normalize(r) else 0.0) for p, r in squad_pairs])

# ---------------------------------------------------------------- multiple choice (lm-evaluation-harness)
mc = []
mc_norm = []
mc_bytes = []
mc_tokens = []
option_sets = [["Paris", "London", "Berlin", "Madrid"], ["yes", "no"], ["a cat", "the dog", "ein Hund", "un chien"],
               ["été", "ete", "summer"], ["1", "22", "333"]]
for choices in option_sets:
    k = len(choices)
    lls = [float(v) for v in rng.normal(-8.0, 3.0, size=k)]
    label = int(rng.integers(0, k))
    mc.append(ok({"log_likelihoods": lls, "label": label}, 1.0 if int(np.argmax(lls)) == label else 0.0))
    chars = np.array([len(c) for c in choices], dtype=float)
    nbytes = np.array([len(c.encode("utf-8")) for c in choices], dtype=float)
    winner_norm = int(np.argmax(np.array(lls) / chars))
    winner_bytes = int(np.argmax(np.array(lls) / nbytes))
    for gold in range(k):
        mc_norm.append(ok({"log_likelihoods": lls, "choices": choices, "label": gold}, 1.0 if winner_norm == gold else 0.0))
        mc_bytes.append(ok({"log_likelihoods": lls, "choices": choices, "label": gold}, 1.0 if winner_bytes == gold else 0.0))
    tok = [int(v) for v in rng.integers(1, 6, size=k)]
    mc_tokens.append(ok({"log_likelihoods": lls, "lengths": tok, "label": label},
                        1.0 if int(np.argmax(np.array(lls) / np.array(tok, dtype=float))) == label else 0.0))
# Ties go to the first maximum (numpy.argmax).
mc.append(ok({"log_likelihoods": [-1.0, -1.0, -2.0], "label": 0}, 1.0))
mc.append(ok({"log_likelihoods": [-1.0, -1.0, -2.0], "label": 1}, 0.0))
mc.append(ok({"log_likelihoods": ["-inf", -3.0], "label": 1}, 1.0))
mc += [err({"log_likelihoods": [], "label": 0}, "empty"), err({"log_likelihoods": [-1.0, -2.0], "label": 2}, "label out of range")]
mc_norm.append(err({"log_likelihoods": [-1.0, -2.0], "choices": ["", "b"], "label": 0}, "empty option text"))
mc_tokens.append(err({"log_likelihoods": [-1.0, -2.0], "lengths": [1, 0], "label": 0}, "length 0"))
src = "lm-evaluation-harness (Gao et al.) multiple-choice acc / acc_norm / acc_bytes"
metric("multiple_choice_grade", "multiple_choice_grade(log_likelihoods, label)", "[argmax_i ll_i = label], first maximum on ties",
       src, "numpy.argmax", mc)
metric("multiple_choice_grade_norm", "multiple_choice_grade(log_likelihoods, choices, label, length_unit::characters)",
       "[argmax_i ll_i / len(choice_i) = label], len in code points", src, "numpy.argmax(lls / [len(c) for c in choices])", mc_norm)
metric("multiple_choice_grade_bytes", "multiple_choice_grade(log_likelihoods, choices, label, length_unit::bytes)",
       "[argmax_i ll_i / bytes(choice_i) = label], UTF-8 bytes", src, "numpy.argmax(lls / [len(c.encode()) for c in choices])", mc_bytes)
metric("multiple_choice_grade_tokens", "multiple_choice_grade(log_likelihoods, lengths, label)",
       "[argmax_i ll_i / lengths_i = label]", src, "numpy.argmax(lls / lengths)", mc_tokens)

# ---------------------------------------------------------------- aggregate kernels
agg = []
for n in (1, 5, 100):
    p = [float(v) for v in rng.uniform(size=n)]
    o = [int(v) for v in rng.integers(0, 2, size=n)]
    agg.append(ok({"probabilities": p, "outcomes": o}, brier_score_loss(o, p, pos_label=1)))
agg.append(err({"probabilities": [], "outcomes": []}, "mean of nothing"))
agg.append(err({"probabilities": [0.5, 0.5], "outcomes": [1]}, "different lengths"))
metric("mean_brier_score_binary", "mean_brier_score(probabilities, outcomes)", "(1/n) sum_i (p_i - o_i)^2", "Brier (1950)",
       "sklearn.metrics.brier_score_loss", agg)
agg = []
for n in (1, 5, 100):
    p = [float(v) for v in rng.uniform(0.01, 0.99, size=n)]
    o = [int(v) for v in rng.integers(0, 2, size=n)]
    agg.append(ok({"probabilities": p, "outcomes": o}, log_loss(o, p, labels=[0, 1])))
agg.append(err({"probabilities": [], "outcomes": []}, "mean of nothing"))
metric("mean_log_loss", "mean_log_loss(probabilities, outcomes)", "-(1/n) sum_i [o_i log p_i + (1 - o_i) log(1 - p_i)]",
       "sklearn.metrics.log_loss", "sklearn.metrics.log_loss", agg)
agg = []
for n, k in ((1, 2), (4, 3), (50, 4)):
    rows = [scipy.special.log_softmax(rng.normal(0, 2, size=k)) for _ in range(n)]
    labels = [int(v) for v in rng.integers(0, k, size=n)]
    flat = [float(v) for row in rows for v in row]
    agg.append(ok({"log_probabilities": flat, "labels": labels, "num_classes": k},
                  log_loss(labels, np.exp(np.array(rows)), labels=list(range(k)))))
metric("mean_cross_entropy_from_log_probabilities", "mean_cross_entropy_from_log_probabilities(log_probabilities, labels, num_classes)",
       "-(1/n) sum_i lp[i, y_i], rows of num_classes values, row-major", "sklearn.metrics.log_loss",
       "sklearn.metrics.log_loss on exp(log_probabilities)", agg)
agg = []
for n, t in ((1, 1), (3, 4), (20, 16)):
    lp = -rng.exponential(0.2, size=(n, t))
    agg.append(ok({"token_log_probs": [float(v) for v in lp.ravel()], "tokens_per_row": t},
                  math.fsum(math.exp(math.fsum(row)) for row in lp.tolist()) / n))
agg.append(err({"token_log_probs": [-0.1, -0.2, -0.3], "tokens_per_row": 2}, "size not a multiple of tokens_per_row"))
metric("mean_sequence_probability", "mean_sequence_probability(token_log_probs, tokens_per_row)",
       "(1/n) sum_i exp(sum_t lp[i, t]), row-major", "Schaeffer, Miranda & Koyejo (2023)", "math.fsum / math.exp", agg)

document = {
    "format": "emergent-reference-vectors",
    "version": 1,
    "generated_by": "tests/reference/reference_vectors.py",
    "generator_versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                           "scikit-learn": sklearn.__version__},
    "tolerance": {"relative": 1e-12, "absolute": 1e-12},
    "metrics": metrics,
}

with open(SCHEMA) as f:
    schema = json.load(f)
import jsonschema  # noqa: E402  (Debian python3-jsonschema)
jsonschema.validate(document, schema)
with open(OUT, "w") as f:
    json.dump(document, f, indent=1)
    f.write("\n")
print(f"wrote {OUT}: {len(metrics)} metrics, {sum(len(m['cases']) for m in metrics)} cases (valid against the schema)")
