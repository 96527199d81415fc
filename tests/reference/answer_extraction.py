#!/usr/bin/python3
"""Reference answers for emergent's answer extractors (include/emergent/metrics/answer_extraction.hpp).

Re-states with Python's own `re` and string methods:
  * boxed: lm-evaluation-harness lm_eval/tasks/minerva_math/utils.py `last_boxed_only_string` + `remove_boxed`
    (EleutherAI/lm-evaluation-harness, read at commit 001722ba6deac35c527d7d8e6c85ce823ed25fbb).
  * gsm8k: the gsm8k task's "strict-match" filter, regex `#### (\\-?[0-9\\.\\,]+)`, first match, group 1.
  * last-number: the regex `NUMBER` below scanned left to
    right, last match; a sign only where it does not follow a letter or digit (emergent's rule, written here
    as one Python regex instead of a hand-written scanner).
  * first-line: the first line whose str.strip() is not empty, stripped.
Run on the ten real lm-eval 0.4 MATH samples (tests/data/io/lm_eval/samples_math_perturbed_full_*.jsonl) and
on hand-written cases. Output: answer_extraction.tsv: source  index  extractor  text(hex)  answer(hex or '-')
Run: /usr/bin/python3 tests/reference/answer_extraction.py  (from the repository root)
"""
import json
import os
import re


def last_boxed_only_string(string):
    idx = string.rfind("\\boxed")
    if "\\boxed " in string:
        return "\\boxed " + string.split("\\boxed ")[-1].split("$")[0]
    if idx < 0:
        idx = string.rfind("\\fbox")
        if idx < 0:
            return None
    i = idx
    right_brace_idx = None
    num_left_braces_open = 0
    while i < len(string):
        if string[i] == "{":
            num_left_braces_open += 1
        if string[i] == "}":
            num_left_braces_open -= 1
            if num_left_braces_open == 0:
                right_brace_idx = i
                break
        i += 1
    if right_brace_idx is None:
        return None
    return string[idx : right_brace_idx + 1]


def remove_boxed(s):
    if s.startswith("\\boxed "):
        return s[len("\\boxed ") :]
    for left in ("\\boxed{", "\\fbox{"):
        if s.startswith(left) and s.endswith("}"):
            return s[len(left) : -1]
    return None  # "\\boxed" not followed by a brace: lm-eval asserts; emergent reports no answer


def boxed(text):
    s = last_boxed_only_string(text)
    return None if s is None else remove_boxed(s)


def gsm8k(text):
    m = re.search(r"#### (\-?[0-9\.\,]+)", text)
    return m.group(1) if m else None


NUMBER = re.compile(r"(?:(?<![A-Za-z0-9])[-+])?(?:\d+(?:,\d{3}(?!\d))*(?:\.\d+)?|(?<!\d)\.\d+)")


def last_number(text):
    found = NUMBER.findall(text)
    return found[-1] if found else None


def first_line(text):
    for line in text.split("\n"):
        if line.strip(" \t\n\v\f\r"):
            return line.strip(" \t\n\v\f\r")
    return None


EXTRACTORS = {"boxed": boxed, "gsm8k": gsm8k, "last-number": last_number, "first-line": first_line}

CASES = [
    "The answer is $\\boxed{\\frac{1}{2}}$.",
    "first \\boxed{1} then \\boxed{\\sqrt{\\frac{a}{b}}} end",
    "unbalanced \\boxed{\\frac{1}{2}",
    "space form $\\boxed 5$ done",
    "old style \\fbox{42}",
    "no box at all 7",
    "Natalia sold 48/2 = 24 clips.\n#### 72",
    "#### -1,234.5 and later #### 9",
    "####72 (no space)",
    "x = 1,234.5 or -7.",
    "3-2 = 1",
    "pi is about 3.14159, e about .5772",
    "1,23 and 12,345,678",
    "abc-5 vs (-5)",
    "\n  \n  Paris.  \nIt is the capital",
    "   \n\t\n",
    "",
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    samples = os.path.join(here, "..", "data", "io", "lm_eval",
                           "samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl")
    rows = []
    with open(samples, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            text = r["filtered_resps"][0]
            for name, fn in EXTRACTORS.items():
                rows.append(("math", r["doc_id"], name, text, fn(text)))
    for i, text in enumerate(CASES):
        for name, fn in EXTRACTORS.items():
            rows.append(("case", i, name, text, fn(text)))
    with open(os.path.join(here, "answer_extraction.tsv"), "w", encoding="utf-8") as out:
        for source, index, name, text, answer in rows:
            out.write("\t".join([source, str(index), name, text.encode().hex(),
                                 "-" if answer is None else answer.encode().hex()]) + "\n")


if __name__ == "__main__":
    main()
