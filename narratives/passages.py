"""The real-genre passage set: load, resolve references into licensed real text, validate.

Passages live in ``tests/narratives/realgenre/passages/*.yaml`` (format and split rule in
that folder's README). References (``ref:``) point into ``../shared/realtext`` by id and
offsets; their text is read from there at load time and never stored in the repository.

Run ``python -m narratives.passages [--root DIR] [--realtext DIR]`` to validate every file
and print counts per language, split, narrative and stance.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
PASSAGES = REPO / "tests" / "narratives" / "realgenre" / "passages"
REALTEXT = REPO.parent / "shared" / "realtext"
LANGUAGES = ("en", "ru", "uk", "de", "fr")
GENRES = (
    "wire", "state-media", "speech", "op-ed", "fact-check", "forum",
    "parliament", "analysis", "news",
)  # fmt: skip
STANCES = ("promotes", "reports", "disputes")
HARD = (
    "descriptor", "word-sense", "causation", "time-object", "morphology",
    "paraphrase", "two-sentences", "attribution",
)  # fmt: skip
# Test part: sha256(id)[:8] mod 5 in {0, 1}, about 40 % (README; fixed before any label).
TEST_BUCKETS = (0, 1)


@dataclass(frozen=True)
class Label:
    """One gold narrative of a passage with the stance the passage takes."""

    id: str
    stance: str
    evidence: tuple[tuple[int, int], ...]  # spans of the passage text carrying it


@dataclass(frozen=True)
class Passage:
    """A labelled passage with its resolved text."""

    id: str
    language: str
    genre: str
    hard: str | None
    labels: tuple[Label, ...]
    text: str
    source: str  # "written" or the realtext corpus name

    @property
    def narratives(self) -> frozenset[str]:
        """The gold narrative ids."""
        return frozenset(label.id for label in self.labels)

    @property
    def split(self) -> str:
        """``test`` or ``dev`` by the README's id-hash rule."""
        return split_of(self.id)


def split_of(passage_id: str) -> str:
    """The fixed split of a passage id: ``test`` (about 40 %) or ``dev``."""
    bucket = int(hashlib.sha256(passage_id.encode("utf-8")).hexdigest()[:8], 16) % 5
    return "test" if bucket in TEST_BUCKETS else "dev"


@cache
def _kremlin_docs(realtext: Path) -> dict[str, str]:
    path = realtext / "kremlin-en" / "documents.jsonl"
    with path.open(encoding="utf-8") as fh:
        return {d["url"]: d["text"] for d in map(json.loads, fh)}


@cache
def _anhu_rows(realtext: Path) -> list[str]:
    path = realtext / "an-hu-putin-segments" / "code_set_historical_unity.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return [r[2] if len(r) > 2 else "" for r in rows[1:]]


def _resolve(ref: dict[str, Any], realtext: Path) -> str:
    corpus = ref.get("corpus")
    if corpus == "kremlin-en":
        doc = _kremlin_docs(realtext).get(str(ref["url"]))
        if doc is None:
            raise ValueError(f"unknown kremlin-en url {ref['url']!r}")
        start, end = int(ref["start"]), int(ref["end"])
        if not 0 <= start < end <= len(doc):
            raise ValueError(f"offsets {start}:{end} outside the document ({len(doc)} chars)")
        return doc[start:end]
    if corpus == "an-hu":
        rows = _anhu_rows(realtext)
        row = int(ref["row"])
        if not 1 <= row <= len(rows):
            raise ValueError(f"an-hu row {row} outside 1..{len(rows)}")
        return rows[row - 1]
    raise ValueError(f"unknown corpus {corpus!r}")


