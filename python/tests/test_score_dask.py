"""emergent.score against the `emergent score` program on every fixture format (same table, cell for
cell), the Scorer's merge and pickled state, and emergent.dask.score on a real distributed
LocalCluster (2 worker processes: real scheduler, real pickling) against single-process scoring:
counts exactly, means and interval ends to 1e-12."""

import csv
import json
import math
import os
import pickle
import subprocess

import numpy as np
import pytest

import emergent as em

pd = pytest.importorskip("pandas")

IO = "tests/data/io"
MC = f"{IO}/lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl"
MATH = f"{IO}/lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl"
V03 = f"{IO}/lm_eval/winogrande_write_out_info_llama-2-7b_first25.json"
WINO = f"{IO}/winogrande_5shot_option_loglik_llama2_mistral.csv"
WINO_MAP = "model=model,example_id=doc_id,gold=gold_option,options=loglik_option0;loglik_option1,stored=acc"
WINO_JSONL_MAP = "model=model,example_id=doc_id,gold=gold_option,options=loglik_option0;loglik_option1,stored=acc"
INT_COLUMNS = ("n",)


def _cli(root):
    env = os.environ.get("EMERGENT_CLI")
    if env:
        return env
    for preset in ("gcc-debug", "release", "clang-debug", "asan"):
        p = root / "build" / preset / "tools" / "emergent"
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
    return None


@pytest.fixture(scope="module")
def cli(root):
    path = _cli(root)
    if path is None:
        pytest.skip("the emergent program is not built (scripts/test.sh builds build/gcc-debug/tools/emergent first)")
    return path


@pytest.fixture(scope="module")
def wino_jsonl(tmp_path_factory, root):
    """The winogrande CSV fixture as JSON Lines (numbers as numbers), for the jsonl format."""
    out = tmp_path_factory.mktemp("jsonl") / "winogrande.jsonl"
    with open(root / WINO, newline="") as f, open(out, "w") as g:
        for row in csv.DictReader(f):
            rec = {k: (v if k == "model" else float(v) if "." in v or "e" in v else int(v)) for k, v in row.items()}
            g.write(json.dumps(rec) + "\n")
    return out


