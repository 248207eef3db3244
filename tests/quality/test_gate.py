"""The article suite through Great Expectations: each check rejects its bad case."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quality.gate import validate_batch
from quality.records import GateRow
from quality.suites import CHECK_NAMES, SUITE_JSON
from quality.thresholds import Thresholds

RowFactory = Callable[..., GateRow]

HEADLINES = "\n".join(f"Headline number {i} about the summit" for i in range(15))
TEASER = "Ministers met in Brussels to talk about the alliance. " * 7 + (
    "Subscribe now to continue reading. Already a subscriber? Log in."
)


def bad_cases(now: datetime, body: str) -> dict[str, dict[str, Any]]:
    """Per check: the field overrides that break that check alone."""
    return {
        "text_present": {"text": "  \n "},
        "text_min_words": {
            "text": "Ministers met in Brussels on Monday to talk about enlargement."
        },
        "title_present": {"title": "   "},
        "url_valid": {"url": "herald.example/world/1", "key": "relative"},
        "url_on_source_domains": {"url": "https://mirror.test/world/1"},
        "language_detected": {"language": None},
        "language_expected": {"language": "de"},
        "published_at_parseable": {"published_at": now.replace(tzinfo=None)},
        "published_at_not_future": {"published_at": now + timedelta(days=2)},
        "published_at_not_too_old": {"published_at": datetime(1970, 1, 1, tzinfo=now.tzinfo)},
        "no_markup_in_text": {"text": body + '\n<div class="ad">Advertisement</div>'},
        "not_paywall_teaser": {"text": TEASER},
        "not_listing_page": {"text": HEADLINES, "link_density": 0.72},
    }


def test_every_check_has_a_bad_case(now: datetime, body: str) -> None:
    assert set(bad_cases(now, body)) == set(CHECK_NAMES)


def test_each_check_rejects_its_bad_case_alone(
    gx_data_dir: Path, row_factory: RowFactory, now: datetime, body: str
) -> None:
    cases = bad_cases(now, body)
    rows = [row_factory(i, **overrides) for i, overrides in enumerate(cases.values())]
    good = [row_factory(100 + i) for i in range(5)]
    result = validate_batch(rows + good, data_dir=gx_data_dir, run_id="each-check")
    for row, name in zip(rows, cases, strict=True):
        assert result.failed.get(row.key) == [name], (name, result.details.get(row.key))
        assert name in result.details[row.key]
    assert sorted(result.passed) == sorted(r.key for r in good)
    assert result.batch_checks["failures_by_check"] == {name: 1 for name in sorted(cases)}
    assert result.batch_checks["rows"] == len(rows) + len(good)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"published_at": None},
        {"url": "https://herald.example/world/x"},
        {"url": "http://127.0.0.1:8001/a", "allowed_domains": ("127.0.0.1:8001",)},
        {"language": "en-GB"},
        {"link_density": 0.85},
        {"duplicate_of": "https://wire.example/story/1"},
        {"title": "Заголовок", "language": "ru", "expected_languages": ("ru", "en")},
    ],
    ids=[
        "plain",
        "undated",
        "apex-domain",
        "loopback-port",
        "region-subtag",
        "dense-nav-but-prose",
        "syndicated",
        "second-language",
    ],
)
def test_good_articles_pass(
    gx_data_dir: Path, row_factory: RowFactory, overrides: dict[str, Any]
) -> None:
    row = row_factory(1, **overrides)
    result = validate_batch([row], data_dir=gx_data_dir, run_id="good")
    assert result.passed == [row.key]
    assert result.failed == {}


def test_long_article_with_newsletter_prompt_passes(
    gx_data_dir: Path, row_factory: RowFactory, body: str
) -> None:
    row = row_factory(1, text=(body + "\n") * 3 + "Subscribe to our newsletter.")
    assert validate_batch([row], data_dir=gx_data_dir).failed == {}


def test_syndicated_copy_is_reported_not_failed(gx_data_dir: Path, row_factory: RowFactory) -> None:
    row = row_factory(1, duplicate_of="https://wire.example/story/1")
    result = validate_batch([row], data_dir=gx_data_dir)
    assert result.passed == [row.key]
    assert result.syndicated == {row.key: "https://wire.example/story/1"}
    assert result.details[row.key]["syndicated_copy"]["duplicate_of"] == row.duplicate_of
    assert result.batch_checks["syndicated"] == 1


def test_details_explain_the_failure(
    gx_data_dir: Path, row_factory: RowFactory, now: datetime
) -> None:
    short = row_factory(1, text="Too short to be an article.")
    off = row_factory(2, url="https://mirror.test/a")
    future = row_factory(3, published_at=now + timedelta(days=3))
    result = validate_batch([short, off, future], data_dir=gx_data_dir, run_id="details")
    words = result.details[short.key]["text_min_words"]
    assert words["observed"] == 6
    assert words["threshold"] == {"min_value": Thresholds().min_words}
    domain = result.details[off.key]["url_on_source_domains"]
    assert domain["url"] == "https://mirror.test/a"
    assert domain["allowed_domains"] == ["herald.example"]
    lead = result.details[future.key]["published_at_not_future"]
    assert lead["observed"] == 72.0
    assert lead["fetched_at"] == now.isoformat()
    assert result.details[short.key]["suite"] == {"name": "narrmon_articles", "version": "1"}
    json.dumps(result.details)  # quarantine stores them as JSON


def test_thresholds_are_parameters(gx_data_dir: Path, row_factory: RowFactory) -> None:
    row = row_factory(1)  # 125 words
    assert validate_batch([row], data_dir=gx_data_dir).failed == {}
    strict = Thresholds(min_words=500)
    result = validate_batch([row], data_dir=gx_data_dir, thresholds=strict)
    assert result.failed == {row.key: ["text_min_words"]}
    assert result.details[row.key]["text_min_words"]["threshold"] == {"min_value": 500}


def test_flag_only_checks_keep_the_row(gx_data_dir: Path, row_factory: RowFactory) -> None:
    row = row_factory(1, language="uk")
    lenient = Thresholds(flag_only=frozenset({"language_expected"}))
    result = validate_batch([row], data_dir=gx_data_dir, thresholds=lenient)
    assert result.passed == [row.key]
    assert result.flagged == {row.key: ["language_expected"]}
    assert result.failed == {}


def test_several_failures_are_all_named(
    gx_data_dir: Path, row_factory: RowFactory, now: datetime
) -> None:
    row = row_factory(1, text="Short <b>text</b>.", title=None, published_at=now + timedelta(3))
    result = validate_batch([row], data_dir=gx_data_dir)
    assert result.failed[row.key] == [
        "no_markup_in_text",
        "published_at_not_future",
        "text_min_words",
        "title_present",
    ]


def test_empty_batch_and_repeated_keys(gx_data_dir: Path, row_factory: RowFactory) -> None:
    assert validate_batch([], data_dir=gx_data_dir).passed == []
    row = row_factory(1)
    with pytest.raises(ValueError, match="unique"):
        validate_batch([row, replace(row)], data_dir=gx_data_dir)


def test_batch_of_100_with_3_bad_loads_97(
    gx_data_dir: Path, row_factory: RowFactory, now: datetime
) -> None:
    rows = [row_factory(i) for i in range(100)]
    rows[10] = row_factory(10, url="https://mirror.test/10")
    rows[50] = row_factory(50, text=TEASER)
    rows[90] = row_factory(90, published_at=now + timedelta(days=5))
    result = validate_batch(rows, data_dir=gx_data_dir, run_id="hundred")
    assert len(result.passed) == 97
    assert result.failed == {
        rows[10].key: ["url_on_source_domains"],
        rows[50].key: ["not_paywall_teaser"],
        rows[90].key: ["published_at_not_future"],
    }
    assert result.batch_checks["failed_share"] == 0.03
    assert result.batch_checks["success"] is False  # GX's verdict; the batch still loads


def test_data_docs_are_built(tmp_path: Path, gx_data_dir: Path, row_factory: RowFactory) -> None:
    from quality.gate import build_data_docs, docs_index

    result = validate_batch(
        [row_factory(1), row_factory(2, title=None)],
        data_dir=tmp_path,
        run_id="docs-run",
        build_docs=True,
    )
    assert result.docs_path == str(tmp_path.resolve() / "quality" / "docs" / "index.html")
    index = Path(result.docs_path)
    assert index.is_file()
    assert (tmp_path / "quality" / "gx" / "great_expectations.yml").is_file()
    pages = list((tmp_path / "quality" / "docs" / "validations").rglob("*.html"))
    assert len(pages) == 1
    validate_batch([row_factory(3)], data_dir=tmp_path, run_id="second-run")
    assert build_data_docs(tmp_path) == str(index)
    assert docs_index(tmp_path) == index
    assert "second-run" in index.read_text(encoding="utf-8")
    assert len(list((tmp_path / "quality" / "docs" / "validations").rglob("*.html"))) == 2
    assert build_data_docs(tmp_path, full=True) == str(index)


def test_data_docs_templates_compile_once_and_later_builds_reuse_them(
    tmp_path: Path, gx_data_dir: Path, row_factory: RowFactory
) -> None:
    """Compiled Jinja templates are kept beside the context; a broken one is rewritten."""
    from quality.gate import build_data_docs

    validate_batch([row_factory(1)], data_dir=tmp_path, run_id="first", build_docs=True)
    folder = tmp_path / "quality" / "gx" / "uncommitted" / "jinja-bytecode"
    compiled = {p: p.stat().st_mtime_ns for p in folder.glob("*.cache")}
    assert len(compiled) >= 5, sorted(compiled)
    broken = sorted(compiled)[0]
    broken.write_bytes(b"not bytecode")

    validate_batch([row_factory(2)], data_dir=tmp_path, run_id="second")
    index = Path(build_data_docs(tmp_path))
    assert "second" in index.read_text(encoding="utf-8")
    after = {p: p.stat().st_mtime_ns for p in folder.glob("*.cache")}
    assert set(after) == set(compiled)
    assert all(after[p] == t for p, t in compiled.items() if p != broken)  # loaded, not rebuilt
    assert broken.read_bytes() != b"not bytecode"


def test_old_validations_are_pruned(
    tmp_path: Path, gx_data_dir: Path, row_factory: RowFactory
) -> None:
    from quality.gx_runtime import prune_validations, runtime

    for i in range(4):
        validate_batch([row_factory(i)], data_dir=tmp_path, run_id=f"run-{i}")
    rt = runtime(tmp_path)
    results = rt.root / "gx" / "uncommitted" / "validations"
    assert len(list(results.rglob("*.json"))) == 4
    assert prune_validations(rt, keep=2) == 2
    kept = sorted(p.parent.parent.name for p in results.rglob("*.json"))
    assert kept == ["run-2", "run-3"]


def test_versioned_suite_json_is_current(gx_data_dir: Path) -> None:
    from quality.gx_runtime import gx_module
    from quality.suites import suite_json

    stored = json.loads(SUITE_JSON.read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(suite_json(gx_module()))), (
        "regenerate with: .venv/bin/python -m quality.suites"
    )
    assert [e["meta"]["check"] for e in stored["expectations"]] == list(CHECK_NAMES)