def _evidence(text: str, quotes: list[str], where: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for q in quotes:
        at = text.find(q)
        if not q or at < 0:
            raise ValueError(f"{where}: evidence {q[:60]!r} is not a substring of the text")
        spans.append((at, at + len(q)))
    return tuple(spans)


def parse(item: dict[str, Any], realtext: Path = REALTEXT) -> Passage:
    """One YAML item as a :class:`Passage` (``ValueError`` with the reason when invalid)."""
    pid = str(item.get("id") or "")
    if not pid:
        raise ValueError("passage without id")
    lang = str(item.get("language"))
    if lang not in LANGUAGES:
        raise ValueError(f"{pid}: language {lang!r} not in {LANGUAGES}")
    genre = str(item.get("genre"))
    if genre not in GENRES:
        raise ValueError(f"{pid}: genre {genre!r} not in {GENRES}")
    hard = item.get("hard")
    if hard is not None and hard not in HARD:
        raise ValueError(f"{pid}: hard {hard!r} not in {HARD}")
    if ("ref" in item) == ("text" in item):
        raise ValueError(f"{pid}: exactly one of text or ref")
    if "ref" in item:
        text, source = _resolve(item["ref"], realtext), str(item["ref"]["corpus"])
    else:
        text, source = str(item["text"]), "written"
    if not text.strip():
        raise ValueError(f"{pid}: empty text")
    from narratives.taxonomy import raw_taxonomy

    ids = {n["id"] for n in raw_taxonomy()["narratives"]}
    labels = []
    for raw in item.get("labels") or []:
        nid, stance = raw.get("id"), raw.get("stance")
        if nid not in ids:
            raise ValueError(f"{pid}: unknown narrative id {nid!r}")
        if stance not in STANCES:
            raise ValueError(f"{pid}: stance {stance!r} not in {STANCES}")
        if source == "written":
            quotes = raw.get("evidence") or []
            if not quotes:
                raise ValueError(f"{pid}: {nid} needs evidence (exact substrings)")
            spans = _evidence(text, [str(q) for q in quotes], f"{pid}/{nid}")
        else:
            spans = ((0, len(text)),)
        labels.append(Label(id=str(nid), stance=str(stance), evidence=spans))
    if len({label.id for label in labels}) != len(labels):
        raise ValueError(f"{pid}: a narrative labelled twice")
    return Passage(pid, lang, genre, hard, tuple(labels), text, source)


def load(
    root: Path = PASSAGES, realtext: Path = REALTEXT, split: str | None = None
) -> list[Passage]:
    """Every passage under ``root`` (optionally one split), ids unique, refs resolved."""
    out: list[Passage] = []
    seen: set[str] = set()
    for path in sorted(root.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            items = yaml.safe_load(fh) or []
        for item in items:
            try:
                passage = parse(item, realtext)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path.name}: {exc}") from exc
            if passage.id in seen:
                raise ValueError(f"{path.name}: duplicate id {passage.id}")
            seen.add(passage.id)
            if split is None or passage.split == split:
                out.append(passage)
    return out


def summary(passages: list[Passage]) -> str:
    """Counts per language, split, source, narrative, stance and hard class."""
    lines = [f"{len(passages)} passages"]
    keys: tuple[tuple[str, Callable[[Passage], str]], ...] = (
        ("language", lambda p: p.language),
        ("split", lambda p: p.split),
        ("source", lambda p: p.source),
        ("genre", lambda p: p.genre),
        ("hard", lambda p: p.hard or "-"),
        ("distractor", lambda p: "yes" if not p.labels else "no"),
    )
    for name, key in keys:
        counts = Counter(key(p) for p in passages)
        lines.append(f"{name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    narr = Counter((label.id, p.split) for p in passages for label in p.labels)
    for nid in sorted({n for n, _ in narr}):
        lines.append(f"  {nid:30s} dev {narr[(nid, 'dev')]:3d}  test {narr[(nid, 'test')]:3d}")
    stances = Counter(label.stance for p in passages for label in p.labels)
    lines.append("stance: " + ", ".join(f"{k} {v}" for k, v in sorted(stances.items())))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Validate the passage files and print their counts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--root", type=Path, default=PASSAGES)
    ap.add_argument("--realtext", type=Path, default=REALTEXT)
    args = ap.parse_args(argv)
    try:
        passages = load(args.root, args.realtext)
    except ValueError as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    print(summary(passages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
