"""Shared setup for the document checks: the CLI binary, python-docx, LibreOffice, poppler.

Nothing is skipped: a missing tool fails the run with a message saying what to install.
"""
import json
import os
import pathlib
import shutil
import subprocess
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATES = os.path.join(ROOT, "templates")
SAMPLES = os.path.join(TEMPLATES, "samples")
TEMPLATE_NAMES = sorted(f[:-5] for f in os.listdir(TEMPLATES) if f.endswith(".docx"))


def nahtstelle_bin():
    path = os.environ.get("NAHTSTELLE_BIN", os.path.join(ROOT, ".build", "debug", "nahtstelle"))
    if not os.path.isabs(path):
        path = os.path.join(ROOT, path)
    if not os.access(path, os.X_OK):
        pytest.fail(f"nahtstelle-Binary fehlt: {path} (zuerst `swift build` ausführen oder NAHTSTELLE_BIN setzen)")
    return path


def require_tools():
    try:
        import docx  # noqa: F401
        import lxml  # noqa: F401
    except ImportError:
        pytest.fail("python-docx fehlt: `pip install python-docx` (bringt lxml mit)")
    for tool, package in (("soffice", "libreoffice-writer"), ("pdftotext", "poppler-utils"), ("pdftoppm", "poppler-utils")):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} fehlt: `apt-get install {package}`")


def run_cli(*args, cwd=ROOT):
    return subprocess.run([nahtstelle_bin(), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def render(template, data, out, tmp):
    """Renders with data given as a dict (written to a JSON file) or as a path."""
    if isinstance(data, dict):
        path = os.path.join(tmp, f"data-{uuid.uuid4().hex}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        data = path
    return run_cli("render", template, "--data", data, "--out", out)


def load_sample(name):
    with open(os.path.join(SAMPLES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def convert_to_pdf(paths, outdir):
    """One LibreOffice call for many files, with a private profile (fast, no clash with a desktop session)."""
    profile = os.path.join(outdir, "lo-profile")
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", outdir, *paths],
        capture_output=True, text=True, timeout=600)
    missing = [p for p in paths if not os.path.exists(os.path.join(outdir, os.path.basename(p)[:-5] + ".pdf"))]
    assert not missing, f"LibreOffice konnte nicht umwandeln: {missing}\n{result.stdout}\n{result.stderr}"


def pdf_text(pdf):
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    require_tools()
    nahtstelle_bin()
    return str(tmp_path_factory.mktemp("docs"))


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
