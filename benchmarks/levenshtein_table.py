#!/usr/bin/python3
"""Formats the JSON output of bench_levenshtein as the Markdown table in docs/performance.md.

  build/release/benchmarks/bench_levenshtein --benchmark_repetitions=5 \
      --benchmark_report_aggregates_only=true --benchmark_format=json > lev.json
  /usr/bin/python3 benchmarks/levenshtein_table.py lev.json
"""
import json
import sys


def fmt_rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M/s"
    if x >= 1e4:
        return f"{x / 1e3:.1f} k/s"
    return f"{x:,.0f} /s"


def main():
    data = json.load(open(sys.argv[1]))
    med = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        impl, alphabet, kind, length = b["run_name"].split("/")
        med[(alphabet, kind, int(length), impl)] = b["items_per_second"]
    print("| alphabet | pairs | length | emergent | edlib | plain DP | emergent / edlib | emergent / plain DP |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for alphabet in ("token_ids_50k", "bytes"):
        for kind in ("random", "similar"):
            for length in (8, 64, 512, 4096):
                e = med.get((alphabet, kind, length, "emergent"))
                d = med.get((alphabet, kind, length, "edlib"))
                p = med.get((alphabet, kind, length, "plain_dp"))
                if e is None:
                    continue
                print(f"| {alphabet} | {kind} | {length} | {fmt_rate(e)} | {fmt_rate(d) if d else '—'} | {fmt_rate(p)} | "
                      f"{f'{e / d:.1f}×' if d else '—'} | {e / p:.1f}× |")


if __name__ == "__main__":
    main()
