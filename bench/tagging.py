"""Benchmark of the narrative tagger on the labelled corpus.

Run: ``.venv/bin/python -m bench.tagging [--split test|dev|both] [--markdown FILE]``.

Reports, per split: per-narrative precision/recall/F1, micro-F1, relevance
precision/recall, distractor rate, evidence validity, per-language figures,
and throughput (articles per second on one core, 800-word articles).
Tuning uses the dev half only; the test half is reported, never tuned on.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from narratives import TAXONOMY_VERSION, load_taxonomy, tag
from narratives.evaluation import (
    TARGET_ARTICLES_PER_SECOND,
    LabelledArticle,
    Report,
    evaluate,
    load_corpus,
    long_articles,
    target_failures,
)

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "narratives" / "corpus"
WORDS = 800  # article length for the throughput figure (issue target)
DOCS = 60  # long articles per throughput pass; small to keep the shared machine free


def throughput(articles: list[LabelledArticle], passes: int = 3) -> tuple[float, float, int]:
    """Articles/s on one core (CPU time): cold first pass and best steady-state pass."""
    docs = long_articles(articles, WORDS, DOCS)
    mean_words = sum(len(t.split()) for t, _ in docs) // len(docs)
    timings = []
    for _ in range(passes):
        t0 = time.process_time()
        for text, lang in docs:
            tag(text, lang)
        timings.append(time.process_time() - t0)
    return len(docs) / timings[0], len(docs) / min(timings), mean_words


def table(name: str, rep: Report) -> list[str]:
    """Plain-text table lines for one split."""
    lines = [
        f"== {name} half: {rep.n_articles} articles, {rep.distractors} distractors "
        f"(taxonomy {TAXONOMY_VERSION})",
        f"{'narrative':32s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>4s}",
    ]
    for nid, c in rep.per_narrative.items():
        lines.append(f"{nid:32s} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.support:4d}")
    m = rep.micro
    lines.append(f"{'micro':32s} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} {m.support:4d}")
    ne = rep.non_english
    lines.append(f"{'non-English micro':32s} {ne.precision:6.3f} {ne.recall:6.3f} {ne.f1:6.3f}")
    r = rep.relevance
    lines.append(f"relevance precision {r.precision:.3f}  recall {r.recall:.3f}")
    lines.append(
        f"distractors tagged {rep.distractors_tagged}/{rep.distractors} "
        f"({rep.distractor_rate:.1%});  tags with valid evidence "
        f"{rep.tags_with_valid_evidence}/{rep.tags}"
    )
    for lang in sorted(rep.per_language):
        c = rep.per_language[lang]
        rel = rep.per_language_relevance[lang]
        lines.append(
            f"  {lang}: micro-F1 {c.f1:.3f} (P {c.precision:.3f} R {c.recall:.3f})  "
            f"relevance P {rel.precision:.3f} R {rel.recall:.3f}"
        )
    fails = target_failures(rep)
    lines.append("targets: " + ("all met" if not fails else "MISSED: " + "; ".join(fails)))
    return lines


def markdown(reports: dict[str, Report], speed: tuple[float, float, int]) -> str:
    """A markdown section for docs/BENCHMARKS.md."""
    out = [
        "## Narrative tagging",
        "",
        f"`make bench-tagging` (`python -m bench.tagging`), taxonomy {TAXONOMY_VERSION}, "
        "rules-only tagger. Corpus: `tests/narratives/corpus/` (dev half for tuning, "
        "test half held out).",
        "",
    ]
    for name, rep in reports.items():
        out += [
            f"### {name} half ({rep.n_articles} articles, {rep.distractors} distractors)",
            "",
            "| narrative | precision | recall | F1 | support |",
            "|---|---:|---:|---:|---:|",
        ]
        for nid, c in rep.per_narrative.items():
            out.append(f"| {nid} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} | {c.support} |")
        m, ne, r = rep.micro, rep.non_english, rep.relevance
        out += [
            f"| **micro** | {m.precision:.3f} | {m.recall:.3f} | **{m.f1:.3f}** | {m.support} |",
            f"| non-English micro | {ne.precision:.3f} | {ne.recall:.3f} | {ne.f1:.3f} "
            f"| {ne.support} |",
            "",
            f"Relevance precision {r.precision:.3f}, recall {r.recall:.3f}; distractors "
            f"tagged {rep.distractors_tagged}/{rep.distractors}; tags with valid evidence "
            f"{rep.tags_with_valid_evidence}/{rep.tags}.",
            "",
            "| language | micro-F1 | relevance P | relevance R |",
            "|---|---:|---:|---:|",
        ]
        for lang in sorted(rep.per_language):
            c, rel = rep.per_language[lang], rep.per_language_relevance[lang]
            out.append(f"| {lang} | {c.f1:.3f} | {rel.precision:.3f} | {rel.recall:.3f} |")
        fails = target_failures(rep)
        out += ["", "Targets: " + ("all met." if not fails else "missed: " + "; ".join(fails)), ""]
    cold, warm, words = speed
    out += [
        f"Throughput (one core, CPU time, {DOCS} articles of ~{words} words): "
        f"{cold:.0f} articles/s cold, {warm:.0f} articles/s steady state "
        f"(target {TARGET_ARTICLES_PER_SECOND:.0f}).",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 0 (the bench reports, it does not gate)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["test", "dev", "both"], default="both")
    ap.add_argument("--markdown", type=Path, help="write a markdown section to this file")
    args = ap.parse_args(argv)
    ids = [d.id for d in load_taxonomy()]
    splits = ["test", "dev"] if args.split == "both" else [args.split]
    reports = {s: evaluate(load_corpus(CORPUS, s), tag, ids) for s in splits}
    everything = load_corpus(CORPUS, "dev") + load_corpus(CORPUS, "test")
    speed = throughput(everything)
    for name, rep in reports.items():
        print("\n".join(table(name, rep)))
        print()
    cold, warm, words = speed
    print(
        f"throughput: {cold:.0f} articles/s cold, {warm:.0f} articles/s steady "
        f"(one core, {DOCS} articles of ~{words} words; target {TARGET_ARTICLES_PER_SECOND:.0f})"
    )
    if args.markdown:
        args.markdown.write_text(markdown(reports, speed), encoding="utf-8")
        print(f"markdown written to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
