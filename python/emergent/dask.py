"""Re-scoring on a Dask cluster: ``emergent.dask.score(paths, ...)`` runs one task per file (or per
byte range of a large JSON Lines file), each reading and scoring with the C++ scorer into its
aggregates; the partial scorers (pickled as their versioned state) merge in a tree reduction whose
last step makes the table on a worker, and the result is the table single-process ``emergent.score`` / ``emergent score`` gives: counts
exactly, means to a few ulps (Chan et al.'s merge of means and squared deviations).

Needs ``dask`` (Debian ``python3-dask``); on a cluster, ``distributed`` (``python3-distributed``)
and the ``emergent`` package on every worker. Every path must be readable under the same name on
the client (which sizes and checks the files) and on every worker."""

import math
import os

from . import scoring
from .errors import InputError

__all__ = ["score", "line_ranges", "LINE_RANGE_FORMATS"]

#: Formats whose files are independent lines and can be cut into byte ranges.
LINE_RANGE_FORMATS = ("lm-eval", "jsonl")


def _next_line_start(f, pos, size):
    """The first offset >= pos that starts a line (0, or just after a newline); size if none."""
    if pos <= 0:
        return 0
    base = pos - 1
    f.seek(base)
    while True:
        block = f.read(1 << 16)
        if not block:
            return size
        i = block.find(b"\n")
        if i >= 0:
            return base + i + 1
        base += len(block)


def line_ranges(path, parts):
    """Cuts a file into at most ``parts`` ranges of whole lines: a list of ``(begin, end, first_line)``
    (bytes ``[begin, end)``, 1-based line number of ``begin``). Each cut is moved forward to just
    after a newline, so no line is split; line numbers count every newline before the cut."""
    size = os.path.getsize(path)
    parts = max(1, int(parts))
    cuts = [0]
    with open(path, "rb") as f:
        for k in range(1, parts):
            pos = _next_line_start(f, max(k * size // parts, cuts[-1]), size)
            if pos >= size:
                break
            if pos > cuts[-1]:
                cuts.append(pos)
        lines = [1]  # newlines before each cut, counted in one pass
        f.seek(0)
        offset, count, j = 0, 0, 1
        while j < len(cuts):
            block = f.read(1 << 24)
            if not block:
                break
            end = offset + len(block)
            while j < len(cuts) and cuts[j] <= end:
                lines.append(1 + count + block.count(b"\n", 0, cuts[j] - offset))
                j += 1
            count += block.count(b"\n")
            offset = end
    bounds = cuts + [size]
    return [(bounds[i], bounds[i + 1], lines[i]) for i in range(len(cuts))]


def _score_part(spec, format, path, read_args, part):
    s = scoring.scorer_for(*spec)
    scoring.read_into(s, format, path, read_args, part)
    return s


def _score_range(spec, format, path, read_args, ranges, i):
    if i >= len(ranges):  # line_ranges cut fewer parts (lines longer than a part): nothing left to read
        return scoring.scorer_for(*spec)
    return _score_part(spec, format, path, read_args, ranges[i])


def _merge(spec, *parts):
    # A fresh scorer: the inputs are other tasks' results, which a worker may hold and reuse.
    out = scoring.scorer_for(*spec)
    for p in parts:
        out.merge(p)
    return out


def _finish(spec, compute, *parts):
    # The last merge, on a worker: the client receives the table and the counts, not the scorer
    # (whose state holds a key per document).
    s = _merge(spec, *parts)
    s.check_complete()
    return s.results(compute), s.summary()


def _graph(files, format, spec, read_args, split_bytes, split_every, compute):
    from dask import delayed

    leaves = []
    for f in files:
        size = os.path.getsize(f)
        if split_bytes and format in LINE_RANGE_FORMATS and size > split_bytes:
            n = math.ceil(size / split_bytes)
            ranges = delayed(line_ranges, pure=True)(f, n)
            # line_ranges may return fewer ranges (long lines): the extra tasks score empty ranges.
            leaves += [delayed(_score_range)(spec, format, f, read_args, ranges, i) for i in range(n)]
        else:
            leaves.append(delayed(_score_part)(spec, format, f, read_args, None))
    level = leaves
    while len(level) > split_every:  # a tree of merges, split_every inputs each, in file order
        level = [delayed(_merge)(spec, *level[i:i + split_every]) for i in range(0, len(level), split_every)]
    return delayed(_finish)(spec, compute, *level)


def score(paths, format="lm-eval", metrics="auto", *, mapping=None, model="", task="", filter="", skip_bad=False,
          level=0.95, max_tokens=100000, compute=None, split_bytes=None, split_every=4, client=None, as_frame=None,
          return_summary=False):
    """``emergent.score`` on Dask: the same arguments and the same table (see
    :func:`emergent.scoring.score`). One task per file; with ``split_bytes``, a ``lm-eval`` or
    ``jsonl`` file larger than that is cut into byte ranges of whole lines, one task each. The
    partial scorers merge ``split_every`` at a time; the last merge (on a worker) returns the table
and the counts only. ``compute`` (a compute table) is read by that worker. ``client``: a ``distributed.Client`` (default:
    the current one if any, else Dask's default scheduler).

    ``metrics="auto"`` picks the metrics from the first record of each task's part: name them when
    the files mix generations and option log-likelihoods (parts that chose differently do not
    merge)."""
    files = scoring._check(paths, format)
    if split_bytes is not None and (not isinstance(split_bytes, int) or split_bytes < 1):
        raise InputError(f"score: split_bytes: {split_bytes!r} is not a positive number of bytes")
    if not isinstance(split_every, int) or split_every < 2:
        raise InputError(f"score: split_every: {split_every!r} must be an integer >= 2")
    spec = (scoring._metrics(metrics), float(level), int(max_tokens), format)
    scoring.scorer_for(*spec)  # bad metrics, level or max_tokens fail here, before any task runs
    read_args = dict(mapping=scoring._mapping(mapping), model=model, task=task, filter=filter, skip_bad=bool(skip_bad))
    compute = os.fspath(compute) if compute is not None else ""
    if compute and not os.path.isfile(compute):
        raise FileNotFoundError(2, "No such file or directory", compute)
    total = _graph(files, format, spec, read_args, split_bytes, split_every, compute)
    if client is None:
        try:
            from distributed import default_client
            client = default_client()
        except (ImportError, ValueError):
            client = None
    columns, summary = client.compute(total).result() if client is not None else total.compute()
    if summary["delivered"] == 0 and summary["read"] == 0 and filter and summary["ignored"] > 0:
        raise InputError(f"score: filter: no record has the filter '{filter}' ({summary['ignored']} records of "
                         "other filters)")
    frame = scoring._frame({k: columns[k] for k in scoring.COLUMNS}, as_frame)
    return (frame, summary) if return_summary else frame
