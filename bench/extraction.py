"""Article-extraction benchmark: trafilatura alone vs ``crawlers.extraction.extract``.

Scores both extractors side by side, in one run, on the Zyte/Scrapinghub
article-extraction benchmark (``../shared/benchmarks/article-extraction``: 181
real pages with human-written article bodies), with exactly the upstream metric
(``evaluate.py`` of scrapinghub/article-extraction-benchmark):

- tokens are the matches of ``\\w+`` with case kept; texts are compared as
  multisets of 4-token shingles (a text shorter than 4 tokens is one shingle);
- per page, TP/FP/FN are normalised to sum 1;
- precision is averaged over pages with a non-empty prediction, recall over
  pages with a non-empty ground truth; F1 is the harmonic mean of the averages;
- accuracy is the share of pages whose token sequence equals the ground truth's.

The baseline is the published setting, ``trafilatura.extract(html,
include_comments=False)`` (upstream: trafilatura 2.0.0, F1 0.958, P 0.938, R 0.978).

The pages are split once, before any development, into a dev half and a
held-out half (``bench/extraction_split.json``, seeded). Rules were developed on
the dev half only; the held-out half says whether they generalise.

Run: ``.venv/bin/python -m bench.extraction [--half dev|heldout|all] [--markdown FILE]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from crawlers.extraction import EXTRACTOR_VERSION, extract

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
SPLIT_FILE = Path(__file__).resolve().parent / "extraction_split.json"

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
_NGRAM_N = 4  # upstream shingle size

TpFpFn = tuple[float, float, float]


# --------------------------------------------------------------------------- metric


def tokenize(text: str) -> list[str]:
    """Upstream tokenisation: ``\\w+`` matches, case kept."""
    return _TOKEN_RE.findall(text or "")


def _shingles(text: str, n: int = _NGRAM_N) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    result: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            result[shingle] += 1
    return result


def shingle_match(true: str, pred: str) -> TpFpFn:
    """Per-page TP/FP/FN over 4-token shingle multisets, normalised to sum 1."""
    t, p = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    if s > 0:
        return tp / s, fp / s, fn / s
    return tp, fp, fn


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


@dataclass(frozen=True)
class Score:
    """Aggregate scores of one extractor on one set of pages."""

    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int
    seconds: float

    @property
    def pages_per_second(self) -> float:
        """Throughput (single process)."""
        return self.pages / self.seconds if self.seconds > 0 else float("nan")


def score(truths: list[str], preds: list[str], seconds: float) -> Score:
    """Upstream aggregate: P over non-empty predictions, R over non-empty truths."""
    counts = [shingle_match(t, p) for t, p in zip(truths, preds, strict=True)]
    ps = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.mean(ps) if ps else 0.0
    recall = statistics.mean(rs) if rs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = [tokenize(t) == tokenize(p) for t, p in zip(truths, preds, strict=True)]
    return Score(precision, recall, f1, sum(exact) / len(exact), len(truths), seconds)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Page:
    """One benchmark page."""

    page_id: str
    url: str
    html: str
    truth: str


def load_split() -> dict[str, list[str]]:
    """The fixed dev/held-out split."""
    data = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    return {"dev": data["dev"], "heldout": data["heldout"]}


def load_pages(ids: Iterable[str]) -> list[Page]:
    """Read the gzipped pages and their ground truth."""
    gt = json.loads((DATA_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid in ids:
        with gzip.open(DATA_DIR / "html" / f"{pid}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        pages.append(Page(pid, gt[pid]["url"], html, gt[pid]["articleBody"]))
    return pages


# --------------------------------------------------------------------------- run


def baseline(page: Page) -> str:
    """trafilatura alone, the published setting."""
    return trafilatura.extract(page.html, include_comments=False) or ""


def ours(page: Page) -> str:
    """The project's extraction function."""
    return extract(page.html, page.url).text


def run(fn: Callable[[Page], str], pages: list[Page]) -> tuple[dict[str, str], float]:
    """Run one extractor over the pages; return outputs by id and elapsed seconds."""
    out: dict[str, str] = {}
    start = time.perf_counter()
    for page in pages:
        out[page.page_id] = fn(page)
    return out, time.perf_counter() - start


def _row(name: str, s: Score) -> str:
    return (
        f"| {name} | {s.pages} | {s.precision:.3f} | {s.recall:.3f} | **{s.f1:.3f}** "
        f"| {s.accuracy:.3f} | {s.pages_per_second:.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--half", choices=["dev", "heldout", "all"], default="all")
    ap.add_argument("--markdown", type=Path, help="write a markdown section to this file")
    ap.add_argument(
        "--worst",
        type=int,
        default=0,
        help="list the N dev pages where ours loses most to the baseline (dev half only)",
    )
    args = ap.parse_args(argv)

    split = load_split()
    ids = sorted(split["dev"] + split["heldout"]) if args.half == "all" else split[args.half]
    pages = load_pages(ids)
    base_out, base_s = run(baseline, pages)
    our_out, our_s = run(ours, pages)

    halves = ["dev", "heldout", "all"] if args.half == "all" else [args.half]
    lines = [
        "| extractor | pages | precision | recall | F1 | accuracy | pages/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    report = [
        f"Article-extraction benchmark ({len(pages)} pages, upstream metric); "
        f"ours = {EXTRACTOR_VERSION}",
        "",
    ]
    n_all = len(pages)
    exact_f1: list[tuple[str, float]] = []
    for half in halves:
        hids = ids if half == "all" else split[half]
        truths = [p.truth for p in pages if p.page_id in set(hids)]
        sel = [p.page_id for p in pages if p.page_id in set(hids)]
        share = len(sel) / n_all  # time is apportioned by page count for halves
        b = score(truths, [base_out[i] for i in sel], base_s * share)
        o = score(truths, [our_out[i] for i in sel], our_s * share)
        report.append(f"**{half}** half" if half != "all" else "**all** pages")
        report.append("")
        report.extend(lines)
        report.append(_row("trafilatura alone", b))
        report.append(_row("narrmon extract", o))
        exact_f1 += [(f"{half}/trafilatura", b.f1), (f"{half}/narrmon", o.f1)]
        report.append("")
    report.append(
        "Exact F1 (4 decimals): "
        + ", ".join(f"{name} {value:.4f}" for name, value in exact_f1)
        + "."
    )
    report.append(
        f"Throughput over all {n_all} pages, one process: trafilatura alone "
        f"{n_all / base_s:.1f} pages/s, narrmon extract {n_all / our_s:.1f} pages/s."
    )
    text = "\n".join(report)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")

    if args.worst:
        dev = set(split["dev"])
        diffs = []
        for p in pages:
            if p.page_id not in dev:
                continue
            bt = shingle_match(p.truth, base_out[p.page_id])
            ot = shingle_match(p.truth, our_out[p.page_id])
            diffs.append((ot[0] - bt[0], p.page_id, bt, ot))
        diffs.sort()
        for d, pid, bt, ot in diffs[: args.worst]:
            print(
                f"{d:+.3f} {pid[:12]} base={bt[0]:.3f}/{bt[1]:.3f}/{bt[2]:.3f} "
                f"ours={ot[0]:.3f}/{ot[1]:.3f}/{ot[2]:.3f}",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
