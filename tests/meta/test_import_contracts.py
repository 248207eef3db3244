"""The import contracts (`lint-imports`, run by `make lint`) cover every package we ship."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_package_and_the_dag_folder_is_under_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = {
        p.removesuffix("*") for p in config["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    contracted = set(config["tool"]["importlinter"]["root_packages"])
    assert shipped | {"dags"} == contracted


def test_the_layers_name_every_root_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    importlinter = config["tool"]["importlinter"]
    (layers,) = [c for c in importlinter["contracts"] if c["type"] == "layers"]
    named = {m.strip() for layer in layers["layers"] for m in layer.split("|")}
    assert named == set(importlinter["root_packages"])
