"""Fixtures for the crawl tests: generated outlets served on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawlers import CrawlJob, CrawlResult, run_crawl
from demo_outlets import SiteManifest, SiteServer, generate_sites, serve_sites

# Small enough for a fast suite, large enough for two robots-disallowed articles
# on the outlet with a /premium/ section (every tenth article, n % 10 == 7).
ARTICLES_PER_OUTLET = 18
# Wall-clock cap on one test crawl (they take 2–5 s on loopback).
CRAWL_TIMEOUT_S = 90.0


def user_agent(source_id: str, run: str = "r1") -> str:
    """A per-crawl user agent, so the server log tells crawls apart."""
    return f"narrmon-test/1.0 (+http://127.0.0.1/contact; {source_id}; {run})"


@pytest.fixture(scope="session")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> SiteManifest:
    root = tmp_path_factory.mktemp("sites")
    return generate_sites(root, seed=11, articles_per_outlet=ARTICLES_PER_OUTLET)


@pytest.fixture(scope="session")
def server(manifest: SiteManifest) -> Iterator[SiteServer]:
    srv = serve_sites(manifest.root)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def sources(server: SiteServer) -> dict[str, dict[str, Any]]:
    """Source entries by outlet id (``novosti``, ``vesti``, ...)."""
    data = yaml.safe_load(server.sources_yaml())
    return {s["id"].removeprefix("demo-"): s for s in data["sources"]}


MakeJob = Callable[..., CrawlJob]


@pytest.fixture(scope="session")
def make_job(tmp_path_factory: pytest.TempPathFactory) -> MakeJob:
    base = tmp_path_factory.mktemp("crawls")

    def _make(source: dict[str, Any], run_id: str = "r1", **overrides: Any) -> CrawlJob:
        out = base / f"{run_id}-{source['id']}"
        fields: dict[str, Any] = {
            "run_id": run_id,
            "source": source,
            "out_dir": str(out),
            "archive_path": str(base / "archive" / f"{run_id}-{source['id']}.warc.gz"),
            "user_agent": user_agent(source["id"], run_id),
            "download_timeout": 10.0,
            "download_maxsize": 1024 * 1024,
        }
        fields.update(overrides)
        return CrawlJob(**fields)

    return _make


@pytest.fixture(scope="session")
def first_runs(
    sources: dict[str, dict[str, Any]], make_job: MakeJob, server: SiteServer
) -> dict[str, tuple[CrawlJob, CrawlResult]]:
    """One crawl of every outlet (three subprocesses at a time)."""
    jobs = {oid: make_job(src) for oid, src in sources.items()}
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {oid: pool.submit(run_crawl, job, CRAWL_TIMEOUT_S) for oid, job in jobs.items()}
        return {oid: (jobs[oid], fut.result()) for oid, fut in futures.items()}


@pytest.fixture(scope="session")
def manifest_root_sources(manifest: SiteManifest) -> list[dict[str, Any]]:
    """The generated sources.yaml, loaded by the project's registry (the core's path)."""
    from crawlers.registry import load_sources

    return [s.to_dict() for s in load_sources(Path(manifest.root) / "sources.yaml")]
