"""The quality gate: validate a batch of extracted articles before load.

One Great Expectations validation per batch (never per row) returns, for each failed
expectation, the keys of the failing rows; each failing row gets the names of its failed
checks and their details, and goes to quarantine. The rest load. Bad rows never fail the
batch; only a broken gate (an expectation that raised) does, with
:class:`QualityGateError`.

Importing this module does not import Great Expectations or pandas: both load on the
first call.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quality.records import GateResult, GateRow
from quality.suites import CHECKS_BY_NAME, SUITE_NAME, SUITE_VERSION
from quality.thresholds import Thresholds

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_THRESHOLDS = Thresholds()


class QualityGateError(RuntimeError):
    """The gate itself failed (an expectation raised): the batch cannot be judged."""


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar (numpy scalars, NaN → None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, float):
        return round(value, 4)
    return value


def _detail(
    check_name: str, row: pd.Series, thresholds: Thresholds, source: GateRow
) -> dict[str, Any]:
    check = CHECKS_BY_NAME[check_name]
    params = thresholds.parameters()
    threshold: dict[str, Any] = {}
    for bound, value in check.args.items():
        if isinstance(value, dict) and "$PARAMETER" in value:
            threshold[bound] = params[value["$PARAMETER"]]
        elif bound in ("min_value", "max_value", "value_set"):
            threshold[bound] = value
    out: dict[str, Any] = {
        "expectation": check.kind,
        "column": check.column,
        "observed": _plain(row[check.column]),
        "threshold": threshold,
    }
    for col in check.context:
        out[col] = _plain(row[col])
    if check_name == "url_on_source_domains":
        out["allowed_domains"] = list(source.allowed_domains)
    elif check_name == "language_expected":
        out["expected_languages"] = list(source.expected_languages)
    elif check_name.startswith("published_at"):
        out["published_at"] = source.published_at.isoformat() if source.published_at else None
        out["fetched_at"] = source.fetched_at.isoformat()
    elif check_name == "not_listing_page":
        out["threshold"] = {
            "min_link_density": thresholds.listing_min_link_density,
            "max_prose_share": thresholds.listing_max_prose_share,
        }
    elif check_name == "not_paywall_teaser":
        out["threshold"] = {"max_words_with_prompt": thresholds.paywall_max_words}
    return out


def _failures(results: Any) -> dict[str, list[str]]:
    """Failed keys per check name, from an ExpectationSuiteValidationResult."""
    by_check: dict[str, list[str]] = {}
    for res in results.results:
        config = res.expectation_config
        name = (config.meta or {}).get("check") or config.type
        info = res.exception_info or {}
        if info.get("raised_exception"):
            raise QualityGateError(f"quality check {name} raised: {info.get('exception_message')}")
        if res.success:
            continue
        index_list = (res.result or {}).get("unexpected_index_list") or []
        by_check[name] = [str(item["key"]) for item in index_list]
    return by_check


def validate_batch(
    rows: Sequence[GateRow],
    *,
    data_dir: Path | str,
    run_id: str | None = None,
    build_docs: bool = False,
    thresholds: Thresholds | None = None,
) -> GateResult:
    """Validate one batch; returns which keys pass and which fail, with reasons.

    ``data_dir`` is the core's data folder (its settings' ``NARRMON_DATA_DIR``): the data
    context lives in ``<data_dir>/quality/gx``, Data Docs in ``<data_dir>/quality/docs``.
    ``run_id`` names the validation in Data Docs. With ``build_docs`` the validation
    runs through the docs checkpoint and the site is updated (``docs_path`` is set).
    """
    result = GateResult()
    if not rows:
        return result
    keys = [r.key for r in rows]
    if len(set(keys)) != len(keys):
        dupes = sorted(k for k, n in Counter(keys).items() if n > 1)
        raise ValueError(f"gate row keys must be unique in a batch; repeated: {dupes[:5]}")
    thresholds = thresholds or DEFAULT_THRESHOLDS

    from quality.features import build_frame
    from quality.gx_runtime import RESULT_FORMAT, gx_module, quiet, result_identifier, runtime

    rt = runtime(data_dir)
    started = time.perf_counter()
    frame = build_frame(rows, thresholds)
    prepared = time.perf_counter()
    from great_expectations.core.run_identifier import RunIdentifier

    gx_module()
    run = RunIdentifier(run_name=run_id or "adhoc", run_time=datetime.now(UTC))
    params = thresholds.parameters()
    with quiet():
        if build_docs:
            checkpoint_result = rt.checkpoint.run(
                batch_parameters={"dataframe": frame}, expectation_parameters=params, run_id=run
            )
            suite_results = next(iter(checkpoint_result.run_results.values()))
            result.docs_path = str(rt.docs_index)
        else:
            try:
                suite_results = rt.validation.run(
                    batch_parameters={"dataframe": frame},
                    expectation_parameters=params,
                    result_format=RESULT_FORMAT,
                    run_id=run,
                )
            except Exception as exc:
                # Another process re-saved the suite since this one loaded it: reload the
                # stored objects once and validate again.
                if "Freshness" not in type(exc).__name__:
                    raise
                log.info("quality: suite re-saved by another process; reloading it")
                rt = runtime(data_dir, reload=True)
                suite_results = rt.validation.run(
                    batch_parameters={"dataframe": frame},
                    expectation_parameters=params,
                    result_format=RESULT_FORMAT,
                    run_id=run,
                )
            rt.pending_docs.append(result_identifier(run))
    validated = time.perf_counter()
    failures = _failures(suite_results)

    by_key = {r.key: r for r in rows}
    per_key: dict[str, list[str]] = {}
    for check_name, failed_keys in failures.items():
        for key in failed_keys:
            per_key.setdefault(key, []).append(check_name)
    position = {key: i for i, key in enumerate(keys)}
    for key, names in per_key.items():
        hard = sorted(n for n in names if n not in thresholds.flag_only)
        soft = sorted(n for n in names if n in thresholds.flag_only)
        row = frame.iloc[position[key]]
        result.details[key] = {n: _detail(n, row, thresholds, by_key[key]) for n in sorted(names)}
        result.details[key]["suite"] = {"name": SUITE_NAME, "version": SUITE_VERSION}
        if hard:
            result.failed[key] = hard
        if soft:
            result.flagged[key] = soft
    for r in rows:
        if r.key in result.failed:
            continue
        result.passed.append(r.key)
        if r.duplicate_of:
            result.syndicated[r.key] = r.duplicate_of
            result.details.setdefault(r.key, {})["syndicated_copy"] = {
                "duplicate_of": r.duplicate_of
            }

    n = len(rows)
    result.batch_checks = {
        "suite": SUITE_NAME,
        "suite_version": SUITE_VERSION,
        "run_id": run_id,
        "rows": n,
        "passed": len(result.passed),
        "failed": len(result.failed),
        "flagged": len(result.flagged),
        "syndicated": len(result.syndicated),
        "failed_share": round(len(result.failed) / n, 4),
        "failures_by_check": {name: len(k) for name, k in sorted(failures.items())},
        "sources": sorted({r.source_id for r in rows}),
        "success": bool(suite_results.success),
        "timing_s": {
            "features": round(prepared - started, 4),
            "validation": round(validated - prepared, 4),
            "total": round(time.perf_counter() - started, 4),
        },
    }
    log.info(
        "quality gate %s: %d rows, %d passed, %d quarantined (%s) in %.3fs",
        run_id or "adhoc",
        n,
        len(result.passed),
        len(result.failed),
        ", ".join(f"{k}={v}" for k, v in result.batch_checks["failures_by_check"].items())
        or "no failures",
        result.batch_checks["timing_s"]["total"],
    )
    if result.docs_path:
        log.info("quality Data Docs: file://%s", result.docs_path)
    return result


def build_data_docs(data_dir: Path | str, *, full: bool = False) -> str:
    """Render the Data Docs site; returns the path of its index.html.

    Call once after a run (the DAG's quality task logs the returned path). Renders the
    pages of the validations this process ran since the last build, the suite and the
    index; with ``full`` (or when this process ran none) every stored validation.
    """
    from quality.gx_runtime import DOCS_SITE, prune_validations, quiet, runtime

    rt = runtime(data_dir)
    pruned = prune_validations(rt)
    if pruned:
        log.info("quality: pruned %d old validation results", pruned)
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    with quiet():
        if rt.pending_docs and not full:
            resources = [*rt.pending_docs, ExpectationSuiteIdentifier(name=SUITE_NAME)]
            rt.context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=resources)
        else:
            rt.context.build_data_docs(site_names=[DOCS_SITE])
    rt.pending_docs.clear()
    path = str(rt.docs_index)
    log.info("quality Data Docs: file://%s", path)
    return path


def docs_index(data_dir: Path | str) -> Path:
    """Where the Data Docs index page is (or will be) for ``data_dir``; no GX import."""
    from quality.gx_runtime import quality_dir

    return quality_dir(data_dir) / "docs" / "index.html"
