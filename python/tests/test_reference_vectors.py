"""Python results equal the installed reference vectors (include/emergent/testing/reference_vectors.json,
written by SciPy / scikit-learn / NumPy oracles), and every listed error raises InputError."""

import math

import numpy as np
import pytest

import emergent as em

REL = ABS = 1e-12


def floats(v):
    return np.asarray([float(x) for x in v], dtype=np.float64)


def run(name, inp):
    if name == "brier_score_binary":
        return em.brier_score(np.array([inp["outcome"]]), floats([inp["p"]]))
    if name == "brier_score":
        conv = {"sum_over_classes": "sum", "mean_over_classes": "mean"}[inp["convention"]]
        return em.brier_score([inp["label"]], floats(inp["probabilities"])[None, :], convention=conv)
    if name == "log_loss":
        return em.log_loss(np.array([inp["outcome"]]), floats([inp["p"]]), clamp_epsilon=inp.get("clamp_epsilon", 0.0),
                           allow_infinite=inp.get("allow_infinite", False))
    if name == "cross_entropy":
        return em.cross_entropy([inp["label"]], floats(inp["probabilities"])[None, :])
    if name == "cross_entropy_from_log_probabilities":
        return em.cross_entropy([inp["label"]], log_prob=floats(inp["log_probabilities"])[None, :])
    if name == "k_of_k":
        return em.k_of_k(float(inp["p"]), inp["k"])
    if name == "pass_at_k":
        return em.pass_at_k(inp["n"], inp["c"], inp["k"])
    if name == "levenshtein_distance":
        return em.levenshtein_distance(list(inp["a"]), list(inp["b"]))
    if name == "exact_match":
        return float(em.exact_match(inp["prediction"], inp["reference"]))
    if name == "exact_match_squad":
        return float(em.exact_match(inp["prediction"], inp["reference"], normalize="squad"))
    if name == "multiple_choice_grade":
        return em.multiple_choice_accuracy(floats(inp["log_likelihoods"])[None, :], [inp["label"]])
    if name == "multiple_choice_grade_tokens":
        return em.multiple_choice_accuracy(floats(inp["log_likelihoods"])[None, :], [inp["label"]],
                                           lengths=floats(inp["lengths"])[None, :])
    if name == "multiple_choice_grade_norm":
        lengths = [len(c) for c in inp["choices"]]
        return em.multiple_choice_accuracy(floats(inp["log_likelihoods"])[None, :], [inp["label"]],
                                           lengths=floats(lengths)[None, :])
    if name == "multiple_choice_grade_bytes":
        lengths = [len(c.encode()) for c in inp["choices"]]
        return em.multiple_choice_accuracy(floats(inp["log_likelihoods"])[None, :], [inp["label"]],
                                           lengths=floats(lengths)[None, :])
    if name == "mean_brier_score_binary":
        return em.brier_score(np.asarray(inp["outcomes"]), floats(inp["probabilities"]))
    if name == "mean_log_loss":
        return em.log_loss(np.asarray(inp["outcomes"]), floats(inp["probabilities"]))
    if name == "mean_cross_entropy_from_log_probabilities":
        k = inp["num_classes"]
        return em.cross_entropy(np.asarray(inp["labels"]), log_prob=floats(inp["log_probabilities"]).reshape(-1, k))
    raise KeyError(name)


NAMES = ["brier_score_binary", "brier_score", "log_loss", "cross_entropy", "cross_entropy_from_log_probabilities",
         "k_of_k", "pass_at_k", "levenshtein_distance", "exact_match", "exact_match_squad", "multiple_choice_grade",
         "multiple_choice_grade_tokens", "multiple_choice_grade_norm", "multiple_choice_grade_bytes",
         "mean_brier_score_binary", "mean_log_loss", "mean_cross_entropy_from_log_probabilities"]


@pytest.mark.parametrize("name", NAMES)
def test_reference_vectors(name, reference_vectors):
    metric = reference_vectors[name]
    checked = 0
    for case in metric["cases"]:
        inp = case["input"]
        if "error" in case:
            with pytest.raises((em.InputError, em.NumericalError)):
                run(name, inp)
        else:
            got = run(name, inp)
            want = float(case["expected"])
            if math.isinf(want):
                assert got == want, (inp, got, want)
            else:
                assert got == pytest.approx(want, rel=REL, abs=ABS), (inp, got, want)
        checked += 1
    assert checked == len(metric["cases"]) > 0
