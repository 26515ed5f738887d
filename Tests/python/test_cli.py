"""The CLI as a coordinator meets it: clear errors, right exit codes, nothing changed on bad input."""
import subprocess

from conftest import ROOT

FIXTURES = ROOT / "Tests" / "NahtstelleEngineTests" / "Fixtures"


def run(*args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60, **kw)


def test_validate_reports_every_problem_with_location_and_exits_1(nahtstelle, tmp_path):
    broken = tmp_path / "broken.bpmn"
    broken.write_text((FIXTURES / "gateways.bpmn").read_text()
                      .replace('targetRef="check"/>', 'targetRef="chek"/>', 1)
                      .replace('=decision = "accepted"', '=decision = = "accepted"')
                      .replace(' nahtstelle:role="advisor" nahtstelle:office="=receiverOffice"', ''))
    r = run(nahtstelle, "validate", broken)
    assert r.returncode == 1
    lines = [l for l in r.stdout.splitlines() if ": error:" in l]
    assert len(lines) >= 3, r.stdout
    for line in lines:
        file, line_no, col, *_ = line.split(":")
        assert file.endswith("broken.bpmn") and int(line_no) > 0 and int(col) > 0, line
        assert line.rstrip().endswith("]"), line  # [elementId]
    text = "\n".join(lines)
    assert "chek" in text and "[left]" in text


def test_validate_refuses_hostile_xml_quickly(nahtstelle, tmp_path):
    xxe = tmp_path / "xxe.bpmn"
    xxe.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>')
    laughs = tmp_path / "laughs.bpmn"
    ents = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(10))
    laughs.write_text(f'<?xml version="1.0"?><!DOCTYPE d [{ents}]><definitions>&l9;</definitions>')
    garbage = tmp_path / "garbage.bpmn"
    garbage.write_bytes(b"\xff\xfe\x00<definitions>\xc3\x28</definitions>")
    for f in (xxe, laughs, garbage):
        r = run(nahtstelle, "validate", f)
        assert r.returncode == 1, r.stdout
        assert "root:" not in r.stdout  # nothing of /etc/passwd
        assert ": error:" in r.stdout


def test_simulate_names_the_task_without_answer(nahtstelle, tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text('{"check": [{"decision": "clarify"}]}')
    r = run(nahtstelle, "simulate", FIXTURES / "gateways.bpmn", "--answers", answers)
    assert r.returncode == 1
    assert r.stdout.splitlines() == ["check"]
    assert "»clarify«" in r.stderr


def test_simulate_rejects_malformed_answers(nahtstelle, tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text('{"check": {"decision": "clarify"}}')
    r = run(nahtstelle, "simulate", FIXTURES / "gateways.bpmn", "--answers", answers)
    assert r.returncode == 1 and "Liste" in r.stderr
    answers.write_text('{"check": [')
    r = run(nahtstelle, "simulate", FIXTURES / "gateways.bpmn", "--answers", answers)
    assert r.returncode == 1 and "JSON" in r.stderr


def test_engine_commands_survive_restarts_between_every_step(nahtstelle, tmp_path):
    """Each CLI call is a new process on the same database file: a restart between every step."""
    db = tmp_path / "n.sqlite"
    assert run(nahtstelle, "deploy", "--db", db, FIXTURES / "gateways.bpmn").stdout.strip() == "gateways v1"
    assert "unverändert" in run(nahtstelle, "deploy", "--db", db, FIXTURES / "gateways.bpmn").stdout
    start = tmp_path / "start.json"
    start.write_text('{"receiverOffice": "IV-LU", "referrerOffice": "RAV-WOL", "referrerAdvisor": "anna"}')
    r = run(nahtstelle, "start", "--db", db, "gateways", "--variables", start, "--key", "F-1")
    assert r.returncode == 0 and "\tcheck\t" in r.stdout
    accept = tmp_path / "accept.json"
    accept.write_text('{"decision": "accepted"}')
    task_id = r.stdout.splitlines()[1].split("\t")[0]
    assert run(nahtstelle, "complete", "--db", db, task_id, "--variables", accept, "--user", "bruno").returncode == 0
    again = run(nahtstelle, "complete", "--db", db, task_id, "--variables", accept, "--user", "carla")
    assert again.returncode != 0 and "bereits erledigt" in again.stderr
    open_tasks = run(nahtstelle, "tasks", "--db", db).stdout.splitlines()
    assert sorted(l.split("\t")[1] for l in open_tasks) == ["left", "right"]
    for line in open_tasks:
        assert run(nahtstelle, "complete", "--db", db, line.split("\t")[0]).returncode == 0
    assert run(nahtstelle, "tasks", "--db", db).stdout == ""
    history = run(nahtstelle, "history", "--db", db, "--key", "F-1").stdout.splitlines()
    assert [h.split("\t")[2] for h in history] == ["start", "complete", "complete", "complete"]
    assert "bruno" in history[1]
