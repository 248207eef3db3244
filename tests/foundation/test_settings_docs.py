"""One settings registry, documented: every variable is in .env.example and the README."""

from __future__ import annotations

import re
from pathlib import Path

from narrmon.settings import SETTINGS, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_follow_the_design() -> None:
    s = load_settings({})
    assert s.database_url == "sqlite:///data/narrmon.sqlite3"
    assert str(s.sources_path) == "config/sources.yaml"
    assert str(s.data_dir) == "data" and s.workers >= 1
    assert "narrative-monitor" in s.user_agent and "http" in s.user_agent


def test_environment_overrides() -> None:
    s = load_settings({"NARRMON_DATA_DIR": "/srv/nm", "NARRMON_WORKERS": "3"})
    assert s.database_url == "sqlite:////srv/nm/narrmon.sqlite3"
    assert s.workers == 3 and s.archive_dir == Path("/srv/nm/archive")
    s = load_settings({"NARRMON_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert s.database_url == "postgresql+psycopg://u@h/db"


def test_every_setting_is_documented() -> None:
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*(NARRMON_[A-Z_]+)=", env_example, re.M))
    names = {s.name for s in SETTINGS}
    assert names <= documented, names - documented
    for name in names:
        assert name in readme, f"{name} missing from README.md"


def test_user_facing_text_names_no_file_outside_the_repo() -> None:
    """README, the sources docs, the config files and the dashboards' text point only at
    files a user of the repository has."""
    paths = [
        ROOT / "README.md",
        ROOT / ".env.example",
        ROOT / "docs" / "sources.md",
        *sorted((ROOT / "config").glob("*.yaml")),
        *sorted((ROOT / "dashboards").rglob("*.py")),
    ]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "DESIGN.md" not in text and "../shared" not in text, path
    assert "docs/sources.md" in (ROOT / "README.md").read_text(encoding="utf-8")
