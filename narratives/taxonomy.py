"""Loading and validating ``taxonomy.yaml`` (definitions, lexicons, rules)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from narratives.lexicon import Lexicon, compile_lexicons
from narratives.types import NarrativeDef

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")
LANGUAGES = ("en", "ru", "uk", "de", "fr")
SIDES = ("kremlin", "counter")

try:  # the C loader parses the taxonomy several times faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Rule:
    """Concept slots that must all be present in one window (sentence or sentence pair)."""

    slots: tuple[frozenset[str], ...]
    scope: str  # "sentence" | "pair"
    weight: float
    unless: frozenset[str]
    article: tuple[frozenset[str], ...] = ()  # slots that must each be met somewhere in the text


@dataclass(frozen=True)
class Derived:
    """A concept derived from token order: ``trigger`` within ``max_gap`` tokens of a target.

    ``after`` looks behind the target instead of before it (German verb-final
    negation); a token carrying a ``block`` concept in between cancels the match.
    """

    name: str
    trigger: frozenset[str]
    targets: frozenset[str]
    max_gap: int
    after: bool = False
    block: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Narrative:
    """A narrative definition with its detection rules."""

    definition: NarrativeDef
    rules: tuple[Rule, ...]
    implied_by: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """The compiled taxonomy: narratives, lexicons and tagger settings."""

    version: str
    narratives: tuple[Narrative, ...]
    lexicons: dict[str, Lexicon]
    derived: tuple[Derived, ...]
    anchors: tuple[frozenset[str], ...]
    settings: dict[str, float]


@functools.cache
def raw_taxonomy() -> dict[str, Any]:
    """The parsed YAML document (cached)."""
    with TAXONOMY_PATH.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.load(fh, Loader=_Loader)
    return data


def _slot(spec: str) -> frozenset[str]:
    return frozenset(s.strip() for s in spec.split("|") if s.strip())


@functools.cache
def compiled() -> Taxonomy:
    """Compile the taxonomy once per process (lexicons, rules, settings)."""
    data = raw_taxonomy()
    concepts: dict[str, dict[str, list[str]]] = data["concepts"]
    for name, by_lang in concepts.items():
        for lang, terms in by_lang.items():
            bad = [t for t in terms if not isinstance(t, str)]
            if bad:  # e.g. an unquoted `no` parsed as a YAML boolean
                raise ValueError(f"{name}/{lang}: non-string terms {bad!r}; quote them")
    derived_names = {str(d.get("name", k)) for k, d in data.get("derived", {}).items()}
    narratives: list[Narrative] = []
    for item in data["narratives"]:
        rules = tuple(
            Rule(
                slots=tuple(_slot(s) for s in r["slots"]),
                scope=str(r.get("scope", "sentence")),
                weight=float(r["weight"]),
                unless=frozenset(r.get("unless", ())),
                article=tuple(_slot(s) for s in r.get("article", ())),
            )
            for r in item.get("rules", ())
        )
        for rule in rules:
            for slot in rule.slots + rule.article:
                unknown = slot - concepts.keys() - derived_names
                if unknown:
                    raise ValueError(f"{item['id']}: unknown concept(s) {sorted(unknown)}")
        definition = NarrativeDef(
            id=item["id"], side=item["side"], label=item["label"], definition=item["definition"]
        )
        if definition.side not in SIDES:
            raise ValueError(f"{definition.id}: side must be one of {SIDES}")
        narratives.append(Narrative(definition, rules, tuple(item.get("implied_by", ()))))
    derived = tuple(
        Derived(
            name=str(d.get("name", name)),
            trigger=frozenset(d["trigger"]),
            targets=frozenset(d["targets"]),
            max_gap=int(d["max_gap"]),
            after=bool(d.get("after", False)),
            block=frozenset(d.get("block", ())),
        )
        for name, d in data.get("derived", {}).items()
    )
    anchors = tuple(frozenset(a.split("+")) for a in data["relevance_anchor"])
    settings = {k: float(v) for k, v in data["settings"].items()}
    return Taxonomy(
        version=str(data["version"]),
        narratives=tuple(narratives),
        lexicons=compile_lexicons(concepts, LANGUAGES),
        derived=derived,
        anchors=anchors,
        settings=settings,
    )


def load_taxonomy() -> list[NarrativeDef]:
    """The narrative definitions (id, side, label, definition) in taxonomy order."""
    return [
        NarrativeDef(id=n["id"], side=n["side"], label=n["label"], definition=n["definition"])
        for n in raw_taxonomy()["narratives"]
    ]
