#!/usr/bin/env python3
"""Builds the compressed-input and Inspect `.eval` fixtures of tests/io/test_compressed_inputs.cpp
from real JSON fixtures in tests/data/io (provenance in tests/data/SOURCES.md). Deterministic: run
it again and the bytes are the same (fixed ZIP timestamps, gzip mtime 0, zstd level 3).

* `.gz` / `.zst` copies of an lm-eval samples file, an Inspect JSON log and an lm-eval results file
  (gzip from Python's gzip module, zstd from the `zstd` program, Debian package zstd).
* `inspect/arc_easy_qwen2.5-0.5b.eval` (deflated members, as Inspect's zipfile writer makes them)
  and `inspect/arc_easy_qwen2.5-0.5b.zstd.eval` (Zstandard members, ZIP method 93, as Inspect writes
  them since it moved to zstd): the layout of Inspect's EvalRecorder
  (src/inspect_ai/log/_recorders/eval.py, UKGovernmentBEIS/inspect_ai): `_journal/start.json`
  ({version, eval, plan}), `samples/<id>_epoch_<epoch>.json` (one EvalSample each), the sample
  summaries in `_journal/summaries/1.json` and `summaries.json`, `reductions.json` and `header.json`
  (the log without samples), written in that order with 2-space indented JSON. The real archive
  `inspect/mmlu-summary-choices.eval` (from the inspect_ai repository) has the same members.

Usage: python3 tests/reference/make_compressed_fixtures.py   (from the repository root)
"""
import gzip
import json
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "io"
DATE = (2025, 12, 19, 12, 37, 50)


def gz(src: Path) -> None:
    raw = src.read_bytes()
    with open(str(src) + ".gz", "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=6) as g:
            g.write(raw)


def zst(src: Path) -> None:
    out = subprocess.run(["zstd", "-3", "-q", "-c", "--no-check", str(src)], check=True, capture_output=True).stdout
    Path(str(src) + ".zst").write_bytes(out)


def dumps(value) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")


def eval_members(log: dict):
    """The members of the .eval archive of a JSON log, in the order Inspect writes them."""
    start = {"version": log["version"], "eval": log["eval"], "plan": log["plan"]}
    members = [("_journal/start.json", dumps(start))]
    summaries = []
    for s in log["samples"]:
        members.append((f"samples/{s['id']}_epoch_{s['epoch']}.json", dumps(s)))
        summary = {k: s[k] for k in ("id", "epoch", "input", "choices", "target", "metadata", "scores") if k in s}
        summaries.append(summary)
    members.append(("_journal/summaries/1.json", dumps(summaries)))
    members.append(("summaries.json", dumps(summaries)))
    if log.get("reductions"):
        members.append(("reductions.json", dumps(log["reductions"])))
    header = {k: v for k, v in log.items() if k not in ("samples", "reductions")}
    members.append(("header.json", dumps(header)))
    return members


def write_deflated(path: Path, members) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=5)


def write_zstd(path: Path, members) -> None:
    """A ZIP whose members use method 93 (Zstandard, APPNOTE 4.4.5), written field by field."""
    dos_time = (DATE[3] << 11) | (DATE[4] << 5) | (DATE[5] // 2)
    dos_date = ((DATE[0] - 1980) << 9) | (DATE[1] << 5) | DATE[2]
    out = bytearray()
    central = bytearray()
    for name, data in members:
        comp = subprocess.run(["zstd", "-3", "-q", "-c", "--no-check"], input=data, check=True,
                              capture_output=True).stdout
        crc = zlib.crc32(data) & 0xFFFFFFFF
        fname = name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 63, 0, 93, dos_time, dos_date, crc, len(comp), len(data),
                           len(fname), 0) + fname + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 63, 63, 0, 93, dos_time, dos_date, crc, len(comp),
                               len(data), len(fname), 0, 0, 0, 0, 0, offset) + fname
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    path.write_bytes(bytes(out))


def main() -> None:
    for rel in ("lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl",
                "inspect/arc_easy_qwen2.5-0.5b.json",
                "lm_eval/results_mamba2-130m_groups.json"):
        gz(DATA / rel)
        zst(DATA / rel)
    log = json.loads((DATA / "inspect/arc_easy_qwen2.5-0.5b.json").read_text(encoding="utf-8"))
    members = eval_members(log)
    write_deflated(DATA / "inspect/arc_easy_qwen2.5-0.5b.eval", members)
    write_zstd(DATA / "inspect/arc_easy_qwen2.5-0.5b.zstd.eval", members)


if __name__ == "__main__":
    main()
