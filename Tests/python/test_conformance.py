"""BPMN models written by other tools (the BPMN MIWG reference suite): read without a crash,
every unsupported element reported with its place, and the models made only of supported elements
run in a dry run."""
import os
import pathlib
import re
import subprocess

import pytest

from conftest import ROOT

SHARED = pathlib.Path(os.environ.get("NAHTSTELLE_SHARED", ROOT.parent / "shared"))
MIWG = sorted((SHARED / "conformance" / "bpmn-miwg").glob("*.bpmn"))
# Interchange models (isExecutable="false") built only from supported elements.
SUPPORTED = {"A.1.0", "A.4.0", "A.4.1"}
PROBLEM = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): .+ \[(?P<id>[^\]]+)\]$")


def test_the_reference_models_are_there():
    assert len(MIWG) == 21, f"MIWG-Modelle fehlen unter {SHARED}"


@pytest.mark.parametrize("model", MIWG, ids=lambda p: p.stem)
def test_model_is_read_and_every_problem_is_located(nahtstelle, model):
    r = subprocess.run([str(nahtstelle), "validate", str(model)], capture_output=True, text=True, timeout=60)
    assert r.returncode in (0, 1), f"crashed: {r.returncode}\n{r.stderr}"
    lines = r.stdout.splitlines()
    assert lines, "no problems listed, but every MIWG model has at least the non-executable one"
    for line in lines:
        m = PROBLEM.match(line)
        assert m, f"not file:line:col: severity: message [id]: {line}"
        assert int(m["line"]) > 0 and int(m["col"]) > 0, line
    errors = [l for l in lines if ": error:" in l]
    if model.stem in SUPPORTED:
        assert len(errors) == 1 and "keinen ausführbaren Prozess" in errors[0], errors
    else:
        assert len(errors) >= 1


@pytest.mark.parametrize("stem", sorted(SUPPORTED))
def test_supported_model_runs_every_process_to_its_end(nahtstelle, stem, tmp_path):
    model = SHARED / "conformance" / "bpmn-miwg" / f"{stem}.bpmn"
    processes = re.findall(r'<(?:\w+:)?process\b[^>]*\bid="([^"]+)"', model.read_text(encoding="utf-8"))
    assert processes
    answers = tmp_path / "answers.json"
    answers.write_text("{}")
    for process in processes:
        r = subprocess.run([str(nahtstelle), "simulate", "--draft", str(model), "--process", process, "--answers", str(answers)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"{process}: {r.stderr}"
        assert r.stdout.strip().splitlines()[-1].startswith("end: "), r.stdout