def _cell(v):
    """A cell as `emergent score` writes it: %.17g numbers, empty for none, true/false."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return "%.17g" % float(v)
    return str(v)


def _run_cli(cli, tmp_path, files, fmt, metrics=None, extra=()):
    out = tmp_path / f"cli_{len(list(tmp_path.iterdir()))}.csv"
    cmd = [cli, "score", "--format", fmt, *extra, "--out", str(out)]
    if metrics:
        cmd += ["--metrics", metrics]
    r = subprocess.run(cmd + [str(f) for f in files], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    return rows, r.stderr


def _assert_tables_match(a, b):
    """Counts and names exactly; values, interval ends and standard errors to 1e-12."""
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for col in ("model", "task", "metric", "interval", "n"):
        assert a[col].tolist() == b[col].tolist(), col
    for col in ("value", "lower", "upper", "stderr"):
        np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-12, atol=1e-12, err_msg=col)


CASES = [  # (id, files, format, metrics, CLI options, Python keyword arguments)
    ("lm-eval mc auto", [MC], "lm-eval", None, ["--model", "m", "--filter", "none"], dict(model="m", filter="none")),
    ("lm-eval mc named", [MC], "lm-eval", "mc_grade,acc_norm,brier,log_loss,log_likelihood,stored:acc",
     ["--model", "m", "--filter", "none"], dict(model="m", filter="none")),
    ("lm-eval mc other filter", [MC], "lm-eval", "mc_grade,brier", ["--model", "m", "--filter", "strict"],
     dict(model="m", filter="strict")),
    ("lm-eval generations", [MATH], "lm-eval", "exact_match,exact_match_stripped,edit_distance,stored:exact_match",
     ["--model", "m"], dict(model="m")),
    ("lm-eval two files", [MC, MATH], "lm-eval", "exact_match,mc_grade,brier", ["--model", "m", "--filter", "none"],
     dict(model="m", filter="none")),
    ("lm-eval-v03", [V03], "lm-eval-v03", None, ["--model", "llama"], dict(model="llama")),
    ("helm mc", [f"{IO}/helm/mmlu_philosophy_gpt2", f"{IO}/helm/hellaswag_pythia-1b-v0"], "helm", None, [], {}),
    ("helm generation", [f"{IO}/helm/narrative_qa_gpt2"], "helm", "exact_match,exact_match_stripped,edit_distance",
     [], {}),
    ("inspect", [f"{IO}/inspect/arc_easy_qwen2.5-0.5b.json"], "inspect", None, [], {}),
    ("inspect stored", [f"{IO}/inspect/2025-05-12T20-28-13-04-00_popularity.json"], "inspect", None, [], {}),
    ("csv with compute", [WINO], "csv", "mc_grade,brier,log_loss,stored:acc",
     ["--task", "winogrande", "--map", WINO_MAP, "--compute", f"{IO}/winogrande_compute.csv"],
     dict(task="winogrande", mapping=WINO_MAP, compute=f"{IO}/winogrande_compute.csv")),
    ("csv level", [WINO], "csv", None, ["--task", "winogrande", "--map", WINO_MAP, "--level", "0.9"],
     dict(task="winogrande", mapping=WINO_MAP, level=0.9)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_score_equals_cli(case, cli, root, tmp_path):
    name, files, fmt, metrics, cli_args, kwargs = case
    files = [root / f for f in files]
    kwargs = {k: (str(root / v) if k == "compute" else v) for k, v in kwargs.items()}
    cli_args = [str(root / a) if a.startswith(IO) else a for a in cli_args]
    rows, _ = _run_cli(cli, tmp_path, files, fmt, metrics, cli_args)
    frame = em.score(files, fmt, metrics or "auto", **kwargs)
    assert rows[0] == list(frame.columns) == list(em.scoring.COLUMNS)
    ours = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    assert len(ours) == len(rows) - 1 > 0
    assert ours == rows[1:]  # cell for cell, 17 significant digits


def test_score_jsonl_equals_cli_and_csv(cli, root, tmp_path, wino_jsonl):
    rows, _ = _run_cli(cli, tmp_path, [wino_jsonl], "jsonl", "mc_grade,brier,stored:acc",
                       ["--task", "winogrande", "--map", WINO_JSONL_MAP])
    frame = em.score(wino_jsonl, "jsonl", ["mc_grade", "brier", "stored:acc"], task="winogrande",
                     mapping=WINO_JSONL_MAP)
    assert [[_cell(v) for v in r] for r in frame.itertuples(index=False)] == rows[1:]
    from_csv = em.score(root / WINO, "csv", "mc_grade,brier,stored:acc", task="winogrande", mapping=WINO_MAP)
    pd.testing.assert_frame_equal(frame, from_csv)


def test_score_against_independent_pandas(root):
    # mc_grade and brier recomputed with numpy from the CSV's option log-likelihoods
    raw = pd.read_csv(root / WINO)
    frame = em.score(root / WINO, "csv", "mc_grade,brier", task="winogrande", mapping=WINO_MAP)
    ll = raw[["loglik_option0", "loglik_option1"]].to_numpy()
    raw["grade"] = (ll.argmax(axis=1) == raw["gold_option"]).astype(float)
    p = np.exp(ll - ll.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.eye(2)[raw["gold_option"]]
    raw["brier"] = ((p - onehot) ** 2).sum(axis=1)
    for model, g in raw.groupby("model"):
        row = frame[(frame.model == model) & (frame.metric == "mc_grade")].iloc[0]
        assert row.n == len(g) and row.value == pytest.approx(g["grade"].mean(), abs=1e-15)
        lo, hi = em.wilson_interval(int(g["grade"].sum()), len(g))
        assert (row.lower, row.upper) == pytest.approx((lo, hi), abs=1e-15)
        b = frame[(frame.model == model) & (frame.metric == "brier")].iloc[0]
        assert b.value == pytest.approx(g["brier"].mean(), rel=1e-12)
        assert b.stderr == pytest.approx(g["brier"].std(ddof=1) / math.sqrt(len(g)), rel=1e-9)


def test_score_errors(root, tmp_path):
    with pytest.raises(FileNotFoundError):
        em.score(tmp_path / "missing.jsonl", "lm-eval")
    with pytest.raises(em.InputError, match="format"):
        em.score(root / MC, "parquet")
    with pytest.raises(em.InputError, match="unknown metric 'accuracy'"):
        em.score(root / MC, "lm-eval", "accuracy", model="m")
    with pytest.raises(em.InputError, match="mapping"):
        em.score(root / WINO, "csv", task="winogrande")
    with pytest.raises(em.InputError, match="given twice"):
        em.score([root / MC, root / MC], "lm-eval", model="m")
    with pytest.raises(em.InputError, match="no record stores a score named 'nothing'"):
        em.score(root / MC, "lm-eval", "stored:nothing", model="m", filter="none")
    with pytest.raises(em.InputError, match="level"):
        em.score(root / MC, "lm-eval", model="m", level=1.5)
    bad = tmp_path / "samples_t_2026-01-01T00-00-00.jsonl"
    lines = (root / MC).read_text().splitlines()
    bad.write_text(lines[0] + "\n" + lines[1][:-5] + "\n")
    with pytest.raises(em.ParseError) as e:
        em.score(bad, "lm-eval", model="m")
    assert e.value.path == str(bad) and e.value.line == 2
    frame, summary = em.score(bad, "lm-eval", model="m", skip_bad=True, return_summary=True)
    assert summary["read"] == 2 and summary["skipped"] == 1 and summary["delivered"] == 1
    assert len(summary["first_errors"]) == 1 and frame.n.tolist() == [1, 1, 1]
    # the same document in two files counts once: an error, naming both
    copy = tmp_path / "samples_constructed_mc_2026-01-02T00-00-00.000000.jsonl"
    copy.write_text((root / MC).read_text())
    with pytest.raises(em.InputError, match="counted twice"):
        em.score([root / MC, copy], "lm-eval", model="m", filter="none")
    # two filters of one (model, task): each document would count twice
    with pytest.raises(em.InputError, match="choose one with --filter"):
        em.score(root / MC, "lm-eval", model="m")
    with pytest.raises(em.InputError, match="no record has the filter"):
        em.score(root / MC, "lm-eval", model="m", filter="nothing")


def test_scorer_merge_and_pickle(root, wino_jsonl):
    metrics = "mc_grade,brier,log_loss"
    whole = em.scoring.scorer_for(metrics)
    whole.read("jsonl", str(wino_jsonl), mapping=WINO_JSONL_MAP, task="winogrande")
    merged = em.scoring.scorer_for(metrics)
    for begin, end, first in em.dask.line_ranges(wino_jsonl, 3):  # three shards of one file, pickled
        part = em.scoring.scorer_for(metrics)
        part.read("jsonl", str(wino_jsonl), mapping=WINO_JSONL_MAP, task="winogrande", begin=begin, end=end,
                  first_line=first)
        merged.merge(pickle.loads(pickle.dumps(part)))
    _assert_tables_match(em.scoring.results_frame(merged), em.scoring.results_frame(whole))
    assert merged.summary() == whole.summary()
    restored = pickle.loads(pickle.dumps(whole))
    a, b = whole.results(), restored.results()
    for k in a:
        if isinstance(a[k], np.ndarray) and a[k].dtype.kind == "f":
            np.testing.assert_array_equal(a[k], b[k])  # the state round trip is exact (%.17g)
        else:
            assert list(a[k]) == list(b[k])
    assert restored.summary() == whole.summary()
    with pytest.raises(em.InputError, match="version"):
        em.Scorer.from_json(whole.to_json().replace('"version": 2', '"version": 99'))
    with pytest.raises(em.InputError):
        em.Scorer.from_json("{}")
    other = em.scoring.scorer_for("mc_grade")
    other.read("csv", str(root / WINO), mapping=WINO_MAP, task="other")
    with pytest.raises(em.InputError, match="different metrics"):
        whole.merge(other)
    blank = em.Scorer.__new__(em.Scorer)
    state, keys, sources = whole.__getstate__()
    assert len(keys) == 8 * len(sources) // 4 == 8 * whole.summary()["delivered"]
    with pytest.raises(em.InputError, match="differ in length"):
        blank.__setstate__((state, keys[:-1], sources))
    with pytest.raises(em.InputError, match="version"):
        blank.__setstate__((state.replace(b'"version": 2', b'"version": 3'), keys, sources))
    twice = pickle.loads(pickle.dumps(whole))
    with pytest.raises(em.InputError, match="counted in both"):
        twice.merge(whole)


# ---- Dask -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    import dask
    # a machine busy with compilers starts worker processes slowly: generous connect timeouts
    with dask.config.set({"distributed.comm.timeouts.connect": "180s", "distributed.comm.timeouts.tcp": "180s"}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                           silence_logs=40)
        c = distributed.Client(cluster)
        yield c
        c.close()
        cluster.close()


def test_dask_score_equals_single_process(client, root, tmp_path):
    files = [root / MC, root / MATH]
    kwargs = dict(model="m", filter="none", metrics="exact_match,edit_distance,mc_grade,brier,log_loss")
    single, s1 = em.score(files, "lm-eval", return_summary=True, **kwargs)
    dist, s2 = em.dask.score(files, "lm-eval", client=client, return_summary=True, **kwargs)
    _assert_tables_match(dist, single)
    assert s1 == s2
    # one task per HELM run folder, through the default client
    helm = [root / IO / "helm" / d for d in ("mmlu_philosophy_gpt2", "hellaswag_pythia-1b-v0", "narrative_qa_gpt2")]
    _assert_tables_match(em.dask.score(helm, "helm", "exact_match,mc_grade"), em.score(helm, "helm", "exact_match,mc_grade"))


def test_dask_byte_ranges_equal_single_process(client, root, tmp_path, wino_jsonl):
    # the 37 kB generations file cut into ~4 kB ranges of whole lines, one task each
    single, s1 = em.score(root / MATH, "lm-eval", "exact_match,edit_distance,stored:exact_match", model="m",
                          return_summary=True)
    ranges = em.dask.line_ranges(root / MATH, 10)
    assert len(ranges) > 5
    dist, s2 = em.dask.score(root / MATH, "lm-eval", "exact_match,edit_distance,stored:exact_match", model="m",
                             split_bytes=4000, split_every=3, client=client, return_summary=True)
    _assert_tables_match(dist, single)
    assert s1 == s2
    # a larger JSONL (the winogrande rows, 10 copies under other task names) in 8 ranges
    big = tmp_path / "big.jsonl"
    base = wino_jsonl.read_text().splitlines()
    with open(big, "w") as f:
        for copy in range(10):
            for line in base:
                rec = json.loads(line)
                rec["task"] = f"t{copy}"
                f.write(json.dumps(rec) + "\n")
    mapping = WINO_JSONL_MAP + ",task=task"
    single = em.score(big, "jsonl", "mc_grade,brier,log_loss,stored:acc", mapping=mapping)
    dist = em.dask.score(big, "jsonl", "mc_grade,brier,log_loss,stored:acc", mapping=mapping,
                         split_bytes=big.stat().st_size // 8 + 1, client=client)
    _assert_tables_match(dist, single)
    assert int(dist.n.sum()) == 4 * 10 * len(base)


def test_dask_errors_travel_back(client, root, tmp_path):
    bad = tmp_path / "samples_t_2026-01-01T00-00-00.jsonl"
    lines = (root / MC).read_text().splitlines()
    bad.write_text("\n".join(lines[:3]) + "\n" + lines[3][:-3] + "\n")
    with pytest.raises(em.ParseError) as e:
        em.dask.score([root / MC, bad], "lm-eval", model="other", filter="none", client=client)
    assert e.value.path == str(bad) and e.value.line == 4
    # a range that starts mid-file reports the file's line number, not the range's
    with pytest.raises(em.ParseError) as e2:
        em.dask.score(bad, "lm-eval", model="m", split_bytes=600, client=client)
    assert e2.value.line == 4
    copy = tmp_path / "samples_constructed_mc_2026-01-02T00-00-00.000000.jsonl"
    copy.write_text((root / MC).read_text())
    with pytest.raises(em.InputError, match="counted in both"):
        em.dask.score([root / MC, copy], "lm-eval", model="m", filter="none", client=client)
    with pytest.raises(em.InputError, match="unknown metric"):
        em.dask.score(root / MC, "lm-eval", "nope", client=client)
    with pytest.raises(em.InputError, match="split_bytes"):
        em.dask.score(root / MC, "lm-eval", split_bytes=0, client=client)
    with pytest.raises(FileNotFoundError):
        em.dask.score(tmp_path / "missing.jsonl", "lm-eval", client=client)


def test_line_ranges_property(tmp_path):
    rng = np.random.default_rng(3)
    for trial in range(200):
        lines = [b"x" * int(n) for n in rng.integers(0, 40, int(rng.integers(0, 25)))]
        data = b"\n".join(lines) + (b"\n" if trial % 2 else b"")
        p = tmp_path / "f"
        p.write_bytes(data)
        for parts in (1, 2, 3, 8, 40):
            r = em.dask.line_ranges(p, parts)
            assert 1 <= len(r) <= parts and r[0][0] == 0 and r[-1][1] == len(data)
            for (b, e, _), (b2, _, _) in zip(r, r[1:]):
                assert e == b2 and b < e
            for b, _, first in r:
                assert b == 0 or data[b - 1:b] == b"\n"
                assert first == data[:b].count(b"\n") + 1


def test_state_interchange_with_cli(cli, root, tmp_path):
    # `emergent score --save-state` writes the state a Python Scorer reads, and the reverse: a state
    # from Python merges with `emergent merge` into the table of one pass.
    state = tmp_path / "shard.json"
    rows, _ = _run_cli(cli, tmp_path, [root / MATH], "lm-eval", "exact_match,edit_distance",
                       ["--model", "m", "--save-state", str(state)])
    s = em.Scorer.from_json(state.read_text())
    ours = em.scoring.results_frame(s)
    assert [[_cell(v) for v in r] for r in ours.itertuples(index=False)] == rows[1:]
    py_state = tmp_path / "py.json"
    other = em.scoring.scorer_for("exact_match,edit_distance")
    other.read("lm-eval", str(root / MC), model="m", filter="none")
    py_state.write_text(other.to_json())
    out = tmp_path / "merged.csv"
    r = subprocess.run([cli, "merge", "--out", str(out), str(state), str(py_state)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    both = em.score([root / MATH, root / MC], "lm-eval", "exact_match,edit_distance", model="m", filter="none")
    merged = pd.read_csv(out, keep_default_na=False, na_values=[""])
    merged["interval"] = merged["interval"].fillna("")
    _assert_tables_match(merged[["model", "task", "metric", "n", "value", "lower", "upper", "stderr", "interval"]],
                         both[["model", "task", "metric", "n", "value", "lower", "upper", "stderr", "interval"]])
