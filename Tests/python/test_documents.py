"""End-to-end checks of the DOCX templates through the `nahtstelle` CLI.

Every document rendered here is opened with python-docx, every XML part parsed strictly with lxml,
and all of them are converted to PDF in one LibreOffice call; the PDF text must contain the values.
"""
import copy
import hashlib
import os
import zipfile

import pytest
from conftest import (SAMPLES, TEMPLATE_NAMES, TEMPLATES, convert_to_pdf, load_sample, pdf_text, render, run_cli)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

SPECIAL = "Müller & <Söhne> \"AG\" 'x'"
CONTROL = "Kon\u0001trol\u0008le\u001f\u000bName"
LONG = ("Langer Text " + "abcdefghij" * 1000)[:10_000]
EMOJI = "Anna 👩‍👧 🇨🇭 ✓"
RTL = "Mariam مرحبا שלום"


def hostile_cases():
    """(name, template, data, strings the PDF must show, strings the DOCX text must hold)."""
    cases = []
    kgs = load_sample("kostengutsprache")

    d = copy.deepcopy(kgs)
    d["person"]["lastName"] = SPECIAL
    d["costApproval"]["measure"] = "Kurs A&B <intensiv> \"Bewerbung\" 'Plus'"
    cases.append(("special", "kostengutsprache", d, [SPECIAL, "Kurs A&B <intensiv>"], [SPECIAL]))

    d = copy.deepcopy(kgs)
    d["person"]["lastName"] = CONTROL
    cases.append(("control", "kostengutsprache", d, ["KontrolleName"], ["KontrolleName"]))

    d = copy.deepcopy(kgs)
    d["costApproval"]["measure"] = LONG
    cases.append(("long", "kostengutsprache", d, ["Langer Text abcdefghij"], [LONG]))

    d = copy.deepcopy(kgs)
    d["person"]["firstName"] = EMOJI
    d["person"]["lastName"] = RTL
    cases.append(("emoji-rtl", "kostengutsprache", d, ["Anna", "Mariam"], [EMOJI, RTL]))

    d = copy.deepcopy(kgs)
    d["costApproval"]["positions"] = []
    d["costApproval"]["total"] = 0
    cases.append(("empty-list", "kostengutsprache", d, ["CHF 0.00", "Es werden keine zusätzlichen Spesen übernommen."], []))

    d = copy.deepcopy(kgs)
    d["costApproval"]["positions"] = [
        {"description": f"Position {i}", "tariff": f"T-{i}", "quantity": 1, "amount": i} for i in range(1, 201)]
    d["costApproval"]["total"] = sum(range(1, 201))
    cases.append(("200-rows", "kostengutsprache", d, ["Position 1 ", "Position 200", "CHF 20'100.00"], ["Position 137"]))

    note = load_sample("gespraechsnotiz-uebergabe")
    d = copy.deepcopy(note)
    d["meeting"]["measures"] = []
    d["meeting"]["situation"] = SPECIAL + "\nZweite Zeile\n\nDritte " + EMOJI
    cases.append(("note-empty-measures", "gespraechsnotiz-uebergabe", d, ["Keine Massnahmen geplant.", "Zweite Zeile", SPECIAL], [SPECIAL]))
    return cases


