"""Secrets come only from the environment; Airflow has no default login (issue #9, item 6)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from narrmon.settings import load_settings
from tests.airflow.helpers import ROOT

# Text files that configure or run the product (tests hold throwaway placeholders).
SCANNED_SUFFIXES = {".py", ".yml", ".yaml", ".sh", ".toml", ".ini", ".cfg", ".env", ".example"}
SCANNED_NAMES = {"Dockerfile", "Makefile", "docker-compose.yml", ".env.example"}
SKIPPED_DIRS = {"tests", ".venv", "data", "build", ".git", "test-artifacts", "node_modules"}
# user:password@ in a URL, where the password is a literal (not ${VAR}, not a placeholder).
URL_CREDENTIALS = re.compile(r"[a-z][a-z0-9+.-]*://[^\s:/@]+:([^\s@/]+)@", re.I)
PLACEHOLDERS = {"CHANGE_ME", "pw", "password", "PASSWORD"}
# NAME_PASSWORD: value / NAME_SECRET=value / ..._KEY: value with a literal value.
SECRET_ASSIGNMENT = re.compile(
    r"(?<![{$\w])([A-Z0-9_]*(?:PASSWORD|SECRET|SECRET_KEY|TOKEN|FERNET_KEY|API_KEY))\b"
    r"\s*(?:=|:(?!'))\s*([^\s#]+)"  # ":'name'" is a psql variable, not a value
)
# Values that read the secret from somewhere else rather than spell it out.
INDIRECT = re.compile(r"""^(\$|:'|["']?\$|os\.environ|["']{2}$|/|\$\{)""")
INIT_SCRIPT = ROOT / "deploy" / "airflow-init.sh"


def tracked_files() -> list[Path]:
    """The repository's files (git's list when it is a checkout, else a walk)."""
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
        ).stdout.split()
        files = [ROOT / f for f in out]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in ROOT.rglob("*") if p.is_file()]
    return [
        p
        for p in files
        if p.is_file()
        and not SKIPPED_DIRS & set(p.relative_to(ROOT).parts)
        and (p.suffix in SCANNED_SUFFIXES or p.name in SCANNED_NAMES)
    ]


def leaked(line: str) -> bool:
    """Does ``line`` spell out a credential?"""
    if any(not p.startswith("$") and p not in PLACEHOLDERS for p in URL_CREDENTIALS.findall(line)):
        return True
    return any(not INDIRECT.match(value) for _, value in SECRET_ASSIGNMENT.findall(line))


@pytest.mark.parametrize(
    ("line", "leak"),
    [
        ("POSTGRES_PASSWORD: hunter2", True),
        ('AIRFLOW__API__SECRET_KEY = "0123abcd"', True),
        ("url: postgresql+psycopg://narrmon:hunter2@db:5432/narrmon", True),
        ("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", False),
        ("postgresql+psycopg://narrmon:${NARRMON_DB_PASSWORD:?set it}@postgres/narrmon", False),
        ("ALTER ROLE narrmon LOGIN PASSWORD :'narrmon_pw';", False),
        ('password = os.environ["AIRFLOW_ADMIN_PASSWORD"]', False),
    ],
)
def test_the_scan_tells_literals_from_references(line: str, leak: bool) -> None:
    assert leaked(line) is leak


def test_no_secret_is_written_into_the_repository() -> None:
    files = tracked_files()
    assert ROOT / "docker-compose.yml" in files and ROOT / ".env.example" in files
    leaks: list[str] = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
            if leaked(line):
                leaks.append(f"{path.relative_to(ROOT)}:{n + 1}: {line.strip()}")
    assert not leaks, "\n".join(leaks)
    assert ".env" not in {str(p.relative_to(ROOT)) for p in files}  # only the example


def test_settings_take_credentials_from_the_environment_only() -> None:
    url = "postgresql+psycopg://narrmon:from-env@db:5432/narrmon"
    settings = load_settings({"NARRMON_DATABASE_URL": url})
    assert settings.database_url == url and settings.dashboard_database_url == url
    default = load_settings({})
    assert default.database_url.startswith("sqlite:///") and "@" not in default.database_url


def test_airflow_init_refuses_to_run_without_an_admin_password(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    proc = subprocess.run(
        ["bash", str(INIT_SCRIPT)],
        env={**env, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,  # it stops at its first line
        check=False,
    )
    assert proc.returncode != 0
    assert "set AIRFLOW_ADMIN_PASSWORD in .env" in proc.stderr
    assert "==" not in proc.stdout  # nothing ran before the check


def test_airflow_admin_password_file_is_written_from_the_environment(tmp_path: Path) -> None:
    script = INIT_SCRIPT.read_text(encoding="utf-8")
    body = script.split("<<'PY'\n", 1)[1].split("\nPY\n", 1)[0]
    assert script.index("umask 077") < script.index("<<'PY'")  # owner-only file
    target = tmp_path / "passwords.json"
    env = {
        **os.environ,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(target),
        "AIRFLOW_ADMIN_PASSWORD": "from-the-env-5e1",
    }
    subprocess.run(
        [sys.executable, "-c", body], env=env, check=True, timeout=30, capture_output=True
    )
    assert json.loads(target.read_text(encoding="utf-8")) == {"admin": "from-the-env-5e1"}


@pytest.mark.parametrize("path", ["docker-compose.yml", "scripts/airflow-standalone.sh"])
def test_no_airflow_login_is_open_by_default(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    # Every user an admin without a password, or the old FAB default user: never.
    assert not re.search(r"SIMPLE_AUTH_MANAGER_ALL_ADMINS\s*[:=]\s*[\"']?(true|1)", text, re.I)
    assert "_AIRFLOW_WWW_USER_PASSWORD" not in text and "airflow:airflow" not in text
