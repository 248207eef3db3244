"""docs/reliability.md: one table of faults, each row pointing at tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"


def table_rows() -> list[list[str]]:
    """The fault table's body rows, as cells."""
    lines = [ln for ln in DOC.read_text(encoding="utf-8").splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


def test_every_row_names_tests_that_exist() -> None:
    rows = table_rows()
    assert len(rows) >= 30
    for fault, behaviour, tests in rows:
        assert fault and behaviour, (fault, behaviour)
        names = re.findall(r"`([^`]+)`", tests)
        assert names, fault
        folder = ROOT
        for name in names:
            if "/" in name:  # a path from the root; later bare names are in its folder
                path = ROOT / name.rstrip("/")
                folder = path if path.is_dir() else path.parent
            else:
                path = folder / name
            assert path.exists(), (fault, name)


def test_the_issue_9_items_each_have_a_row() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "Not yet covered" not in text
    for needle in (
        "XXE",
        "billion laughs",
        "wrongly encoded",
        "410",
        "Retry-After",
        "size cap",
        "binary content type",
        "non-http(s) scheme",
        "SSRF",
        "private, link-local or loopback",
        "SIGKILL",
        "two `narrmon run` at once",
        "unreachable mid-run",
        "escaped",
        "read-only",
        "secrets",
        "no default credentials",
        "soak",
    ):
        assert needle in text, needle
