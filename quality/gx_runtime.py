"""Great Expectations, loaded lazily once per process, and one file data context per root.

``import great_expectations`` costs seconds (3.5 core-s measured on 2026-12-05, far more
on a loaded machine), so nothing imports it at module level:
:func:`quality.gx_import.gx_module` does on first use. Each quality directory
(``<data_dir>/quality``) gets a file data context under ``gx/`` holding the datasource,
the article suite, the validation definition, a checkpoint that updates Data Docs, and
the stored validation results; the Data Docs site is written to ``docs/`` beside it, by
views that keep compiled templates in ``gx/uncommitted/jinja-bytecode``
(:mod:`quality.gx_docs_views`).
Contexts are cached per process (module level), keyed by the quality directory.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Re-exported: the gate validates with them (``quality.gx_runtime.quiet``).
from quality.gx_import import gx_module as gx_module
from quality.gx_import import quiet as quiet
from quality.suites import SUITE_NAME, build_suite

log = logging.getLogger(__name__)

DATASOURCE = "narrmon"
ASSET = "articles"
BATCH_DEFINITION = "whole_batch"
VALIDATION = "narrmon_articles_gate"
CHECKPOINT = "narrmon_articles_docs"
DOCS_SITE = "narrmon"

_lock = threading.Lock()
# File beside the context that serialises builds across processes.
BUILD_LOCK = ".build.lock"
_runtimes: dict[Path, Runtime] = {}


def quality_dir(data_dir: Path | str) -> Path:
    """``<data_dir>/quality``, absolute (the core passes its settings' data folder)."""
    return Path(data_dir).resolve() / "quality"


@dataclass
class Runtime:
    """The cached Great Expectations objects of one quality directory."""

    root: Path
    context: Any
    validation: Any
    checkpoint: Any
    # Validation results stored since the last Data Docs build (rendered incrementally).
    pending_docs: list[Any] = field(default_factory=list)

    @property
    def docs_dir(self) -> Path:
        """Where the Data Docs site is written."""
        return self.root / "docs"

    @property
    def docs_index(self) -> Path:
        """The Data Docs site's index page."""
        return self.docs_dir / "index.html"


def result_identifier(run: Any) -> Any:
    """The store key of the validation result a run of the gate's definition writes."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=SUITE_NAME),
        run_id=run,
        # A fluent pandas dataframe batch is identified as "<datasource>-<asset>".
        batch_identifier=f"{DATASOURCE}-{ASSET}",
    )


def _get_or_add(getter: Any, adder: Any, name: str) -> Any:
    try:
        return getter(name)
    except (KeyError, LookupError, ValueError):
        return adder(name)


# Module Great Expectations instantiates the Data Docs views from (compiled templates kept).
DOCS_VIEWS = "quality.gx_docs_views"


def site_config(root: Path) -> dict[str, Any]:
    """The Data Docs site of the quality directory ``root``: pages under ``docs/``,
    rendered by views that keep compiled templates in ``gx/uncommitted/jinja-bytecode``."""
    bytecode_dir = str(root / "gx" / "uncommitted" / "jinja-bytecode")

    def view(class_name: str) -> dict[str, Any]:
        return {"module_name": DOCS_VIEWS, "class_name": class_name, "bytecode_dir": bytecode_dir}

    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(root / "docs"),
        },
        "site_section_builders": {
            section: {"view": view("CachedJinjaPageView")}
            for section in ("expectations", "validations", "profiling")
        },
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "view": view("CachedJinjaIndexPageView"),
        },
    }


def _build(root: Path) -> Runtime:
    gx = gx_module()
    root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.save()

    sites = context.variables.data_docs_sites or {}
    if "local_site" in sites:
        context.delete_data_docs_site("local_site")
    if DOCS_SITE in sites:
        context.update_data_docs_site(DOCS_SITE, site_config(root))
    else:
        context.add_data_docs_site(DOCS_SITE, site_config(root))

    source = _get_or_add(context.data_sources.get, context.data_sources.add_pandas, DATASOURCE)
    asset = _get_or_add(source.get_asset, source.add_dataframe_asset, ASSET)
    batch = _get_or_add(
        asset.get_batch_definition, asset.add_batch_definition_whole_dataframe, BATCH_DEFINITION
    )
    # The suite in code wins over the stored one: a deploy updates it in place.
    suite = context.suites.add_or_update(build_suite(gx))
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=VALIDATION, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=CHECKPOINT,
            validation_definitions=[validation],
            actions=[
                gx.checkpoint.UpdateDataDocsAction(name="update_docs", site_names=[DOCS_SITE])
            ],
            result_format=RESULT_FORMAT,
        )
    )
    rt = Runtime(root=root, context=context, validation=validation, checkpoint=checkpoint)
    # Once per process as well as before each docs build: a core that never builds docs
    # must not grow the results folder without bound.
    prune_validations(rt)
    log.info("quality: Great Expectations context ready at %s (suite %s)", root / "gx", SUITE_NAME)
    return rt


# Every failing row's key comes back, so each row can be quarantined with its reasons.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["key"],
    "return_unexpected_index_query": False,
}


def runtime(data_dir: Path | str, *, reload: bool = False) -> Runtime:
    """The Great Expectations runtime of ``<data_dir>/quality``, created on first use.

    Building writes the suite and validation definition into the shared context folder,
    so builds take a file lock: two processes starting together (two runs, or parallel
    Airflow tasks) would otherwise each save their own, and the one that saved first would
    find its objects stale at validation. ``reload`` rebuilds from what is stored.
    """
    root = quality_dir(data_dir)
    with _lock:
        found = None if reload else _runtimes.get(root)
        if found is None:
            root.mkdir(parents=True, exist_ok=True)
            with (root / BUILD_LOCK).open("a+") as fh:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                try:
                    with quiet():
                        found = _build(root)
                finally:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            _runtimes[root] = found
        return found


# Validation results kept (and rendered in Data Docs): a full docs rebuild renders every
# stored result, so its cost grows with their number. 500 is about a day of hourly runs
# over 20 sources; older verdicts live on in the quarantine table's details.
KEEP_VALIDATIONS = 500


def prune_validations(rt: Runtime, keep: int = KEEP_VALIDATIONS) -> int:
    """Delete all but the newest ``keep`` stored validation results and their pages.

    Results are stored as ``<suite>/<run name>/<run time>/<batch>.json``; the run time
    (``20250303T100000.000000Z``) orders them. Returns how many were deleted.
    """
    results_dir = rt.root / "gx" / "uncommitted" / "validations"
    files = sorted(results_dir.glob("*/*/*/*.json"), key=lambda p: p.parent.name, reverse=True)
    deleted = 0
    for path in files[keep:]:
        rel = path.relative_to(results_dir)
        page = rt.docs_dir / "validations" / rel.with_suffix(".html")
        path.unlink(missing_ok=True)
        page.unlink(missing_ok=True)
        for folder in (path.parent, page.parent):
            try:
                folder.rmdir()
                folder.parent.rmdir()
            except OSError:
                pass  # not empty: other runs share it
        deleted += 1
    return deleted
