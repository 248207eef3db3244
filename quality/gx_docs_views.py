"""Data Docs page views whose compiled Jinja templates are kept on disk between builds.

Great Expectations renders each Data Docs page through a view that makes its own Jinja
environment, and a site build makes four of them (the suite, validation and profiling
sections and the index). Every build therefore compiled the same templates again: an
incremental build after a run took 0.29 core-s, 0.07 with these views (median of 8 in one
process; docs/decisions.md). These views are Great
Expectations' own page views with a Jinja bytecode cache in a folder: the templates
compile once per machine and Python version, and every later build, in any process, loads
them. Jinja writes the cache files atomically and ignores a stale or broken one.

Great Expectations instantiates the views from the site's configuration
(:func:`quality.gx_runtime.site_config`); nothing else imports this module, which imports
Great Expectations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from great_expectations.render.view.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import FileSystemBytecodeCache

_caches: dict[str, FileSystemBytecodeCache] = {}


def bytecode_cache(folder: str) -> FileSystemBytecodeCache:
    """The process's bytecode cache in ``folder`` (created if missing), one per folder."""
    found = _caches.get(folder)
    if found is None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        found = _caches[folder] = FileSystemBytecodeCache(folder)
    return found


class _KeepsCompiledTemplates:
    """Mixin: after the Great Expectations view made its Jinja environment, give it the
    bytecode cache in ``bytecode_dir`` (a key of the view's site configuration)."""

    env: Any

    def __init__(self, bytecode_dir: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.env.bytecode_cache = bytecode_cache(bytecode_dir)


class CachedJinjaPageView(_KeepsCompiledTemplates, DefaultJinjaPageView):  # type: ignore[misc]
    """A section page view (suite, validations, profiling) that reuses compiled templates."""


class CachedJinjaIndexPageView(_KeepsCompiledTemplates, DefaultJinjaIndexPageView):  # type: ignore[misc]
    """The site index view, reusing compiled templates."""
