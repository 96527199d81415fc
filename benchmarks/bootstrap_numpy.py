#!/usr/bin/python3
"""NumPy peer for benchmarks/bootstrap.cpp: count resampling of the mean of 100,000 binary outcomes,
10,000 bootstrap replicates, as rng.binomial(n, p_hat, size=10000) / n with NumPy's default
Generator (PCG64; its binomial uses BTPE for n*p >= 30, inversion below).
Prints one JSON object: {"numpy_version", "count_draws_us_median", "count_draws_us_all", ...}.
Run by scripts/bench-bootstrap.sh with Debian's /usr/bin/python3.
"""
import json
import time

import numpy as np

N = 100_000
B = 10_000
SUCCESSES = 31_416
REPEATS = 101


def main():
    rng = np.random.default_rng(7)
    p_hat = SUCCESSES / N
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        means = rng.binomial(N, p_hat, size=B) / N
        t1 = time.perf_counter()
        times.append((t1 - t0) * 1e6)
        assert means.shape == (B,)
    times.sort()
    cpu = []
    for _ in range(REPEATS):
        c0 = time.process_time()
        means = rng.binomial(N, p_hat, size=B) / N
        cpu.append((time.process_time() - c0) * 1e6)
    cpu.sort()
    print(json.dumps({
        "numpy_version": np.__version__,
        "count_draws_us_median": times[len(times) // 2],
        "count_draws_cpu_us_median": cpu[len(cpu) // 2],
        "repeats": REPEATS,
    }))


if __name__ == "__main__":
    main()
