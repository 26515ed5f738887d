"""The OPTIMA application end to end through the CLI: demo cases with real documents, the
Standardreporting in its three formats, the pseudonymised export, and clear errors on bad input."""
import csv
import io
import json
import re
import subprocess
import zipfile
from zoneinfo import ZoneInfo

import pytest

from conftest import ROOT

NAMES = ("Muster", "Gashi", "Bühler", "Roth")
AHV = ("756.1234.5678.97", "756.9217.0769.85", "756.3047.5009.62", "756.5581.2230.48")


def run(*args, cwd=ROOT):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=180, cwd=cwd)


@pytest.fixture(scope="module")
def demo(nahtstelle, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("optima")
    db, docs = tmp / "optima.sqlite", tmp / "documents"
    r = run(nahtstelle, "demo", "--db", db, "--documents", docs, "--root", ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    return {"db": db, "docs": docs, "out": r.stdout, "tmp": tmp}


def report(nahtstelle, db, *extra):
    return run(nahtstelle, "report", "--db", db, "--from", "2000-01-01", "--to", "31.12.2099", *extra)


def test_demo_walks_cases_and_writes_real_documents(demo):
    out = demo["out"]
    assert "Fall OPT-" in out and "Vereinbarung ALV unterzeichnet" in out and "keine integrale Fallführung" in out
    files = sorted(demo["docs"].rglob("*.docx"))
    assert len(files) >= 15, out
    templates = {re.sub(r"^OPT-\d{4}-\d{4}_(.*)_v\d+\.docx$", r"\1", f.name) for f in files}
    assert {"antragsformular-sh", "antragsformular-rav", "antragsformular-iv", "entscheid-annahme", "entscheid-ablehnung",
            "einladung-gespraech", "gespraechsnotiz-uebergabe", "gespraechsnotiz-standort", "gespraechsnotiz-abschluss",
            "kostengutsprache", "vereinbarung-alv"} <= templates
    import docx  # python-docx: the file opens as Word would
    for f in files:
        assert zipfile.is_zipfile(f), f
        d = docx.Document(str(f))
        text = "\n".join(p.text for p in d.paragraphs)
        text += "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
        assert "{{" not in text, f
        assert any(name in text for name in NAMES), f"{f.name}: kein Personenname"


def test_demo_is_idempotent(nahtstelle, demo):
    before = report(nahtstelle, demo["db"], "--format", "json")
    r = run(nahtstelle, "demo", "--db", demo["db"], "--documents", demo["docs"], "--root", ROOT)
    assert r.returncode == 0, r.stderr
    assert "bereits" in r.stdout
    assert json.loads(report(nahtstelle, demo["db"], "--format", "json").stdout) == json.loads(before.stdout)


def test_report_formats(nahtstelle, demo):
    j = report(nahtstelle, demo["db"], "--format", "json")
    assert j.returncode == 0, j.stderr
    data = json.loads(j.stdout)
    assert data["applications"]["total"] == 4
    assert data["applications"]["byReferrer"] == {"IV": 0, "RAV": 2, "SD": 2}
    assert data["process"]["accepted"] == 2 and data["process"]["rejected"]["no-capacity"] == 1
    assert data["costApprovals"]["requested"]["total"] == 2 and data["costApprovals"]["approved"]["byPayer"]["RAV"] == 1
    assert data["effects"]["outcomes"]["successful"]["byReceiver"]["SD"] == 1
    assert data["targetGroups"]["SD-SD"] == 1 and data["targetGroups"]["G"] == 1
    c = report(nahtstelle, demo["db"], "--format", "csv")
    assert c.returncode == 0 and len(list(csv.reader(io.StringIO(c.stdout)))) > 20
    t = report(nahtstelle, demo["db"])
    assert t.returncode == 0 and "Standardreporting" in t.stdout and "Abgeschlossene Optima-Fälle" in t.stdout


def test_pseudonymised_export_has_no_identities(nahtstelle, demo):
    key = demo["tmp"] / "report.key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    r = report(nahtstelle, demo["db"], "--pseudonymise", "--key-file", key, "--format", "json")
    assert r.returncode == 0, r.stderr
    records = json.loads(r.stdout)
    assert len(records) == 4
    for needle in NAMES + AHV + tuple(a.replace(".", "") for a in AHV) + ("OPT-",):
        assert needle not in r.stdout
    assert all(re.fullmatch(r"[0-9a-f]{32}", rec["personKey"]) for rec in records)
    c = report(nahtstelle, demo["db"], "--pseudonymise", "--key-file", key, "--format", "csv")
    assert c.returncode == 0 and c.stdout.startswith("personKey,caseKey")


@pytest.mark.parametrize("args, message", [
    (("--from", "31.02.2026", "--to", "2026-12-31"), "TT.MM.JJJJ"),
    (("--from", "2026-12-31", "--to", "2026-01-01"), "tauschen"),
    (("--from", "2026-01-01", "--to", "2026-12-31", "--format", "xml"), "json, csv und text"),
    (("--from", "2026-01-01", "--to", "2026-12-31", "--pseudonymise"), "--key-file"),
])
def test_report_bad_input_exits_1_with_reason(nahtstelle, demo, args, message):
    r = run(nahtstelle, "report", "--db", demo["db"], *args)
    assert r.returncode == 1
    assert message in r.stderr + r.stdout


def test_report_short_key_and_missing_database(nahtstelle, demo, tmp_path):
    key = tmp_path / "short.key"
    key.write_bytes(b"kurz")
    r = report(nahtstelle, demo["db"], "--pseudonymise", "--key-file", key, "--format", "csv")
    assert r.returncode == 1 and "zu kurz" in r.stderr + r.stdout
    missing = tmp_path / "nope.sqlite"
    r = report(nahtstelle, missing)
    assert r.returncode == 1 and "nicht gefunden" in r.stderr + r.stdout
    assert not missing.exists()


def test_cases_respect_visibility(nahtstelle, demo):
    r = run(nahtstelle, "cases", "--db", demo["db"], "--user", "r.huber", "--root", ROOT)
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stdout.splitlines() if l.startswith("OPT-")]
    assert len(lines) == 1 and "WAS IV Luzern" in lines[0]
    r = run(nahtstelle, "inbox", "--db", demo["db"], "--user", "c.studer", "--root", ROOT)
    assert r.returncode == 0 and "Antrag prüfen" in r.stdout
    r = run(nahtstelle, "cases", "--db", demo["db"], "--user", "niemand", "--root", ROOT)
    assert r.returncode == 1 and "nicht erfasst" in r.stderr + r.stdout


def test_report_carries_the_flat_rate_statements(nahtstelle, demo, tmp_path):
    """Issue 14, item 21: the monthly flat-rate statements (model A) in the report's output, at the
    installation's rates, for the months up to the report day and never for a month to come."""
    import datetime
    import sqlite3
    data = json.loads(report(nahtstelle, demo["db"], "--format", "json").stdout)
    flat = data["flatRates"]
    assert flat["ratesPerCaseAndMonth"] == {"IV": 227.0, "RAV": 125.0, "SD": 125.0}
    statements = flat["statements"]
    assert statements, "the demo's RAV → SoBZ case (no prior social counselling) is billable"
    # The report's day is the offices' day (Europe/Zurich), not the machine's: between 23:00 and
    # midnight UTC at a month's end they differ.
    this_month = datetime.datetime.now(ZoneInfo("Europe/Zurich")).strftime("%Y-%m")
    for s in statements:
        assert s["month"] <= this_month
        assert s["cases"] == len(s["lines"]) and s["total"] == pytest.approx(sum(l["amount"] for l in s["lines"]))
        assert all(l["caseId"].startswith("OPT-") for l in s["lines"])
    assert flat["total"] == pytest.approx(sum(s["total"] for s in statements))
    sobz = [s for s in statements if s["receiverOffice"] == "sobz-hochdorf"]
    assert sobz and all(s["payingOffice"] == "rav-wolhusen" and s["total"] == 125 * s["cases"] for s in sobz)

    text = report(nahtstelle, demo["db"]).stdout
    assert "Fallpauschalen (Modell A, bis " in text
    assert "Ansatz pro Fall und Monat: IV CHF 227.00, RAV/ALV CHF 125.00, Sozialhilfe CHF 125.00" in text
    assert re.search(r"\d\d\.\d{4} SoBZ Hochdorf an RAV Wolhusen, 1 Fall +CHF 125\.00", text), text
    rows = list(csv.reader(io.StringIO(report(nahtstelle, demo["db"], "--format", "csv").stdout)))
    assert ["flat-rates", "rate-chf", "SD", "125.00"] in rows
    assert any(r[:2] == ["flat-rates", "statement-chf"] and "/sobz-hochdorf/rav-wolhusen" in r[2] for r in rows)

    # The rates are configuration: a copy of the database with the SD rate at CHF 140.50.
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(demo["db"]) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with sqlite3.connect(copy) as db:
        db.execute("INSERT INTO installation_setting (key, value, changed_at, changed_by) VALUES ('flat-rate-sd', '140.50', 0, 'test') "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    changed = report(nahtstelle, copy)
    assert changed.returncode == 0, changed.stderr
    assert "Sozialhilfe CHF 140.50" in changed.stdout
    assert re.search(r"SoBZ Hochdorf an RAV Wolhusen, 1 Fall +CHF 140\.50", changed.stdout), changed.stdout
    # A period that ends before the first hand-over bills nothing.
    empty = run(nahtstelle, "report", "--db", demo["db"], "--from", "2000-01-01", "--to", "2000-12-31")
    assert "keine Fälle ohne vorbestehenden Anspruch" in empty.stdout
