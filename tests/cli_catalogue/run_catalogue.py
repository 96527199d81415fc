#!/usr/bin/env python3
"""The bad-input catalogue of the `emergent` program (issue 14): runs every case of cases.txt and the
output-integrity checks below against one build of the program, and fails on the first difference.

    run_catalogue.py --emergent build/gcc-debug/tools/emergent --work build/.../cli_catalogue

For every case of cases.txt (`name | exit code | stderr prefix | arguments`; a prefix `stdout:TEXT`
asks instead that standard output contain TEXT):
  * the exit code is the expected one;
  * a line of standard error starts with the expected prefix (the input and output directories are
    written {in} and {out} there, as in the arguments);
  * the input files are byte for byte the same afterwards, and no file appeared among them;
  * after a failing run the output directory {out} is empty: no output and no temporary file;
  * after a successful run every JSON written (files in {out}, standard output) is strict JSON
    (no NaN, no Infinity).
Then the checks that need more than one command: standard output to /dev/full, --out through a link
to /dev/full, a closed pipe (non-zero exit, promptly), two concurrent runs writing the same --out,
a report directory holding a link to a file outside it, and an output given through a symbolic or a
hard link to an input.
"""
import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def strict_json(text, what):
    def bad_constant(name):
        raise ValueError(f"{what}: non-finite number {name} in JSON output")
    json.loads(text, parse_constant=bad_constant)


def snapshot(directory):
    """Hash of every file under `directory` (links hashed by their target text)."""
    out = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, directory)
            if os.path.islink(path):
                out[rel] = "link:" + os.readlink(path)
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    out[rel] = hashlib.sha256(f.read()).hexdigest()
            elif os.path.isdir(path) and name in dirs:
                out[rel] = "dir"
    return out


