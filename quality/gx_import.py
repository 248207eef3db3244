"""Great Expectations, imported lazily once per process, and its warnings kept quiet.

``import great_expectations`` costs seconds (3.5 core-s measured on 2026-12-05, far more
on a loaded machine), so nothing imports it at module level:
:func:`gx_module` does on first use. Both :mod:`quality.suites` (the suite's JSON) and
:mod:`quality.gx_runtime` (the data contexts) build on this module, so neither imports
the other's way to Great Expectations.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

_gx: ModuleType | None = None


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the warnings Great Expectations and its pandas use emit while validating.

    Callers' ``filterwarnings = error`` (the test suite) would otherwise turn GX's
    internal deprecation and future warnings into failures of the gate.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"great_expectations(\..*)?")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"pandas(\..*)?")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pandas(\..*)?")
        yield


def gx_module() -> ModuleType:
    """Import Great Expectations once per process (analytics off: no network here)."""
    global _gx
    if _gx is None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        with quiet():
            import great_expectations

        _gx = great_expectations
    return _gx
