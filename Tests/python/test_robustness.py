"""Issue 15: the command line used by several people at once, on odd paths, read-only files and hostile input.

Each test reproduces one defect of the issue with real processes (parallel runs, kills, file modes).
"""
import json
import os
import shutil
import signal
import stat
import subprocess
import threading
import time

import pytest

from conftest import ROOT

FIXTURES = ROOT / "Tests" / "NahtstelleEngineTests" / "Fixtures"
# Between them, these two users see every demo case (RAV Wolhusen: A, B, C; SoBZ Hochdorf: A, D).
VIEWERS = ("h.lustenberger", "c.studer")


def run(*args, cwd=None, timeout=300):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


@pytest.fixture
def workspace(tmp_path):
    """A folder with copies of workflows/, templates/ and forms/, as a user would set one up."""
    for folder in ("workflows", "templates", "forms"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def case_lines(nahtstelle, workspace, db):
    lines = set()
    for user in VIEWERS:
        r = run(nahtstelle, "cases", "--db", db, "--user", user, cwd=workspace)
        assert r.returncode == 0, r.stderr
        lines.update(l for l in r.stdout.splitlines() if l.startswith("OPT-"))
    return sorted(lines)


# 1. Demo runs at once must not create every demo case twice (a race: several trials).
def test_parallel_demo_runs_create_each_case_once(nahtstelle, workspace):
    for trial in range(4):
        db = workspace / "var" / f"demo{trial}.sqlite"
        procs = [subprocess.Popen([str(nahtstelle), "demo", "--db", str(db), "--documents", str(workspace / f"docs{trial}-{i}")],
                                  cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(3)]
        outs = [p.communicate(timeout=600) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 0, out + err
        lines = case_lines(nahtstelle, workspace, db)
        assert len(lines) == 4, f"Versuch {trial + 1}:\n" + "\n".join(lines)
        persons = [l.split("\t")[1] for l in lines]
        assert len(set(persons)) == 4, persons


# 3. A demo killed partway is finished by the next run: same cases, same states as one clean run.
def test_killed_demo_is_finished_by_the_next_run(nahtstelle, workspace):
    clean = workspace / "clean.sqlite"
    r = run(nahtstelle, "demo", "--db", clean, "--documents", workspace / "clean-docs", cwd=workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    expected = case_lines(nahtstelle, workspace, clean)
    assert len(expected) == 4

    db = workspace / "killed.sqlite"
    # Line-buffered output, so the kill comes right after case A was submitted (it is halfway
    # through its steps when the walk moves on to B).
    p = subprocess.Popen(["stdbuf", "-oL", str(nahtstelle), "demo", "--db", str(db), "--documents", str(workspace / "docs")],
                         cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        if "OPT-2026-0001 c.studer" in line or "OPT-0001 c.studer" in line or (line.startswith("  ") and "c.studer" in line):
            p.send_signal(signal.SIGKILL)
            break
    p.wait(timeout=60)
    assert p.returncode == -signal.SIGKILL
    partial = case_lines(nahtstelle, workspace, db)
    assert 1 <= len(partial) < 4

    r = run(nahtstelle, "demo", "--db", db, "--documents", workspace / "docs", cwd=workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert case_lines(nahtstelle, workspace, db) == expected
    # and a third run changes nothing
    r = run(nahtstelle, "demo", "--db", db, "--documents", workspace / "docs", cwd=workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    assert case_lines(nahtstelle, workspace, db) == expected


# 2. Commands side by side wait for each other instead of failing with "database is locked".
def test_parallel_starts_and_deploys_all_succeed(nahtstelle, tmp_path):
    db = tmp_path / "engine.sqlite"
    r = run(nahtstelle, "deploy", "--db", db, FIXTURES / "gateways.bpmn")
    assert r.returncode == 0, r.stderr
    failures = []

    def loop(n, k):
        for i in range(n):
            res = run(nahtstelle, "start", "--db", db, "gateways", "--key", f"K-{k}-{i}", timeout=120)
            if res.returncode != 0:
                failures.append(res.stderr)

    def deploys():
        for f in ("boundary.bpmn", "scopes.bpmn", "terminate.bpmn", "linked.bpmn"):
            res = run(nahtstelle, "deploy", "--db", db, FIXTURES / f, timeout=120)
            if res.returncode != 0:
                failures.append(res.stderr)

    threads = [threading.Thread(target=loop, args=(15, k)) for k in range(4)] + [threading.Thread(target=deploys)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [], failures[:3]
    r = run(nahtstelle, "tasks", "--db", db)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 60


# 4. Reading commands never create a database at a mistyped path.
@pytest.mark.parametrize("command", [["tasks"], ["history", "--key", "X"], ["timers"], ["cases", "--user", "x"],
                                     ["inbox", "--user", "x"], ["start", "gateways"], ["complete", "1"]])
def test_reading_commands_do_not_create_a_database(nahtstelle, workspace, command):
    db = workspace / "typo" / "dir" / "x.sqlite"
    r = run(nahtstelle, command[0], "--db", db, *command[1:], cwd=workspace)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Datenbank nicht gefunden" in r.stderr, r.stderr
    assert not (workspace / "typo").exists()


# 5. A read-only database can be read (report, tasks): a folder and file nobody may write to.
def make_read_only(folder):
    """chmod for a normal user; root ignores modes, so there the files are made immutable."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.fail("chattr fehlt (e2fsprogs): als root lässt sich eine Datei sonst nicht schreibschützen")
        subprocess.run(["chattr", "+i", *[str(p) for p in folder.iterdir()], str(folder)], check=True)
        return lambda: subprocess.run(["chattr", "-i", *[str(p) for p in folder.iterdir()], str(folder)], check=True)
    for f in folder.iterdir():
        f.chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return lambda: folder.chmod(stat.S_IRWXU)


def test_read_only_database_can_be_read(nahtstelle, workspace):
    folder = workspace / "ro"
    db = folder / "n.sqlite"
    r = run(nahtstelle, "demo", "--db", db, "--documents", workspace / "docs", cwd=workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    report = ["report", "--db", db, "--from", "01.01.2000", "--to", "31.12.2099", "--format", "json"]
    before = run(nahtstelle, *report, cwd=workspace)
    assert before.returncode == 0, before.stderr
    tasks_before = run(nahtstelle, "tasks", "--db", db, cwd=workspace)
    undo = make_read_only(folder)
    try:
        r = run(nahtstelle, *report, cwd=workspace)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == json.loads(before.stdout)
        r = run(nahtstelle, "tasks", "--db", db, cwd=workspace)
        assert r.returncode == 0, r.stderr
        assert r.stdout == tasks_before.stdout
        # a command that must write says so in words
        r = run(nahtstelle, "deploy", "--db", db, FIXTURES / "gateways.bpmn", cwd=workspace)
        assert r.returncode == 1 and "grdb" not in r.stderr.lower() and "CREATE" not in r.stderr, r.stderr
    finally:
        undo()


# 6. Clear messages for odd paths.
def test_database_path_messages(nahtstelle, workspace):
    r = run(nahtstelle, "tasks", "--db", workspace, cwd=workspace)
    assert r.returncode == 1 and "ist ein Ordner" in r.stderr, r.stderr
    r = run(nahtstelle, "deploy", "--db", "", FIXTURES / "gateways.bpmn", cwd=workspace)
    assert r.returncode == 1 and "--db ist leer" in r.stderr, r.stderr
    assert "WAL" not in r.stderr and "disk I/O" not in r.stderr


def test_demo_documents_pointing_to_a_file_fails_before_creating_cases(nahtstelle, workspace):
    blocker = workspace / "a-file"
    blocker.write_text("x")
    db = workspace / "d.sqlite"
    r = run(nahtstelle, "demo", "--db", db, "--documents", blocker, cwd=workspace)
    assert r.returncode == 1
    assert "ist eine Datei, kein Ordner" in r.stderr, r.stderr
    assert "NSCocoaErrorDomain" not in r.stderr
    assert "Fall OPT-" not in r.stdout


def test_render_output_and_template_name_messages(nahtstelle, workspace):
    data = ROOT / "templates" / "samples" / "kostengutsprache.json"
    r = run(nahtstelle, "render", "kostengutsprache", "--data", data, "--out", workspace, cwd=workspace)
    assert r.returncode == 1 and "ist ein Ordner" in r.stderr, r.stderr
    r = run(nahtstelle, "render", "kostengutsprache", "--data", data, "--out", workspace / "missing" / "x.docx", cwd=workspace)
    assert r.returncode == 1 and "existiert nicht" in r.stderr, r.stderr
    r = run(nahtstelle, "render", "kostengutspreche", "--data", data, "--out", workspace / "x.docx", cwd=workspace)
    assert r.returncode == 1 and "Verfügbare Vorlagen:" in r.stderr and "kostengutsprache" in r.stderr, r.stderr


# 17. history logs every read of case data, says when a key is unknown, refuses --instance with --key.
def test_history_of_a_case_is_logged_and_checked(nahtstelle, workspace):
    db = workspace / "h.sqlite"
    r = run(nahtstelle, "demo", "--db", db, "--documents", workspace / "docs", cwd=workspace)
    assert r.returncode == 0, r.stdout + r.stderr
    case_id = case_lines(nahtstelle, workspace, db)[0].split("\t")[0]
    r = run(nahtstelle, "history", "--db", db, "--key", case_id, "--user", "h.lustenberger", cwd=workspace)
    assert r.returncode == 0 and r.stdout.strip(), r.stderr
    count = subprocess.run(["sqlite3", str(db), f"SELECT count(*) FROM case_access WHERE case_id = '{case_id}' AND action = 'view-history'"],
                           capture_output=True, text=True) if shutil.which("sqlite3") else None
    if count is not None:
        assert int(count.stdout.strip()) >= 1
    r = run(nahtstelle, "history", "--db", db, "--key", "OPT-1999-9999", "--user", "h.lustenberger", cwd=workspace)
    assert r.returncode == 1 and "nicht gefunden" in r.stderr, r.stdout + r.stderr
    r = run(nahtstelle, "history", "--db", db, "--key", case_id, "--user", "nobody", cwd=workspace)
    assert r.returncode == 1 and "nicht erfasst" in r.stderr, r.stderr
    r = run(nahtstelle, "history", "--db", db, "--key", case_id, "--instance", "1", "--user", "h.lustenberger", cwd=workspace)
    assert r.returncode == 1 and "nicht beide" in r.stderr, r.stderr


def test_history_of_an_unknown_key_says_so(nahtstelle, tmp_path):
    db = tmp_path / "e.sqlite"
    assert run(nahtstelle, "deploy", "--db", db, FIXTURES / "gateways.bpmn").returncode == 0
    r = run(nahtstelle, "history", "--db", db, "--key", "NOPE")
    assert r.returncode == 1 and "kein Protokoll" in r.stderr, r.stdout + r.stderr
    r = run(nahtstelle, "history", "--db", db, "--instance", "999")
    assert r.returncode == 1 and "gibt es" in r.stderr, r.stdout + r.stderr


# 18. Tabs and newlines in values do not break the tab-separated lines of `tasks`.
def test_tasks_output_escapes_tabs_and_newlines(nahtstelle, tmp_path):
    db = tmp_path / "t.sqlite"
    assert run(nahtstelle, "deploy", "--db", db, FIXTURES / "gateways.bpmn").returncode == 0
    variables = tmp_path / "v.json"
    variables.write_text(json.dumps({"receiverOffice": "RAV\tWolhusen\nNord", "referrerOffice": "SD"}))
    r = run(nahtstelle, "start", "--db", db, "gateways", "--key", "K\t1\n2", "--variables", variables)
    assert r.returncode == 0, r.stderr
    r = run(nahtstelle, "tasks", "--db", db)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 1, lines
    cells = lines[0].split("\t")
    assert len(cells) == 7, cells
    assert cells[3].startswith("RAV\\tWolhusen\\nNord/") and cells[6] == "K\\t1\\n2"


# 19. report --as-of: at most today, not before --from.
def test_report_as_of_is_bounded(nahtstelle, workspace):
    db = workspace / "r.sqlite"
    assert run(nahtstelle, "demo", "--db", db, "--documents", workspace / "docs", cwd=workspace).returncode == 0
    r = run(nahtstelle, "report", "--db", db, "--from", "01.01.2026", "--to", "31.12.2026", "--as-of", "01.01.2099", cwd=workspace)
    assert r.returncode == 1 and "Zukunft" in r.stderr, r.stdout + r.stderr
    r = run(nahtstelle, "report", "--db", db, "--from", "01.06.2026", "--to", "31.12.2026", "--as-of", "01.01.2026", cwd=workspace)
    assert r.returncode == 1 and "vor dem Zeitraum" in r.stderr, r.stdout + r.stderr


# 11. Invalid UTF-8 in JSON input is an error with the byte position, not U+FFFD in a letter.
def test_invalid_utf8_in_json_inputs_is_refused(nahtstelle, tmp_path):
    sample = (ROOT / "templates" / "samples" / "kostengutsprache.json").read_bytes()
    bad = sample.replace("Muster".encode(), b"Mu\xffster", 1)
    assert bad != sample
    data = tmp_path / "bad.json"
    data.write_bytes(bad)
    r = run(nahtstelle, "render", "kostengutsprache", "--data", data, "--out", tmp_path / "x.docx", cwd=ROOT)
    assert r.returncode == 1 and "UTF-8" in r.stderr and "Position" in r.stderr, r.stderr
    assert not (tmp_path / "x.docx").exists()
    answers = tmp_path / "a.json"
    answers.write_bytes(b'{"check": [{"decision": "acc\xc3epted"}]}')
    r = run(nahtstelle, "simulate", FIXTURES / "gateways.bpmn", "--answers", answers)
    assert r.returncode == 1 and "UTF-8" in r.stderr, r.stderr
    variables = tmp_path / "v.json"
    variables.write_bytes(b'{"receiverOffice": "RAV \xe9"}')
    r = run(nahtstelle, "simulate", FIXTURES / "gateways.bpmn", "--answers", answers, "--variables", variables)
    assert r.returncode == 1 and "UTF-8" in r.stderr, r.stderr


# 7. render checks the data against templates/fields.json with the form rules and names every bad field.
@pytest.mark.parametrize("path, value", [
    (("person", "birthDate"), "31.02.2026"), (("person", "birthDate"), "gestern"), (("person", "birthDate"), 20260101),
    (("person", "ahvNumber"), "756.1234.5678.90"), (("person", "ahvNumber"), "123"), (("costApproval", "total"), "viel"),
    (("person", "lastName"), {"a": 1}), (("costApproval", "positions"), 5), (("person", "birthDate"), {"@date": "2026-13-01"}),
])
def test_render_refuses_values_of_the_wrong_type(nahtstelle, tmp_path, path, value):
    data = json.loads((ROOT / "templates" / "samples" / "kostengutsprache.json").read_text())
    data[path[0]][path[1]] = value
    f = tmp_path / "d.json"
    f.write_text(json.dumps(data))
    out = tmp_path / "x.docx"
    r = run(nahtstelle, "render", "kostengutsprache", "--data", f, "--out", out, cwd=ROOT)
    assert r.returncode == 1, r.stdout
    assert ".".join(path) in r.stderr or "@date" in r.stderr, r.stderr
    assert "Es fehlen Angaben" not in r.stderr
    assert not out.exists()


def test_render_names_every_bad_field_at_once(nahtstelle, tmp_path):
    data = json.loads((ROOT / "templates" / "samples" / "kostengutsprache.json").read_text())
    data["person"]["birthDate"] = "gestern"
    data["person"]["ahvNumber"] = "123"
    data["costApproval"]["total"] = "viel"
    f = tmp_path / "d.json"
    f.write_text(json.dumps(data))
    r = run(nahtstelle, "render", "kostengutsprache", "--data", f, "--out", tmp_path / "x.docx", cwd=ROOT)
    assert r.returncode == 1
    for field in ("person.birthDate", "person.ahvNumber", "costApproval.total"):
        assert field in r.stderr, r.stderr


def test_every_sample_still_renders(nahtstelle, tmp_path):
    for sample in sorted((ROOT / "templates" / "samples").glob("*.json")):
        name = sample.stem
        if not (ROOT / "templates" / f"{name}.docx").exists():
            continue
        r = run(nahtstelle, "render", name, "--data", sample, "--out", tmp_path / f"{name}.docx", cwd=ROOT)
        assert r.returncode == 0, f"{name}: {r.stderr}"


# 20. No command answers an unknown id or folder with exit 0 and nothing, or with internals.
def test_unknown_things_are_named_not_ignored(nahtstelle, tmp_path):
    db = tmp_path / "e.sqlite"
    assert run(nahtstelle, "deploy", "--db", db, FIXTURES / "gateways.bpmn").returncode == 0
    for args, words in [(("complete", "--db", db, "999"), "999"), (("start", "--db", db, "nope"), "nope"),
                        (("correlate", "--db", db, "msg", "--key", "k"), "msg"),
                        (("templates", "list", "--directory", tmp_path / "nope"), "Ordner nicht gefunden")]:
        r = run(nahtstelle, *args)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert words in r.stderr, (args, r.stderr)
        for internal in ("GRDB", "SQLite error", "NSCocoaErrorDomain", "Swift.", "DatabaseError"):
            assert internal not in r.stderr, (args, r.stderr)
    r = run(nahtstelle, "tasks", "--db", db, "--office", "XY")
    assert r.returncode == 0 and r.stdout == "" and "Keine offenen Aufgaben" in r.stderr