class Catalogue:
    def __init__(self, emergent, work):
        self.emergent = os.path.abspath(emergent)
        self.work = os.path.abspath(work)
        self.failures = []
        self.count = 0

    def fail(self, name, message):
        self.failures.append(f"{name}: {message}")
        print(f"FAIL {name}: {message}", flush=True)

    def prepare(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.inputs = os.path.join(self.work, "in")
        self.make_inputs()

    def make_inputs(self):
        shutil.copytree(os.path.join(HERE, "inputs"), self.inputs, symlinks=True)
        # Inputs made here rather than stored: links, and one pathological record (two 150,000-character
        # texts: an edit distance the --max-tokens limit refuses).
        os.makedirs(os.path.join(self.inputs, "adir.csv"))
        os.symlink("wg.csv", os.path.join(self.inputs, "wg_link.csv"))
        os.link(os.path.join(self.inputs, "wg.csv"), os.path.join(self.inputs, "wg_hardlink.csv"))
        record = {"doc_id": 0, "target": "a" * 150000, "filtered_resps": ["b" * 150000], "filter": "none"}
        with open(os.path.join(self.inputs, "samples_long_2026-01-01T00-00-00.000000.jsonl"), "w") as f:
            f.write(json.dumps(record) + "\n")
        # A large input for the closed-pipe check: 200,000 records of per-example output.
        with open(os.path.join(self.inputs, "big.csv"), "w") as f:
            f.write("model,task,doc_id,gold,o0,o1\n")
            for i in range(200000):
                f.write(f"m,t,{i},{i % 2},-1.5,-0.5\n")

    def run(self, args, stdout=subprocess.PIPE, timeout=300):
        return subprocess.run([self.emergent] + args, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)

    def substitute(self, text, out_dir):
        return text.replace(out_dir, "{out}").replace(self.inputs, "{in}")

    def case(self, name, expected_rc, prefix, words):
        self.count += 1
        out_dir = os.path.join(self.work, "out", name)
        os.makedirs(out_dir)
        args = [w.replace("{in}", self.inputs).replace("{out}", out_dir) for w in words]
        before = snapshot(self.inputs)
        try:
            p = self.run(args)
        except subprocess.TimeoutExpired:
            self.fail(name, "timed out")
            return
        stderr = self.substitute(p.stderr.decode("utf-8", "replace"), out_dir)
        stdout = p.stdout.decode("utf-8", "replace")
        if p.returncode != expected_rc:
            self.fail(name, f"exit {p.returncode}, expected {expected_rc}\n  stderr: {stderr.strip()[:600]}")
            return
        if prefix.startswith("stdout:"):  # a text standard output must contain
            if prefix[7:] not in stdout:
                self.fail(name, f"standard output lacks {prefix[7:]!r}\n  stdout: {stdout.strip()[:600]}")
                return
        elif prefix and not any(line.lstrip().startswith(prefix) for line in stderr.splitlines()):
            self.fail(name, f"no stderr line starts with {prefix!r}\n  stderr: {stderr.strip()[:600]}")
            return
        after = snapshot(self.inputs)
        if after != before:
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            self.fail(name, f"the inputs changed: {changed}")
            # restore them for the next cases
            shutil.rmtree(self.inputs)
            self.prepare_inputs_again()
            return
        left = os.listdir(out_dir)
        if expected_rc != 0 and left:
            self.fail(name, f"a failing run left {left} in the output directory")
            return
        try:
            if expected_rc == 0:
                for root, _, files in os.walk(out_dir):
                    for f in files:
                        if f.endswith(".json"):
                            with open(os.path.join(root, f)) as fh:
                                strict_json(fh.read(), f)
                if stdout.lstrip().startswith("{"):
                    strict_json(stdout, "standard output")
        except ValueError as e:
            self.fail(name, str(e))
            return
        print(f"ok   {name}", flush=True)

    def prepare_inputs_again(self):
        self.make_inputs()

    def manifest(self, path):
        with open(path) as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = [p.strip() for p in line.split("|", 3)]
                if len(parts) != 4:
                    raise SystemExit(f"{path}:{number}: expected 'name | exit | prefix | arguments'")
                name, rc, prefix, args = parts
                self.case(name, int(rc), prefix, shlex.split(args))

    # ---- checks that need more than one command -------------------------------------------------
    def special(self):
        wg = ["score", "--format", "csv", "--map-file", f"{self.inputs}/m.conf", "--task", "wg"]

        self.count += 1
        if os.path.exists("/dev/full"):
            with open("/dev/full", "wb") as full:
                p = subprocess.run([self.emergent] + wg + ["--per-example", f"{self.inputs}/wg.csv"],
                                   stdout=full, stderr=subprocess.PIPE, timeout=60)
            self.expect("stdout_dev_full", p, 5, "emergent: cannot write to standard output")
            self.count += 1
            with open("/dev/full", "wb") as full:
                p = subprocess.run([self.emergent, "fit", "--model", "linear", f"{self.inputs}/curve.csv"],
                                   stdout=full, stderr=subprocess.PIPE, timeout=120)
            self.expect("fit_stdout_dev_full", p, 5, "emergent: cannot write to standard output")
            self.count += 1
            link = os.path.join(self.work, "full.csv")
            os.symlink("/dev/full", link)
            p = self.run(wg + ["--out", link, f"{self.inputs}/wg.csv"])
            self.expect("out_link_to_dev_full", p, 5, "emergent: score: --out: cannot write")
        else:
            print("SKIPPED: no /dev/full")

        # A closed pipe: the reader of standard output goes away; the run stops with exit 5 at once.
        self.count += 1
        started = time.monotonic()
        proc = subprocess.Popen([self.emergent, "score", "--format", "csv", "--map", "model=model,task=task,example_id=doc_id,"
                                 "gold=gold,options=o0;o1", "--metrics", "mc_grade", "--per-example", f"{self.inputs}/big.csv"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.read(100)
        proc.stdout.close()
        err = proc.stderr.read().decode()
        rc = proc.wait(timeout=120)
        elapsed = time.monotonic() - started
        if rc != 5 or "cannot write to standard output" not in err:
            self.fail("closed_pipe", f"exit {rc}: {err.strip()[:300]}")
        else:
            print(f"ok   closed_pipe ({elapsed:.1f} s)")

        # Two runs writing the same --out at once: the file is one run's complete output, never a mix.
        self.count += 1
        out = os.path.join(self.work, "concurrent.csv")
        a = wg + ["--per-example", "--out", out, f"{self.inputs}/wg.csv"]
        b = wg + ["--per-model", "--out", out, f"{self.inputs}/wg.csv"]
        ref_a, ref_b = os.path.join(self.work, "ref_a.csv"), os.path.join(self.work, "ref_b.csv")
        self.run(a[:-2] + [ref_a, a[-1]])
        self.run(b[:-2] + [ref_b, b[-1]])
        ok = True
        for _ in range(5):
            procs = [subprocess.Popen([self.emergent] + c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in (a, b)]
            rcs = [q.wait(timeout=120) for q in procs]
            got = open(out, "rb").read()
            if rcs != [0, 0] or got not in (open(ref_a, "rb").read(), open(ref_b, "rb").read()):
                ok = False
            leftovers = [f for f in os.listdir(self.work) if f.startswith(".concurrent.csv")]
            if leftovers:
                ok = False
        if ok:
            print("ok   concurrent_out")
        else:
            self.fail("concurrent_out", "two concurrent runs left a mixed output or a temporary file")

        # report -o D where D/index.html links to a file outside D: the link is replaced, the file untouched.
        self.count += 1
        d = os.path.join(self.work, "report_dir")
        os.makedirs(d)
        outside = os.path.join(self.work, "outside.txt")
        with open(outside, "w") as f:
            f.write("precious\n")
        os.symlink(outside, os.path.join(d, "index.html"))
        p = self.run(["report", "-q", "--hard", "acc", "--n", "n", "-o", d, f"{self.inputs}/rep_ok.csv"])
        if p.returncode != 0 or open(outside).read() != "precious\n" or os.path.islink(os.path.join(d, "index.html")):
            self.fail("report_symlink_inside", f"exit {p.returncode}, outside file or link changed: {p.stderr.decode()[:300]}")
        elif any(n.startswith(".") for n in os.listdir(d)):
            self.fail("report_symlink_inside", f"temporary files left: {os.listdir(d)}")
        else:
            print("ok   report_symlink_inside")

    def expect(self, name, p, rc, prefix):
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode != rc or not any(line.startswith(prefix) for line in err.splitlines()):
            self.fail(name, f"exit {p.returncode} (expected {rc}): {err.strip()[:300]}")
        else:
            print(f"ok   {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emergent", required=True)
    parser.add_argument("--work", required=True)
    a = parser.parse_args()
    c = Catalogue(a.emergent, a.work)
    c.prepare()
    c.manifest(os.path.join(HERE, "cases.txt"))
    c.special()
    print(f"{c.count} cases, {len(c.failures)} failed")
    if c.failures:
        for f in c.failures:
            print("  " + f.splitlines()[0])
        sys.exit(1)


if __name__ == "__main__":
    main()
