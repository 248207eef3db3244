"""The article suite: one named check per expectation, defined in code, exported as JSON.

Every check judges one column of the frame :func:`quality.features.build_frame` builds.
Numeric thresholds are ``$PARAMETER`` placeholders filled from
:class:`quality.thresholds.Thresholds` at validation time, so the stored suite does not
change when a threshold does. ``quality/suites/narrmon_articles.json`` is the suite as
stored (regenerate with ``python -m quality.suites``; a test keeps it current).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from quality.patterns import URL_PATTERN

SUITE_NAME = "narrmon_articles"
# Bump when a check is added, removed or changes meaning (stored on the suite's meta
# and in every quarantine detail, so old verdicts stay explainable).
SUITE_VERSION = "1"
SUITE_JSON = Path(__file__).parent / "suites" / f"{SUITE_NAME}.json"

Kind = Literal["between", "not_null", "in_set", "regex"]


@dataclass(frozen=True)
class Check:
    """One named article check: the column it judges and the expectation that judges it."""

    name: str
    column: str
    kind: Kind
    description: str
    args: dict[str, Any] = field(default_factory=dict)
    # Frame columns copied into the quarantine detail, to explain a failure.
    context: tuple[str, ...] = ()


def _param(name: str) -> dict[str, str]:
    return {"$PARAMETER": name}


CHECKS: tuple[Check, ...] = (
    Check("text_present", "text_chars", "between", "The extracted text is not empty.",
          {"min_value": 1}),
    Check("text_min_words", "words", "between", "The text has at least `min_words` words.",
          {"min_value": _param("min_words")}),
    Check("title_present", "title_chars", "between", "The article has a title.",
          {"min_value": _param("min_title_chars")}),
    Check("url_valid", "url", "regex", "The URL is an absolute http(s) URL with a host.",
          {"regex": URL_PATTERN}),
    Check("url_on_source_domains", "on_domain", "in_set",
          "The URL is on one of the source's allowed hosts.", {"value_set": [True]}, ("url",)),
    Check("language_detected", "language", "not_null", "A language was detected."),
    Check("language_expected", "language_expected", "in_set",
          "The detected language is one the source publishes in.", {"value_set": [True]},
          ("language",)),
    Check("published_at_parseable", "published_aware", "in_set",
          "The publication time is a timezone-aware datetime.", {"value_set": [True]}),
    Check("published_at_not_future", "published_lead_hours", "between",
          "Published no more than `future_tolerance_hours` after it was fetched.",
          {"max_value": _param("future_tolerance_hours")}),
    Check("published_at_not_too_old", "published_age_days", "between",
          "Published no more than `max_age_days` before it was fetched.",
          {"max_value": _param("max_age_days")}),
    Check("no_markup_in_text", "markup_hits", "between",
          "No HTML tags, entities or shortcodes left in the text.",
          {"max_value": _param("max_markup_hits")}),
    Check("not_paywall_teaser", "paywall_teaser", "in_set",
          "Not a short text with a subscribe prompt (paywall teaser).", {"value_set": [False]},
          ("words", "subscribe_prompt")),
    Check("not_listing_page", "listing_page", "in_set",
          "Not a listing or tag page (most text in links, little prose).",
          {"value_set": [False]}, ("link_density", "prose_share", "words")),
)  # fmt: skip

CHECK_NAMES: tuple[str, ...] = tuple(c.name for c in CHECKS)
CHECKS_BY_NAME: dict[str, Check] = {c.name: c for c in CHECKS}

_EXPECTATIONS = {
    "between": "ExpectColumnValuesToBeBetween",
    "not_null": "ExpectColumnValuesToNotBeNull",
    "in_set": "ExpectColumnValuesToBeInSet",
    "regex": "ExpectColumnValuesToMatchRegex",
}


def build_suite(gx: ModuleType) -> Any:
    """The article suite as a ``gx.ExpectationSuite`` (``gx`` is the imported module)."""
    expectations = []
    for check in CHECKS:
        cls = getattr(gx.expectations, _EXPECTATIONS[check.kind])
        expectations.append(
            cls(
                column=check.column,
                description=check.description,
                meta={"check": check.name},
                **check.args,
            )
        )
    return gx.ExpectationSuite(
        name=SUITE_NAME,
        expectations=expectations,
        meta={"suite_version": SUITE_VERSION, "owner": "quality/suites.py"},
    )


def suite_json(gx: ModuleType) -> dict[str, Any]:
    """The suite as stable JSON (no generated ids), as versioned in ``quality/suites/``."""
    data: dict[str, Any] = build_suite(gx).to_json_dict()
    data.pop("id", None)
    data.pop("notes", None)
    for exp in data.get("expectations", []):
        exp.pop("id", None)
    meta = data.get("meta", {})
    meta.pop("great_expectations_version", None)
    return data


def main() -> int:
    """Write ``quality/suites/narrmon_articles.json`` from the code."""
    from quality.gx_import import gx_module

    SUITE_JSON.write_text(
        json.dumps(suite_json(gx_module()), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(SUITE_JSON)
    return 0


if __name__ == "__main__":
    sys.exit(main())
