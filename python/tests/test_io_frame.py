"""Readers on the repository's fixtures, their errors (ParseError with path/line, FileNotFoundError),
and the DataFrame pipeline against independent pandas computations."""

import pickle

import numpy as np
import pytest

import emergent as em

pd = pytest.importorskip("pandas")


def test_readers(root):
    io = root / "tests/data/io"
    d = em.read(io / "lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl", "lm-eval", model="m")
    assert len(d) == 4 and set(d["model"]) == {"m"}
    assert {"example_id", "option_logliks", "gold", "stored.acc"} <= set(d.columns)
    h = em.read(io / "helm/mmlu_philosophy_gpt2", "helm")
    assert len(h) == 10
    i = em.read(io / "inspect/arc_easy_qwen2.5-0.5b.json", "inspect")
    assert len(i) == 3
    w = em.read(io / "lm_eval/winogrande_write_out_info_llama-2-7b_first25.json", "lm-eval-v03", model="llama")
    assert len(w) == 25
    c = em.read(io / "winogrande_5shot_option_loglik_llama2_mistral.csv", "csv", task="winogrande",
                mapping={"model": "model", "example_id": "doc_id", "gold": "gold_option",
                         "options": ["loglik_option0", "loglik_option1"], "stored": "acc"})
    raw = pd.read_csv(io / "winogrande_5shot_option_loglik_llama2_mistral.csv")
    assert len(c) == len(raw)
    # acc recomputed from the option log-likelihoods equals the stored acc of the dump
    ll = np.vstack(c["option_logliks"].to_numpy())
    grades = em.multiple_choice_accuracy(ll, c["gold"], per_example=True)
    np.testing.assert_array_equal(grades, c["stored.acc"].to_numpy())
    d2 = em.read(io / "lm_eval/samples_constructed_mc_2026-01-01T00-00-00.000000.jsonl", "lm-eval", model="m",
                 as_frame=False)
    assert isinstance(d2, dict) and len(d2["model"]) == 4
    r = em.read_lm_eval_results(io / "lm_eval/results_mamba2-130m_groups.json")
    assert {"task", "metric", "value", "stderr"} <= set(r.columns) and len(r) > 0
    t = em.read_compute_table(io / "winogrande_compute.csv")
    assert len(t) >= 1 and "flops" in t.columns


def test_reader_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        em.read(tmp_path / "missing.jsonl", "lm-eval")
    bad = tmp_path / "bad.csv"
    bad.write_text("model,doc_id,correct\nm,1,1\nm,2\n")
    with pytest.raises(em.ParseError) as e:
        em.read(bad, "csv", task="t", mapping="model=model,example_id=doc_id,stored=correct")
    assert e.value.path == str(bad) and e.value.line == 3
    assert isinstance(e.value, em.InputError) and isinstance(e.value, ValueError)
    assert pickle.loads(pickle.dumps(e.value)).line == 3
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text('{"doc_id": 1, "target": "a"\n')
    with pytest.raises(em.ParseError) as e2:
        em.read(bad_json, "lm-eval", model="m", task="t")
    assert e2.value.line == 1
    with pytest.raises(em.InputError, match="mapping"):
        em.read(bad, "csv", task="t")
    with pytest.raises(em.InputError, match="format"):
        em.read(bad, "xml")


def test_frame_pipeline(root):
    data = root / "examples/data"
    wg = pd.read_csv(data / "winogrande_option_loglik.csv")
    wg["task"] = "winogrande"
    s = em.frame.score(wg, correct="acc")
    grouped = wg.groupby("model")["acc"].agg(["size", "sum"])
    for _, row in s.iterrows():
        assert row["n"] == grouped.loc[row["model"], "size"]
        assert row["successes"] == grouped.loc[row["model"], "sum"]
        ci = em.wilson_interval(int(row["successes"]), int(row["n"]))
        assert (row["lower"], row["upper"]) == (ci.lower, ci.upper)
    wg.loc[3, "acc"] = np.nan
    with pytest.raises(em.InputError, match="column 'acc'"):
        em.frame.score(wg, correct="acc")
    with pytest.raises(em.InputError, match="not in the DataFrame"):
        em.frame.score(wg, correct="missing")


def test_plot_curve():
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    x = np.linspace(20, 24, 8)
    y = 0.1 + 0.7 / (1 + np.exp(-3 * (x - 22)))
    ax = em.plot.plot_curve(x, y, lower=y - 0.02, upper=y + 0.02, fit=em.fit(x, y + 1e-3 * np.sin(x)), breaks=[22])
    assert len(ax.lines) >= 2


def test_frame_judge(root):
    obs = pd.read_csv(root / "examples/data/obsscaling_emergent_tasks_2shot.csv", comment="#").dropna(subset=["flops_1e21"])
    long = obs.melt(id_vars=["model", "flops_1e21"], value_vars=["arithmetic_3ds_acc", "arithmetic_2da_acc"],
                    var_name="task", value_name="accuracy")
    long["log10_flops"] = np.log10(long["flops_1e21"] * 1e21)
    j = em.frame.judge(long)
    assert list(j["task"]) == ["arithmetic_2da_acc", "arithmetic_3ds_acc"]
    row = j.set_index("task").loc["arithmetic_3ds_acc"]
    sub = long[long["task"] == "arithmetic_3ds_acc"]
    assert row["davies_p"] == pytest.approx(em.davies_test(sub["log10_flops"], sub["accuracy"]).p_value, rel=1e-9)
    assert row["param_x0"] == pytest.approx(em.fit(sub["log10_flops"], sub["accuracy"]).params["x0"], rel=1e-9)
    c = pd.DataFrame({"model": ["a", "b"], "flops": [1e21, 1e22]})
    s = pd.DataFrame({"model": ["a", "b"], "accuracy": [0.1, 0.2]})
    assert list(em.frame.join_compute(s, c)["log10_flops"]) == [21.0, 22.0]
    with pytest.raises(em.InputError, match="'c'"):
        em.frame.join_compute(pd.DataFrame({"model": ["c"], "accuracy": [0.1]}), c)