def build_split_run_fixture(path):
    """A template where Word-like markup splits every placeholder into 2–5 runs."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()

    def run(p, text, bold=False, rsid=None):
        r = p.add_run(text)
        r.bold = bold
        if rsid:
            r._r.set(qn("w:rsidR"), rsid)
        return r

    def marker(p, tag, **attrs):
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        p._p.append(el)

    p = doc.add_paragraph()
    run(p, "Name: {{per", bold=True, rsid="00A11111")
    marker(p, "w:proofErr", **{"w:type": "spellStart"})
    run(p, "son.last", rsid="00B22222")
    marker(p, "w:bookmarkStart", **{"w:id": "11", "w:name": "Marke1"})
    run(p, "Na")
    marker(p, "w:bookmarkEnd", **{"w:id": "11"})
    marker(p, "w:proofErr", **{"w:type": "spellEnd"})
    run(p, "me}}!")

    p = doc.add_paragraph()
    run(p, "Vorname: {{person.")
    marker(p, "w:proofErr", **{"w:type": "gramStart"})
    run(p, "firstName}}")
    marker(p, "w:proofErr", **{"w:type": "gramEnd"})

    p = doc.add_paragraph()
    for i, piece in enumerate(["Geboren {{", "pers", "on.bir", "thDate | da", "tum}}."]):
        run(p, piece, rsid=f"00C3333{i}")
        if i in (1, 3):
            marker(p, "w:bookmarkStart", **{"w:id": str(20 + i), "w:name": f"Marke{20 + i}"})
            marker(p, "w:bookmarkEnd", **{"w:id": str(20 + i)})

    p = doc.add_paragraph()
    run(p, "Betrag: {{amo")
    run(p, "unt | ch", bold=True)
    run(p, "f}}")

    t = doc.add_table(rows=2, cols=2)
    t.rows[0].cells[0].paragraphs[0].add_run("Nr.")
    t.rows[0].cells[1].paragraphs[0].add_run("Massnahme")
    c0 = t.rows[1].cells[0].paragraphs[0]
    run(c0, "{{#ite")
    marker(c0, "w:proofErr", **{"w:type": "spellStart"})
    run(c0, "ms}}{{@n")
    run(c0, "r}}")
    c1 = t.rows[1].cells[1].paragraphs[0]
    run(c1, "{{na")
    marker(c1, "w:bookmarkStart", **{"w:id": "40", "w:name": "ImLoop"})
    run(c1, "me}}{{/it")
    marker(c1, "w:bookmarkEnd", **{"w:id": "40"})
    run(c1, "ems}}")

    header = doc.sections[0].header.paragraphs[0]
    run(header, "Stelle: {{office")
    marker(header, "w:proofErr", **{"w:type": "spellStart"})
    run(header, ".name}}")
    doc.save(path)


SPLIT_DATA = {"person": {"lastName": "Muster-Gashi", "firstName": "Anna", "birthDate": "1984-03-17"}, "amount": 1250.5,
              "items": [{"name": "Kurs A"}, {"name": "Kurs B"}, {"name": "Kurs C"}], "office": {"name": "RAV Wolhusen"}}


@pytest.fixture(scope="session")
def rendered(workdir):
    """Renders everything once and converts all of it to PDF in a single LibreOffice call."""
    out = {"samples": {}, "hostile": {}}
    for name in TEMPLATE_NAMES:
        path = os.path.join(workdir, f"sample-{name}.docx")
        result = render(name, os.path.join(SAMPLES, name + ".json"), path, workdir)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        out["samples"][name] = path
    for case, template, data, pdf_strings, docx_strings in hostile_cases():
        path = os.path.join(workdir, f"hostile-{case}.docx")
        result = render(template, data, path, workdir)
        assert result.returncode == 0, f"{case}: {result.stderr}"
        out["hostile"][case] = (path, pdf_strings, docx_strings)
    fixture = os.path.join(workdir, "split-template.docx")
    build_split_run_fixture(fixture)
    split = os.path.join(workdir, "split-rendered.docx")
    result = render(fixture, SPLIT_DATA, split, workdir)
    assert result.returncode == 0, result.stderr
    out["split"] = split
    paths = list(out["samples"].values()) + [p for p, _, _ in out["hostile"].values()] + [split]
    convert_to_pdf(paths, workdir)
    return out


def flat(text):
    """PDF text with line wraps undone: words separated by single spaces."""
    return " ".join(text.split())


def pdf_of(docx_path):
    return docx_path[:-5] + ".pdf"


def docx_text(path):
    from docx import Document
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def assert_valid_package(path):
    """Opens with python-docx and parses every XML part strictly; no duplicate or directory entries."""
    from docx import Document
    from lxml import etree
    Document(path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert len(names) == len(set(names)), "doppelte Einträge"
        assert not [n for n in names if n.endswith("/")], "Verzeichniseinträge"
        assert "[Content_Types].xml" in names and "word/document.xml" in names
        types = z.read("[Content_Types].xml").decode()
        for name in names:
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(z.read(name))  # raises on malformed XML
            if name.startswith("word/") and name.endswith(".xml") and "/" not in name[5:] and name not in ("word/document.xml",):
                assert ("/" + name) in types or name.endswith((".rels",)) or "Extension=\"xml\"" in types
        body = z.read("word/document.xml").decode()
        assert "{{" not in body, "nicht ersetzte Platzhalter"
        root = etree.fromstring(z.read("word/document.xml"))
        for tc in root.iter(f"{{{W}}}tc"):
            assert tc.findall(f"{{{W}}}p"), "Tabellenzelle ohne Absatz"
        for tbl in root.iter(f"{{{W}}}tbl"):
            assert tbl.findall(f"{{{W}}}tr"), "Tabelle ohne Zeilen"


# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_sample_renders_opens_and_shows_values(rendered, name):
    path = rendered["samples"][name]
    assert_valid_package(path)
    text = flat(pdf_text(pdf_of(path)))
    sample = load_sample(name)
    expected = []
    if "person" in sample:
        expected.append(sample["person"]["lastName"])
    if "sender" in sample:
        expected.append(sample["sender"]["office"]["name"])
    if "document" in sample and name.startswith(("einladung", "entscheid", "vereinbarung", "kostengutsprache")):
        expected.append("24. November 2026" if sample["document"]["date"] == "2026-11-24" else "")
    for value in filter(None, expected):
        assert value in text, f"{name}: «{value}» fehlt im PDF"
    assert "{{" not in text and "ß" not in text


def test_sample_values_formatted_swiss(rendered):
    kgs = flat(pdf_text(pdf_of(rendered["samples"]["kostengutsprache"])))
    for s in ("CHF 1'200.00", "CHF 2'995.50", "11.01.2027 bis 19.03.2027", "Pers-Nr.", "1612589",
              "Mit vorliegender Kostengutsprache bestätigt RAV Wolhusen", "DLZ AA Emmenbrücke"):
        assert s in kgs, s
    alv = flat(pdf_text(pdf_of(rendered["samples"]["vereinbarung-alv"])))
    for s in ("SV-Nr. 756.1234.5678.97", "vom 03.12.2026 bis 31.05.2027", "Sozialamt Hochdorf", "Angaben der versicherten Person"):
        assert s in alv, s
    iv = flat(pdf_text(pdf_of(rendered["samples"]["antragsformular-iv"])))
    for s in ("OPTIMA-IV", "756.1234.5678.97", "17.03.1984", "Schulden / grosse finanzielle Probleme, Fehlende Kinderbetreuung", "6 Monate"):
        assert s in iv, s
    closing = flat(pdf_text(pdf_of(rendered["samples"]["gespraechsnotiz-abschluss"])))
    assert "Auftrag erfolgreich umgesetzt" in closing and "Ziel erreicht" in closing
    status = flat(pdf_text(pdf_of(rendered["samples"]["gespraechsnotiz-standort"])))
    assert "Die Zusammenarbeit wird fortgesetzt" in status and "08.04.2027 10:00" in status
    assert "Abschlussgespräch. Grund" not in status


@pytest.mark.parametrize("case", [c[0] for c in hostile_cases()])
def test_hostile_data_gives_valid_documents(rendered, case):
    path, pdf_strings, docx_strings = rendered["hostile"][case]
    assert_valid_package(path)
    text = docx_text(path)
    for s in docx_strings:
        assert s in text, f"«{s[:40]}» fehlt im DOCX"
    pdf = flat(pdf_text(pdf_of(path)))
    for s in pdf_strings:
        assert flat(s) in pdf, f"«{s[:40]}» fehlt im PDF"


def test_200_rows_and_empty_list_keep_the_table(rendered):
    from docx import Document
    many = Document(rendered["hostile"]["200-rows"][0])
    assert max(len(t.rows) for t in many.tables) == 202  # header + 200 + total
    empty = Document(rendered["hostile"]["empty-list"][0])
    assert max(len(t.rows) for t in empty.tables) >= 2


def test_split_runs_render_and_keep_markup(rendered):
    from lxml import etree
    path = rendered["split"]
    assert_valid_package(path)
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        header = etree.fromstring(z.read("word/header1.xml"))
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in body.iter(f"{{{W}}}p")]
    assert paragraphs[:4] == ["Name: Muster-Gashi!", "Vorname: Anna", "Geboren 17.03.1984.", "Betrag: CHF 1'250.50"]
    # The value sits in the run where the placeholder began, with that run's formatting (bold).
    first_run = body.find(f".//{{{W}}}p/{{{W}}}r")
    assert first_run.find(f"{{{W}}}rPr/{{{W}}}b") is not None
    assert "".join(t.text for t in first_run.iter(f"{{{W}}}t")) == "Name: Muster-Gashi"
    # Bookmarks and proofing marks between the pieces survive.
    names = [b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert {"Marke1", "Marke21", "Marke23"} <= set(names)
    assert len(list(body.iter(f"{{{W}}}proofErr"))) >= 4
    # The loop rows: three copies, bookmark inside renumbered so names and ids stay unique.
    rows = ["|".join("".join(t.text or "" for t in tc.iter(f"{{{W}}}t")) for tc in tr.iter(f"{{{W}}}tc")) for tr in body.iter(f"{{{W}}}tr")]
    assert rows == ["Nr.|Massnahme", "1|Kurs A", "2|Kurs B", "3|Kurs C"]
    loop_marks = [n for n in names if n.startswith("ImLoop")]
    assert len(loop_marks) == 3 and len(set(loop_marks)) == 3
    ids = [b.get(f"{{{W}}}id") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert len(ids) == len(set(ids))
    assert "".join(t.text or "" for t in header.iter(f"{{{W}}}t")) == "Stelle: RAV Wolhusen"
    pdf = flat(pdf_text(pdf_of(path)))
    assert "Name: Muster-Gashi!" in pdf and "Kurs C" in pdf and "RAV Wolhusen" in pdf


def test_same_input_gives_identical_bytes(workdir):
    a, b = os.path.join(workdir, "same-a.docx"), os.path.join(workdir, "same-b.docx")
    for out in (a, b):
        assert render("kostengutsprache", os.path.join(SAMPLES, "kostengutsprache.json"), out, workdir).returncode == 0
    digest = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()  # noqa: E731
    assert digest(a) == digest(b)


def test_missing_data_names_each_field_and_writes_nothing(workdir):
    data = load_sample("kostengutsprache")
    del data["person"]["lastName"]
    del data["costApproval"]["measure"]
    data["costApproval"]["positions"][1].pop("amount")
    out = os.path.join(workdir, "missing.docx")
    result = render("kostengutsprache", data, out, workdir)
    assert result.returncode == 1
    for field in ("person.lastName", "costApproval.measure", "costApproval.positions[2].amount"):
        assert field in result.stderr, result.stderr
    assert not os.path.exists(out)
    assert not [f for f in os.listdir(workdir) if f.startswith("missing")]


def test_shipped_templates_pass_the_checker():
    result = run_cli("templates", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "13 Vorlagen ohne Probleme" in result.stdout


def test_checker_lists_every_problem_with_location(workdir):
    from docx import Document
    doc = Document()
    doc.add_paragraph("Guten Tag {{person.lastNme}}")
    doc.add_paragraph("{{#case.topics}}offen ohne Ende")
    doc.add_paragraph("{{#a}}{{#b}}{{/a}}{{/b}}")
    t1 = doc.add_table(rows=1, cols=1)
    t1.rows[0].cells[0].paragraphs[0].add_run("{{#meeting.measures}}{{name}}")
    doc.add_paragraph("zwischen den Tabellen")
    t2 = doc.add_table(rows=1, cols=1)
    t2.rows[0].cells[0].paragraphs[0].add_run("{{/meeting.measures}}")
    doc.add_paragraph("{{document.date | datumm}}")
    broken = os.path.join(workdir, "kaputt.docx")
    doc.save(broken)
    result = run_cli("templates", "check", "--schema", os.path.join(TEMPLATES, "fields.json"), broken)
    assert result.returncode == 1
    out = result.stdout
    assert "Unbekanntes Feld «person.lastNme» — meinten Sie «person.lastName»?" in out
    assert "wird nie geschlossen" in out
    assert "überkreuzen sich" in out
    assert "Tabelle 1, Zeile 1, Zelle 1" in out and "Tabelle 2, Zeile 1, Zelle 1" in out
    assert "Unbekannter Filter «datumm»" in out
    assert out.count("Behebung:") >= 5
    assert "Absatz 1" in out and "Text: «Guten Tag {{person.lastNme}}»" in out
