#!/usr/bin/python3
"""Reference answers for emergent's exact-match normalisers.

Re-states, with Python's own `re`, `str.lower`, `str.translate` and numpy, the semantics of
  * lm-evaluation-harness `exact_match_hf_evaluate` (lm_eval/api/metrics.py, EleutherAI/lm-evaluation-harness,
    read at commit 001722ba6deac35c527d7d8e6c85ce823ed25fbb): for each pattern in regexes_to_ignore in order,
    re.sub(pattern, "", x) on both sides; then np.char.lower if ignore_case; then delete string.punctuation if
    ignore_punctuation; then delete string.digits if ignore_numbers; score = (prediction == reference).
  * SQuAD v1.1 evaluate-v1.1.py `normalize_answer`: lower, delete string.punctuation, re.sub(r'\\b(a|an|the)\\b', ' '),
    ' '.join(s.split()).
lm-eval is not packaged in Debian, so the semantics are re-stated here (not copied) and run with the same
primitives it uses. Output: exact_match_lm_eval.tsv, one case per line, strings hex-encoded (UTF-8):
  kind  prediction  reference  regexes(comma-separated hex)  ignore_case  ignore_punctuation  ignore_numbers  expected
Run: /usr/bin/python3 tests/reference/exact_match_lm_eval.py  (from the repository root)
"""
import os
import re
import string

import numpy as np


def lm_eval_exact_match(pred, ref, regexes, ignore_case, ignore_punctuation, ignore_numbers):
    p = np.asarray([pred])
    r = np.asarray([ref])
    for pattern in regexes:
        p = np.array([re.sub(pattern, "", x) for x in p])
        r = np.array([re.sub(pattern, "", x) for x in r])
    if ignore_case:
        p, r = np.char.lower(p), np.char.lower(r)
    if ignore_punctuation:
        table = str.maketrans("", "", string.punctuation)
        p, r = np.char.translate(p, table=table), np.char.translate(r, table=table)
    if ignore_numbers:
        table = str.maketrans("", "", string.digits)
        p, r = np.char.translate(p, table=table), np.char.translate(r, table=table)
    return bool((p == r)[0])


def squad_normalize(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


GSM8K = [",", "\\$", "(?s).*#### ", "\\.$"]  # lm-eval gsm8k task's regexes_to_ignore
NQ_OPEN = ["\\b(?:The |the |An |A |The |a |an )"]

LM_EVAL_CASES = [
    # prediction, reference, regexes, ignore_case, ignore_punctuation, ignore_numbers
    ("Hello, World!", "hello world", [], True, True, False),
    ("Hello, World!", "hello world", [], True, False, False),
    ("Hello, World!", "Hello World", [], False, True, False),
    ("The answer is\n#### $1,234.", "1234", GSM8K, True, False, False),
    ("#### 72", "72", GSM8K, True, False, False),
    ("so 18 eggs.\n#### 18", "18", GSM8K, True, False, False),
    ("#### 17", "18", GSM8K, True, False, False),
    ("ABCdef", "def", ["ABC"], True, False, False),   # regexes run before lower-casing
    ("abcdef", "def", ["ABC"], True, False, False),
    ("xa.b", "x", ["a\\.b"], False, True, False),     # ... and before punctuation is deleted
    ("The Eiffel Tower", "eiffel tower", NQ_OPEN, True, True, False),
    ("the Eiffel Tower", "Eiffel Tower", NQ_OPEN, False, False, False),
    ("abc123", "abc", [], False, False, True),
    ("a1,b2", "ab", [], False, True, True),
    ("\u00c9COLE", "\u00e9cole", [], True, False, False),
    ("\u0391\u0398\u0389\u039d\u0391", "\u03b1\u03b8\u03ae\u03bd\u03b1", [], True, False, False),
    ("\u041c\u043e\u0441\u043a\u0432\u0430", "\u043c\u043e\u0441\u043a\u0432\u0430", [], True, False, False),
    ("\u00abhi\u00bb", "hi", [], False, True, False),  # only ASCII punctuation is deleted
    ("a b", "a  b", [], True, True, False),            # whitespace is not normalised
    ("", "", [], False, False, False),
    ("Answer: 5", "5", ["Answer: "], False, False, False),
    ("  5", "5", ["^\\s+"], False, False, False),
    ("5 5 5", "555", [" "], False, False, False),
    ("Paris.", "paris", [], True, True, False),
    ("(B)", "b", ["[()]"], True, False, False),
]

SQUAD_CASES = [
    ("The Eiffel Tower!", "eiffel tower"),
    ("an apple a day", "apple day"),
    ("Theatre", "atre"),
    ("A.B.", "ab"),
    ("  the   quick, brown fox ", "quick brown fox"),
    ("the", ""),
    ("An", "a"),
    ("Denver Broncos", "denver broncos"),
]


def hexs(s):
    return s.encode("utf-8").hex()


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exact_match_lm_eval.tsv")
    with open(out, "w") as f:
        for pred, ref, regexes, ic, ip, inum in LM_EVAL_CASES:
            expected = lm_eval_exact_match(pred, ref, regexes, ic, ip, inum)
            f.write("\t".join(["lm_eval", hexs(pred), hexs(ref), ",".join(hexs(x) for x in regexes) or "-",
                               str(int(ic)), str(int(ip)), str(int(inum)), str(int(expected))]) + "\n")
        for pred, ref in SQUAD_CASES:
            expected = squad_normalize(pred) == squad_normalize(ref)
            f.write("\t".join(["squad", hexs(pred), hexs(ref), "-", "0", "0", "0", str(int(expected))]) + "\n")


if __name__ == "__main__":
    main()
