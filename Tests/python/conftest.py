"""Shared helpers for the end-to-end checks: where the built binaries are."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def binary(name: str, env: str) -> pathlib.Path:
    path = pathlib.Path(os.environ.get(env, ROOT / ".build" / "debug" / name))
    if not path.exists():
        pytest.fail(f"{path} fehlt: zuerst `swift build` ausführen (oder {env} setzen).")
    return path


@pytest.fixture(scope="session")
def nahtstelle() -> pathlib.Path:
    return binary("nahtstelle", "NAHTSTELLE_BIN")


@pytest.fixture(scope="session")
def bench() -> pathlib.Path:
    return binary("nahtstelle-bench", "NAHTSTELLE_BENCH")


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT
