"""Tutorial 6: emergent from Python, on the shipped real data (see docs/tutorials/6_python.md).
Run: build/python-venv/bin/python docs/tutorials/6_python.py [examples/data]"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import emergent as em

data = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "examples/data")

# 1. WinoGrande, per example: re-score acc from the option log-likelihoods, then intervals per model.
wg = pd.read_csv(data / "winogrande_option_loglik.csv")
ll = wg[["loglik_option0", "loglik_option1"]].to_numpy()
wg["acc_rescored"] = em.multiple_choice_accuracy(ll, wg["gold_option"], per_example=True)
print(f"WinoGrande: {len(wg)} rows, re-scored acc equals the dump's acc: {bool((wg['acc_rescored'] == wg['acc']).all())}")
wg["task"] = "winogrande"
scores = em.frame.score(wg, correct="acc")
for _, r in scores.iterrows():
    print(f"  {r['model']:<28} {r['successes']:4d}/{r['n']} = {r['accuracy']:.3f}  95% Wilson [{r['lower']:.3f}, {r['upper']:.3f}]")

# 2. ObsScaling 3-digit subtraction (2000 items per model): a jump on a log-compute axis.
obs = pd.read_csv(data / "obsscaling_emergent_tasks_2shot.csv", comment="#").dropna(subset=["flops_1e21"])
obs = obs.sort_values("flops_1e21")
x = np.log10(obs["flops_1e21"].to_numpy() * 1e21)
y = obs["arithmetic_3ds_acc"].to_numpy()
k = np.rint(y * 2000).astype(int)
lower, upper = em.wilson_interval(k, 2000)
print(f"\n3-digit subtraction: {len(obs)} models, log10 FLOPs {x.min():.2f} to {x.max():.2f}")
print(f"  widest 95% interval: {np.max(upper - lower):.3f} (n = 2000 per model)")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", em.FitWarning)
    f = em.fit(x, y, "logistic")
print(f"  logistic: status {f.status}, x0 = {f.params['x0']:.2f} +/- {f.std_errors['x0']:.2f}, "
      f"k = {f.params['k']:.2f} per decade, AICc {f.aicc:.1f}; FitWarnings: {len(caught)}")
lin = em.fit(x, y, "linear")
print(f"  linear:   AICc {lin.aicc:.1f} (lower is better: {'logistic' if f.aicc < lin.aicc else 'linear'})")
d = em.davies_test(x, y)
print(f"  Davies test for a change in slope: p = {d.p_value:.2e}")
s = em.fit_segmented(x, y)
b = s.breakpoints[0]
print(f"  one-break fit: break at log10 FLOPs {b.estimate:.2f} [{b.interval.lower:.2f}, {b.interval.upper:.2f}], "
      f"slopes {s.slopes[0]:.3f} then {s.slopes[1]:.3f} per decade")
sh = em.measure_sharpness(x, y)
print(f"  breakthroughness {sh.breakthroughness:.2f}, linearity {sh.linearity:.2f}, largest jump {sh.largest_jump:.3f}")
