"""Python-side benchmarks of the emergent package against its peers (medians of repeated runs; the
ratio is peer time / emergent time). Run at low priority:
    nice -n 10 build/python-venv/bin/python benchmarks/python/bench_python.py [NAME ...]
(NAME: interval, brier, logistic_fit, levenshtein, dask_rescore; default all.)
Levenshtein: 100,000 pairs of 64-token sequences (token ids < 1000) vs python-Levenshtein (tokens
converted to one character each, conversion included) and a numpy dynamic program (on 300 pairs,
scaled). Mean Brier over 10^7 examples vs sklearn.metrics.brier_score_loss and plain numpy. Logistic
fit (15 points) vs scipy.optimize.curve_fit with a good start (CPU time). Scalar Wilson interval per call. Dask re-scoring: 2 shards on 1 vs 2 worker processes."""

import statistics
import sys
import time
import timeit

import numpy as np

import emergent as em


def median_time(f, repeat=5, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        t = clock()
        f()
        times.append(clock() - t)
    return statistics.median(times)


def row(name, ours, peers):
    def fmt(t):
        return f"{t * 1e3:9.2f} ms" if t >= 1e-3 else f"{t * 1e6:9.1f} us"
    cells = [f"{name:<34} emergent {fmt(ours)}"]
    for peer, t in peers:
        cells.append(f"{peer} {fmt(t)} ({t / ours:6.1f}x)")
    print(" | ".join(cells), flush=True)


def levenshtein():
    rng = np.random.default_rng(1)
    n, length = 100_000, 64
    a = [rng.integers(0, 1000, length).astype(np.int32) for _ in range(n)]
    b = []
    for x in a:  # related pairs: ~20% of tokens edited
        y = x.copy()
        idx = rng.integers(0, length, 13)
        y[idx] = rng.integers(0, 1000, idx.size)
        b.append(y)
    ours1 = median_time(lambda: em.levenshtein_distance_batch(a, b, workers=1), 3)
    ours2 = median_time(lambda: em.levenshtein_distance_batch(a, b, workers=2), 3)
    peers = []
    try:
        import Levenshtein

        def plev():
            return [Levenshtein.distance("".join(map(chr, x.tolist())), "".join(map(chr, y.tolist()))) for x, y in zip(a, b)]
        peers.append(("python-Levenshtein", median_time(plev, 3)))
    except ImportError:
        pass

    def dp(x, y):
        prev = np.arange(len(y) + 1)
        for i in range(1, len(x) + 1):
            cost = (y != x[i - 1]).astype(np.int64)
            cur = np.empty_like(prev)
            cur[0] = i
            diag = prev[:-1] + cost
            up = prev[1:] + 1
            best = np.minimum(diag, up)
            for j in range(1, len(y) + 1):  # the left dependency is sequential
                cur[j] = min(best[j - 1], cur[j - 1] + 1)
            prev = cur
        return prev[-1]
    m = 300
    t = median_time(lambda: [dp(x, y) for x, y in zip(a[:m], b[:m])], 1) * n / m
    peers.append(("numpy DP", t))
    row("levenshtein 1e5 x 64 tokens, 1 thr", ours1, peers)
    row("levenshtein 1e5 x 64 tokens, 2 thr", ours2, peers)


def brier():
    rng = np.random.default_rng(2)
    n = 10_000_000
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(np.int8)
    ours = median_time(lambda: em.brier_score(y, p))
    from sklearn.metrics import brier_score_loss
    peers = [("sklearn", median_time(lambda: brier_score_loss(y, p), 3)),
             ("numpy", median_time(lambda: np.mean((p - y) ** 2)))]
    row("mean Brier 1e7 (float64, int8)", ours, peers)


def logistic_fit():
    from scipy.optimize import curve_fit
    x = np.linspace(19, 24, 15)

    def f(x, lo, hi, k, x0):
        return lo + (hi - lo) / (1 + np.exp(-k * (x - x0)))
    y = f(x, 0.05, 0.85, 2.5, 21.7) + np.random.default_rng(4).normal(0, 0.01, x.size)
    reps = 300
    # CPU time of this process (both sides single-threaded): a machine shared with other work slows
    # both alike instead of whichever ran during a burst; medians of 7 runs of 300 fits.
    cpu = time.process_time
    ours = median_time(lambda: [em.fit(x, y, "logistic") for _ in range(reps)], 7, cpu) / reps
    core = median_time(lambda: [em._core.fit_xy(x, y, "logistic", None, "none", 1.0, 1, 0, 200) for _ in range(reps)],
                       7, cpu) / reps
    peer = median_time(lambda: [curve_fit(f, x, y, p0=[0, 1, 1, 21.5]) for _ in range(reps)], 7, cpu) / reps
    row("logistic fit, 15 points (per fit)", ours, [("scipy curve_fit", peer)])
    print(f"{'':<34} (core binding alone {core * 1e6:.1f} us: the Python layer adds {(ours - core) * 1e6:.1f} us; "
          f"scipy / core {peer / core:.1f}x)", flush=True)


def interval():
    n = 200_000
    t = min(timeit.repeat("w(3, 10)", globals={"w": em.wilson_interval}, number=n, repeat=5)) / n
    raw = min(timeit.repeat("w(3, 10, 0.95)", globals={"w": em._core.wilson_interval}, number=n, repeat=5)) / n
    print(f"{'scalar wilson_interval per call':<34} emergent {t * 1e6:6.3f} us (core binding alone {raw * 1e6:6.3f} us)")


def dask_rescore(size_mb=300, repeat=5):
    """emergent.dask.score on 2 shards (lm-eval-shaped samples files of size_mb MB each, made by
    benchmarks/make_rescore_input.py): a LocalCluster of 1 worker process vs 2 (one thread each).
    Throughput in CPU time: bytes / CPU time of the busiest worker process (reading, scoring,
    pickling and merging, and the worker's own background threads): the critical path of a cluster
    with a core per worker, which a machine shared with other work cannot show in wall time. The
    CPU time of this process (graph, the table; LocalCluster's scheduler runs here too) is printed
    beside it, as is the wall time."""
    import os
    import shutil
    import subprocess
    import tempfile

    import distributed

    here = os.path.dirname(os.path.abspath(__file__))
    tmp = tempfile.mkdtemp(prefix="emergent_dask_bench_")
    try:
        shards = [os.path.join(tmp, f"samples_shard{i}_2026-01-01T00-00-00.000000.jsonl") for i in range(2)]
        for i, path in enumerate(shards):
            subprocess.run([sys.executable, os.path.join(here, "..", "make_rescore_input.py"), path, str(size_mb)],
                           check=True, capture_output=True)
        total = sum(os.path.getsize(p) for p in shards)
        metrics = "exact_match,edit_distance,brier,mc_grade"
        single = em.score(shards, "lm-eval", metrics, model="bench")
        results = {}
        for workers in (1, 2):
            with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                          dashboard_address=None, silence_logs=40) as cluster, \
                    distributed.Client(cluster) as client:
                em.dask.score(shards[0], "lm-eval", metrics, model="bench", client=client)  # warm: imports, page cache
                runs = []
                for _ in range(repeat):
                    before = client.run(time.process_time)
                    c0, w0 = time.process_time(), time.perf_counter()
                    got = em.dask.score(shards, "lm-eval", metrics, model="bench", client=client)
                    wall, client_cpu = time.perf_counter() - w0, time.process_time() - c0
                    after = client.run(time.process_time)
                    busiest = max(after[w] - before[w] for w in after)
                    runs.append((busiest, wall, client_cpu))
                    assert got["n"].tolist() == single["n"].tolist()
                    assert np.allclose(got["value"], single["value"], rtol=1e-12, atol=0)
                cpu = statistics.median(r[0] for r in runs)
                wall = statistics.median(r[1] for r in runs)
                client_cpu = statistics.median(r[2] for r in runs)
                results[workers] = (cpu, wall)
                print(f"{'dask rescore 2 x %d MB, %d worker%s' % (size_mb, workers, 's' if workers > 1 else ''):<34} "
                      f"CPU-time throughput {total / 1e6 / cpu:7.1f} MB/s ({cpu:.2f} s busiest worker; runs "
                      f"{' '.join('%.2f' % r[0] for r in runs)}) | client+scheduler {client_cpu:.2f} s CPU | "
                      f"wall {total / 1e6 / wall:7.1f} MB/s ({wall:.2f} s)", flush=True)
        print(f"{'dask 2 workers / 1 worker':<34} CPU-time throughput {results[1][0] / results[2][0]:.2f}x | "
              f"wall {results[1][1] / results[2][1]:.2f}x (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
              flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    print(f"emergent {em.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    only = sys.argv[1:]  # names of benchmarks to run (default: all)
    for f in (interval, brier, logistic_fit, levenshtein, dask_rescore):
        if not only or f.__name__ in only:
            f()
