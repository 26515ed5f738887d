#!/usr/bin/env python3
"""Builds the starting versions of the Word templates in templates/ (python-docx).

Run once to (re)create them: `python3 scripts/templates/build_templates.py`. After that the
.docx files are the source of truth: coordinators edit them in Word or LibreOffice, and this
script is only for starting over. Everything is formatted through named styles (Briefkopf,
Empfänger, Betreff, Formulartitel, Abschnitt, Feldbezeichnung, Kleingedruckt), not direct
formatting, so a coordinator changes the look in one place.
"""
import os
import sys

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "templates")


# ---------------------------------------------------------------------------------------------
# Styles and page

def setup(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(4.0), Cm(1.8)
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1.0)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1

    def pstyle(name, base="Normal", size=None, bold=False, color=None, before=None, after=None,
               left=None, keep_next=False, italic=False):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = styles[base]
        st.quick_style = True
        if size: st.font.size = Pt(size)
        st.font.bold = bold
        st.font.italic = italic
        if color: st.font.color.rgb = RGBColor.from_string(color)
        pf = st.paragraph_format
        if before is not None: pf.space_before = Pt(before)
        if after is not None: pf.space_after = Pt(after)
        if left is not None: pf.left_indent = Cm(left)
        if keep_next: pf.keep_with_next = True
        return st

    pstyle("Briefkopf", size=8.5, after=0, color="333333")
    pstyle("Briefkopf Stelle", base="Briefkopf", size=10, bold=True, color="000000")
    pstyle("Empfänger", after=0, left=9.0)
    pstyle("Ort Datum", before=18, after=12)
    pstyle("Betreff", size=11, bold=True, after=12, keep_next=True)
    pstyle("Formulartitel", size=15, bold=True, after=4, keep_next=True)
    pstyle("Untertitel", size=10, after=12, color="444444")
    pstyle("Abschnitt", size=11, bold=True, before=8, after=3, keep_next=True, color="1F3864")
    pstyle("Feldbezeichnung", size=9, after=0, color="333333")
    pstyle("Feldwert", after=0)
    pstyle("Aufzählung", left=0.5, after=2)
    pstyle("Kleingedruckt", size=8, after=0, color="444444")
    pstyle("Unterschrift", before=30, after=0)
    pstyle("Fusszeile Text", size=7.5, after=0, color="555555")

    # A table style with thin grey lines, so tables need no direct formatting.
    tbl = styles.add_style("Formulartabelle", WD_STYLE_TYPE.TABLE)
    tbl.base_style = styles["Table Grid"]
    tbl.font.size = Pt(10)
    tblPr = tbl.element.find(qn("w:tblPr"))
    if tblPr is None:
        tblPr = OxmlElement("w:tblPr")
        tbl.element.append(tblPr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "A6A6A6")
        borders.append(el)
    tblPr.append(borders)
    mar = OxmlElement("w:tblCellMar")
    for edge, w in (("top", 40), ("left", 80), ("bottom", 40), ("right", 80)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(w))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblPr.append(mar)

    for style_name, size in (("Heading 1", 14), ("Heading 2", 11)):
        h = styles[style_name]
        h.font.name = "Arial"
        h.font.size = Pt(size)
        h.font.color.rgb = RGBColor(0x1F, 0x38, 0x64)

    # Document properties: no author or generation time baked into the templates.
    cp = doc.core_properties
    cp.author = "Nahtstelle"
    cp.last_modified_by = "Nahtstelle"
    cp.comments = "Vorlage für Nahtstelle; Platzhalter siehe templates/README.md"
    import datetime
    fixed = datetime.datetime(2026, 1, 1, 0, 0, 0)
    cp.created = fixed
    cp.modified = fixed
    cp.revision = 1


def field_code(paragraph, code, placeholder="1"):
    """Appends a Word field (PAGE, NUMPAGES) as a complex field."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar"); begin.set(qn("w:fldCharType"), "begin"); run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText"); instr.set(qn("xml:space"), "preserve"); instr.text = f" {code} "; run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar"); sep.set(qn("w:fldCharType"), "separate"); run._r.append(sep)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar"); end.set(qn("w:fldCharType"), "end"); run._r.append(end)


def letterhead(doc, office="sender.office", advisor="sender.advisor", footer_note=None):
    """Header: the sending office's block; footer: page x of y."""
    section = doc.sections[0]
    header = section.header
    p = header.paragraphs[0]
    p.style = doc.styles["Briefkopf Stelle"]
    p.add_run("{{%s.name}}" % office)
    # One paragraph with line breaks (Shift+Enter in Word): optional lines leave no gap.
    hp = header.add_paragraph(style="Briefkopf")
    hp.add_run("{{#%s.department}}{{%s.department}}\n{{/%s.department}}" % (office, office, office)
               + "{{%s.street}}\n{{%s.postalCode}} {{%s.city}}" % (office, office, office)
               + "{{#%s.phone}}\nTelefon {{%s.phone}}{{/%s.phone}}" % (office, office, office)
               + "{{#%s.email}}\n{{%s.email}}{{/%s.email}}" % (office, office, office))
    footer = section.footer
    fp = footer.paragraphs[0]
    fp.style = doc.styles["Fusszeile Text"]
    fp.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT)
    fp.add_run(footer_note or "OPTIMA – klientenorientierte Fallführung")
    fp.add_run("\tSeite ")
    field_code(fp, "PAGE")
    fp.add_run(" von ")
    field_code(fp, "NUMPAGES")


def recipient_block(doc):
    """The address for the window envelope (right), one paragraph with line breaks."""
    first(doc, "{{recipient.line1}}{{#recipient.line2}}\n{{recipient.line2}}{{/recipient.line2}}\n"
               "{{recipient.street}}\n{{recipient.postalCode}} {{recipient.city}}", "Empfänger")


def para(doc, text, style="Normal"):
    return doc.add_paragraph(text, style=style)


def block(doc, open_tag, texts, close_tag, style="Normal"):
    """A section as whole paragraphs: the tag-only paragraphs vanish, so no empty line stays behind."""
    para(doc, open_tag, style)
    for text in texts:
        para(doc, text, style)
    para(doc, close_tag, style)


def table(doc, rows, widths=(5.5, 11.0), header=None):
    """A label/value table; rows are (label, value) or full rows when header is given."""
    cols = len(widths)
    t = doc.add_table(rows=0, cols=cols)
    t.style = doc.styles["Formulartabelle"]
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    if header:
        cells = t.add_row().cells
        for i, text in enumerate(header):
            cells[i].paragraphs[0].style = doc.styles["Feldbezeichnung"]
            r = cells[i].paragraphs[0].add_run(text)
            r.bold = True
        mark_header_row(t.rows[0])
    for row in rows:
        cells = t.add_row().cells
        for i, text in enumerate(row):
            style = "Feldbezeichnung" if (header is None and i == 0) else "Feldwert"
            cells[i].paragraphs[0].style = doc.styles[style]
            cells[i].paragraphs[0].add_run(text)
    t.autofit = False
    for i, w in enumerate(widths):
        t.columns[i].width = Cm(w)
    for row in t.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Cm(w)
    doc.add_paragraph(style="Kleingedruckt")  # keeps tables apart; Word needs a paragraph between them
    return t


def keep_together(t):
    """The signature block stays on one page: rows do not split and each row keeps with the next."""
    for row in t.rows:
        trPr = row._tr.get_or_add_trPr()
        trPr.append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def mark_header_row(row):
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trPr.append(el)


def signature(doc, lines):
    para(doc, "Freundliche Grüsse")
    p = para(doc, lines[0], "Unterschrift")
    for line in lines[1:]:
        para(doc, line, "Feldwert")


def save(doc, name):
    """Saves with fixed entry timestamps, so rebuilding gives the same bytes (clean git diffs)."""
    import io
    import zipfile
    path = os.path.join(OUT, name + ".docx")
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    print("wrote", os.path.relpath(path))


def new_document(footer_note=None, office="sender.office"):
    doc = Document()
    setup(doc)
    letterhead(doc, office=office, footer_note=footer_note)
    # python-docx starts with one empty paragraph: use it.
    return doc


def first(doc, text, style):
    p = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    p.style = doc.styles[style]
    p.add_run(text)
    return p


# ---------------------------------------------------------------------------------------------
# Antragsformular (1-RAV, 1-IV, 1-SH)

def person_rows():
    return [
        ("Name, Vorname", "{{person.lastName}}, {{person.firstName}}"),
        ("Geburtsdatum", "{{person.birthDate | datum}}"),
        ("Adresse", "{{person.address.street}}, {{person.address.postalCode}} {{person.address.city}}"),
        ("AHV-Nummer", "{{person.ahvNumber | ahv}}"),
        ("Pers-Nr.", "{{person.persNr | sonst \"–\"}}"),
        ("Telefon", "{{person.phone | sonst \"–\"}}"),
    ]


def antrag(kind):
    titles = {"rav": ("1-RAV", "OPTIMA-ALV", "das RAV"), "iv": ("1-IV", "OPTIMA-IV", "die IV-Stelle"),
              "sh": ("1-SH", "OPTIMA-SH", "den Sozialdienst / das SoBZ")}
    form, process, target = titles[kind]
    doc = new_document(footer_note=f"Antragsformular {form} · {process}")
    first(doc, f"Antragsformular {process}", "Formulartitel")
    para(doc, f"Formular {form}: Antrag auf Übergabe der Fallführung an {target}", "Untertitel")
    para(doc, "{{#document.reference}}Geschäftsnummer: {{document.reference}}{{/document.reference}}", "Feldwert")

    para(doc, "1. Antragstellende (zuweisende) Stelle", "Abschnitt")
    table(doc, [
        ("Stelle", "{{referrer.office.name}}"),
        ("Adresse", "{{referrer.office.street}}, {{referrer.office.postalCode}} {{referrer.office.city}}"),
        ("Fallführer:in", "{{referrer.advisor.firstName}} {{referrer.advisor.lastName}}"),
        ("Telefon / E-Mail", "{{referrer.advisor.phone | sonst \"–\"}} / {{referrer.advisor.email | sonst \"–\"}}"),
    ])
    para(doc, "2. Aufnehmende Stelle (OPTIMA-Stelle)", "Abschnitt")
    table(doc, [
        ("Stelle", "{{receiver.office.name}}"),
        ("Adresse", "{{receiver.office.street}}, {{receiver.office.postalCode}} {{receiver.office.city}}"),
    ])
    para(doc, "3. Angaben zur Person", "Abschnitt")
    table(doc, person_rows())

    para(doc, "4. Anhängigkeit der Person bei den Stellen", "Abschnitt")
    status_rows = [
        ("In der Sozialberatung eines Sozialdiensts / SoBZ", "{{status.socialCounselling}}"),
        ("Bezieht wirtschaftliche Sozialhilfe", "{{status.socialAssistance}}"),
        ("Beim RAV als stellensuchend gemeldet", "{{status.ravRegistered}}"),
        ("Bezieht Leistungen der Arbeitslosenversicherung", "{{status.receivesAle}}"),
        ("IV-Verfahren", "{{status.ivProcedure}}"),
        ("IV-Eingliederungsmassnahmen laufen", "{{status.ivMeasuresRunning}}"),
        ("Rechtsmittelverfahren bei der IV", "{{status.ivLegalProceedings}}"),
        ("Letzte IV-Ablehnung", "{{status.ivLastRejection | sonst \"keine\"}}"),
    ]
    if kind == "rav":
        # OPTIMA-ALV condition 3: recorded on form 1-RAV, not inferred.
        status_rows.insert(5, ("IV-Anspruchsabklärungen laufen", "{{status.ivClarificationRunning | sonst \"nicht erfasst\"}}"))
    table(doc, status_rows, widths=(9.0, 7.5))

    para(doc, "5. Aufnahmebedingungen " + process, "Abschnitt")
    if kind == "rav":
        rows = [
            ("Intaktes Arbeitsangebot (vermittlungsfähig, Sekundärtugenden)", "{{status.intactLabourOffer | sonst \"unbekannt\"}}"),
            ("Arbeitsausfall (höchstens 80 %)", "{{status.workLossPercent | sonst \"–\"}}"),
            ("IV-Rentenfrage geklärt", "{{status.ivPensionSettled | sonst \"unbekannt\"}}"),
            ("Meldet sich beim zuständigen RAV (wieder) an", "{{status.reRegistrationAgreed | sonst \"unbekannt\"}}"),
            ("In den letzten 6 Monaten beim RAV angemeldet", "{{status.ravRegisteredLast6Months | sonst \"nicht erfasst\"}}"),
            ("Person kann und will arbeiten", "{{status.canAndWillWork | sonst \"unbekannt\"}}"),
        ]
        note = "Die Person muss sich beim zuständigen RAV (wieder) anmelden."
    elif kind == "iv":
        rows = [
            ("Intaktes Arbeitsangebot", "{{status.intactLabourOffer | sonst \"unbekannt\"}}"),
            ("Erachtet sich als arbeitsfähig und arbeitswillig", "{{status.canAndWillWork | sonst \"unbekannt\"}}"),
            ("Hoher Unterstützungsbedarf / gesundheitlich erschwerter Zugang", "{{status.highSupportNeed | sonst \"unbekannt\"}}"),
            ("IV-relevanter Gesundheitsschaden vermutet", "{{status.ivHealthDamageSuspected}}"),
        ]
        note = "Eine frühere IV-Ablehnung muss mehr als ein Jahr zurückliegen. Innerhalb von OPTIMA werden keine gesundheitlichen Abklärungen gemacht."
    else:
        rows = [
            ("Soziale Schwierigkeiten, die der Arbeitsintegration im Weg stehen", "{{case.socialDifficulties | sonst \"–\"}}"),
            ("Anspruch auf persönliche Sozialhilfe bei der aufnehmenden Stelle", "{{status.personalHelpEntitled | sonst \"unbekannt\"}}"),
        ]
        note = "Bei Übergabe vom RAV unterzeichnet die Person im Übergabegespräch die Vereinbarung ALV."
    table(doc, rows, widths=(9.0, 7.5))
    para(doc, note, "Kleingedruckt")

    para(doc, "6. Auftrag", "Abschnitt")
    table(doc, [
        ("Ziel der Übergabe", "{{case.goal}}"),
        ("Themen", "{{case.topics | sonst \"–\"}}"),
        ("Geplante Dauer", "{{case.durationMonths}} Monate"),
        ("Zielgruppe", "{{case.targetGroup | sonst \"–\"}}"),
        ("Bemerkungen", "{{case.remarks | sonst \"–\"}}"),
    ])
    para(doc, "7. Einverständnis der Person", "Abschnitt")
    table(doc, [
        ("Einverstanden mit der Übergabe der Fallführung", "{{consent.handover}}"),
        ("Einverstanden mit dem Datenaustausch zwischen den Stellen", "{{consent.dataExchange}}"),
    ], widths=(9.0, 7.5))
    para(doc, "Die Teilnahme an OPTIMA ist freiwillig.", "Kleingedruckt")
    para(doc, "{{document.place}}, {{document.date | datum}}", "Ort Datum")
    para(doc, "{{referrer.advisor.firstName}} {{referrer.advisor.lastName}}, {{referrer.office.name}}", "Feldwert")
    save(doc, f"antragsformular-{kind}")


# ---------------------------------------------------------------------------------------------
# Kostengutsprache (form 2)

def kostengutsprache():
    doc = new_document(footer_note="Formular 2 · Kostengutsprache OPTIMA")
    first(doc, "{{payingOffice.office.name}}{{#payingOffice.contact}}\nz. H. {{firstName}} {{lastName}}{{/payingOffice.contact}}\n"
               "{{payingOffice.office.street}}\n{{payingOffice.office.postalCode}} {{payingOffice.office.city}}", "Empfänger")
    para(doc, "{{document.place}}, {{document.date | datumlang}}", "Ort Datum")
    para(doc, "Kostengutsprache", "Formulartitel")
    para(doc, "{{#document.reference}}Geschäftsnummer {{document.reference}}{{/document.reference}}", "Untertitel")
    para(doc, "Mit vorliegender Kostengutsprache bestätigt {{payingOffice.office.name}}, die untenstehenden Kosten gemäss der Massnahmenplanung zu übernehmen.")
    # Form 2 of each paying office type: the legal basis and tariff differ (concept Kap. 3.2.1–3.2.3).
    block(doc, "{{#payingOffice.office.kind == \"RAV\"}}", ["Die Kosten gehen zulasten der Arbeitslosenversicherung (arbeitsmarktliche Massnahme gemäss AVIG)."], "{{/payingOffice.office.kind}}")
    block(doc, "{{#payingOffice.office.kind == \"IV\"}}", ["Die Kosten gehen zulasten der Invalidenversicherung (Eingliederungsmassnahme gemäss IVG); die IV-Stelle erteilt die Kostengutsprache nur, solange kein paralleler Anspruch bei der Arbeitslosenversicherung besteht."], "{{/payingOffice.office.kind}}")
    block(doc, "{{#payingOffice.office.kind == \"SD\"}}", ["Die Kosten gehen zulasten der Sozialhilfe (Massnahme gemäss SHG) der zuständigen Sozialbehörde."], "{{/payingOffice.office.kind}}")

    para(doc, "Teilnehmende Person und Massnahme", "Abschnitt")
    table(doc, [
        ("Name, Vorname", "{{person.lastName}}, {{person.firstName}}"),
        ("Adresse", "{{person.address.street}}, {{person.address.postalCode}} {{person.address.city}}"),
        ("Pers-Nr.", "{{person.persNr | sonst \"–\"}}"),
        ("Massnahme", "{{costApproval.measure}}"),
        ("Dauer", "{{costApproval.from | datum}} bis {{costApproval.to | datum}}"),
        ("Anbieter", "{{costApproval.provider}}{{#costApproval.providerAddress}}, {{costApproval.providerAddress}}{{/costApproval.providerAddress}}"),
    ])
    para(doc, "Kosten (gemäss {{#payingOffice.office.kind == \"RAV\"}}Tarifliste DLZ AA{{/payingOffice.office.kind}}"
              "{{#payingOffice.office.kind == \"IV\"}}Tarif der IV-Stelle{{/payingOffice.office.kind}}"
              "{{#payingOffice.office.kind == \"SD\"}}Tarif der Sozialhilfe{{/payingOffice.office.kind}})", "Abschnitt")
    t = table(doc, [
        ("{{#costApproval.positions}}{{@nr}}", "{{description}}", "{{tariff | sonst \"–\"}}", "{{quantity | sonst \"–\"}}", "{{amount | chf}}{{/costApproval.positions}}"),
        ("", "Total", "", "", "{{costApproval.total | chf}}"),
    ], widths=(1.0, 7.0, 3.0, 1.8, 3.7), header=("Nr.", "Position", "Tarif", "Anzahl", "Betrag"))
    for row in t.rows:
        row.cells[4].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    t.rows[-1].cells[1].paragraphs[0].runs[0].bold = True
    t.rows[-1].cells[4].paragraphs[0].runs[0].bold = True

    para(doc, "Es werden keine zusätzlichen Spesen übernommen.")
    para(doc, "Bei Einverständnis bitten wir Sie, die unterzeichnete Kostengutsprache innerhalb von {{costApproval.returnDays | sonst \"10\"}} Tagen an {{sender.office.name}} zu retournieren.")
    para(doc, "Zahlende Stelle", "Abschnitt")
    sig = table(doc, [
        ("Stelle", "{{payingOffice.office.name}}"),
        ("Name, Vorname", "{{costApproval.decidedBy | sonst \"\"}}"),
        ("Datum", "{{costApproval.decidedAt | sonst \"\"}}"),
        ("Unterschrift", ""),
    ])
    sig.rows[-1].height = Cm(1.4)
    keep_together(sig)
    para(doc, "Antrag gestellt von: {{sender.advisor.firstName}} {{sender.advisor.lastName}}, {{sender.office.name}}{{#sender.advisor.phone}}, Telefon {{sender.advisor.phone}}{{/sender.advisor.phone}}", "Kleingedruckt")
    para(doc, "Kopie geht nach Erhalt der Unterzeichnung an: Dossier{{#payingOffice.office.kind == \"RAV\"}}, DLZ AA Emmenbrücke{{/payingOffice.office.kind}}", "Kleingedruckt")
    save(doc, "kostengutsprache")


# ---------------------------------------------------------------------------------------------
# Vereinbarung ALV

def vereinbarung_alv():
    doc = new_document(footer_note="Vereinbarung ALV · OPTIMA-SH")
    recipient_block(doc)
    para(doc, "{{document.place}}, {{document.date | datumlang}}", "Ort Datum")
    para(doc, "Vereinbarung / ALV", "Betreff")
    para(doc, "Pers-Nr. {{person.persNr}}    SV-Nr. {{person.ahvNumber | ahv}}", "Feldwert")
    para(doc, "")
    para(doc, "{{salutation}}")
    para(doc, "Gemäss Anmeldeformular «{{agreement.registrationForm | sonst \"Zusammenarbeit RAV – Sozialberatung\"}}» werden Sie im Zeitraum "
              "vom {{agreement.from | datum}} bis {{agreement.to | datum}} vom {{agreement.socialOffice}} unterstützt. Während dieser Dauer "
              "sind Sie von der Kontrollpflicht bzw. von der Stellensuche befreit. Für allfällige Massnahmen werden in diesem "
              "Zeitraum keine Reisekosten oder Spesen vergütet.")
    para(doc, "Arbeitsunfähigkeit in Form von Krankheit oder Unfall sowie andere Abwesenheiten müssen Ihrer zuständigen "
              "RAV-Beratungsperson weiterhin umgehend gemeldet werden.")
    para(doc, "Damit der Bezug Ihrer Taggelder weiterhin gewährleistet ist, müssen Sie monatlich das Formular «Angaben der "
              "versicherten Person» ausfüllen und dem zuständigen Gemeindearbeitsamt einreichen. Bitte beachten Sie, dass Punkt 3 auf dem Formular «Angaben der "
              "versicherten Person» jeweils wie folgt auszufüllen ist:")
    para(doc, "3. Haben Sie an einer arbeitsmarktlichen Massnahme teilgenommen?  Antwort: Nein", "Aufzählung")
    para(doc, "Alle anderen Angaben auf dem Formular sind wie bis anhin individuell zu beantworten.")
    signature(doc, ["{{sender.advisor.firstName}} {{sender.advisor.lastName}}",
                    "{{sender.advisor.function | sonst \"Personalberatung\"}}",
                    "{{#sender.advisor.phone}}Tel. direkt {{sender.advisor.phone}}{{/sender.advisor.phone}}",
                    "{{#sender.advisor.email}}{{sender.advisor.email}}{{/sender.advisor.email}}"])
    para(doc, "Datum und Unterschrift der versicherten Person:", "Unterschrift")
    para(doc, "", "Feldwert")
    para(doc, "_______________________________________________", "Feldwert")
    para(doc, "Kopie an die zuständige Arbeitslosenkasse: {{agreement.unemploymentFund}}", "Kleingedruckt")
    save(doc, "vereinbarung-alv")


# ---------------------------------------------------------------------------------------------
# Gesprächsnotizen

def meeting_head(doc, title):
    first(doc, title, "Formulartitel")
    para(doc, "{{case.process}} · {{person.firstName}} {{person.lastName}}, geboren {{person.birthDate | datum}}", "Untertitel")
    table(doc, [
        ("Datum, Zeit", "{{meeting.at | datumzeit}}"),
        ("Ort", "{{meeting.place}}"),
        ("Zuweisende Stelle", "{{referrer.office.name}} ({{referrer.advisor.firstName}} {{referrer.advisor.lastName}})"),
        ("Aufnehmende Stelle", "{{receiver.office.name}}"),
    ])
    para(doc, "Teilnehmende", "Abschnitt")
    table(doc, [("{{#meeting.participants}}{{name}}", "{{role}}", "{{office | sonst \"–\"}}{{/meeting.participants}}")],
          widths=(5.5, 5.5, 5.5), header=("Name", "Rolle", "Stelle"))


def measures_table(doc):
    block(doc, "{{^meeting.measures}}", ["Keine Massnahmen geplant."], "{{/meeting.measures}}")
    para(doc, "{{?meeting.measures}}")
    table(doc, [("{{#meeting.measures}}{{name}}", "{{provider | sonst \"–\"}}",
                 "{{#from}}{{from | datum}} – {{to | datum}}{{/from}}", "{{needsCostApproval | janein | sonst \"–\"}}{{/meeting.measures}}")],
          widths=(5.5, 4.5, 4.0, 2.5), header=("Massnahme", "Anbieter", "Zeitraum", "KGS"))
    para(doc, "{{/meeting.measures}}")


def agreement_block(doc):
    para(doc, "Zustimmung", "Abschnitt")
    para(doc, "{{#meeting.allAgree}}Alle Teilnehmenden haben den Inhalten dieser Gesprächsnotiz am Ende des Gesprächs zugestimmt. "
              "Die Notiz wird nicht unterschrieben.{{/meeting.allAgree}}{{^meeting.allAgree}}Nicht alle Teilnehmenden haben der "
              "Gesprächsnotiz zugestimmt.{{/meeting.allAgree}}")
    para(doc, "Verfasst von {{meeting.author.firstName}} {{meeting.author.lastName}}, {{receiver.office.name}}, am {{document.date | datum}}", "Kleingedruckt")


def notiz_uebergabe():
    doc = new_document(footer_note="Gesprächsnotiz Übergabegespräch · OPTIMA")
    meeting_head(doc, "Gesprächsnotiz Übergabegespräch")
    para(doc, "Ausgangslage und bisherige Aktivitäten", "Abschnitt")
    para(doc, "{{meeting.situation}}")
    para(doc, "Beginn der Fallarbeit", "Abschnitt")
    para(doc, "{{meeting.caseWorkStart | datum | sonst \"mit dem heutigen Gespräch\"}}")
    para(doc, "Eingliederungsstrategie", "Abschnitt")
    para(doc, "{{meeting.strategy | sonst \"–\"}}")
    para(doc, "Geplante Massnahmen", "Abschnitt")
    measures_table(doc)
    block(doc, "{{#meeting.costApprovalRequested}}", ["Für die sofort einzuleitende Massnahme wird bei der zuweisenden Stelle eine Kostengutsprache angefordert."], "{{/meeting.costApprovalRequested}}")
    para(doc, "{{#case.process != \"SH\"}}")
    para(doc, "Erklärung der Person", "Abschnitt")
    block(doc, "{{#meeting.canAndWillWork}}", ["{{person.firstName}} {{person.lastName}} erklärt ausdrücklich, arbeiten zu können und arbeiten zu wollen."], "{{/meeting.canAndWillWork}}")
    block(doc, "{{^meeting.canAndWillWork}}", ["Die Person hat nicht erklärt, arbeiten zu können und zu wollen. Ohne diese Erklärung wird die Übergabe nicht wirksam."], "{{/meeting.canAndWillWork}}")
    para(doc, "{{/case.process}}")
    para(doc, "Nächstes Standortgespräch", "Abschnitt")
    para(doc, "{{meeting.nextMeetingAt | datumzeit | sonst \"wird noch vereinbart\"}}")
    agreement_block(doc)
    save(doc, "gespraechsnotiz-uebergabe")


def notiz_standort():
    doc = new_document(footer_note="Gesprächsnotiz Standortgespräch · OPTIMA")
    meeting_head(doc, "Gesprächsnotiz Standortgespräch")
    para(doc, "Stand und Zielerreichung", "Abschnitt")
    para(doc, "{{meeting.situation}}")
    para(doc, "Weitere Massnahmen", "Abschnitt")
    measures_table(doc)
    para(doc, "Entscheid über die Fortsetzung", "Abschnitt")
    block(doc, "{{#meeting.decision == \"continue\"}}", ["Die Zusammenarbeit wird fortgesetzt. Nächstes Standortgespräch: {{meeting.nextMeetingAt | datumzeit}}."], "{{/meeting.decision}}")
    block(doc, "{{#meeting.decision == \"close\"}}", ["Die Zusammenarbeit wird abgeschlossen; dieses Gespräch ist das Abschlussgespräch. Grund: {{meeting.closingReason}}."], "{{/meeting.decision}}")
    para(doc, "Notizen", "Abschnitt")
    para(doc, "{{meeting.note | sonst \"–\"}}")
    agreement_block(doc)
    save(doc, "gespraechsnotiz-standort")


def notiz_abschluss():
    doc = new_document(footer_note="Gesprächsnotiz Abschlussgespräch · OPTIMA")
    meeting_head(doc, "Gesprächsnotiz Abschlussgespräch")
    para(doc, "Stand und Zielerreichung", "Abschnitt")
    para(doc, "{{meeting.situation}}")
    para(doc, "Abschluss", "Abschnitt")
    table(doc, [
        ("Grund des Abschlusses", "{{meeting.closingReason}}"),
        ("Ergebnis", "{{meeting.outcome}}"),
        ("Dauer der Übergabe", "{{case.durationMonths}} Monate geplant{{#case.plannedEnd}}, bis {{case.plannedEnd | datum}}{{/case.plannedEnd}}"),
    ])
    para(doc, "Übergebene Unterlagen an die zuweisende Stelle", "Abschnitt")
    para(doc, "{{meeting.documents | sonst \"keine\"}}")
    para(doc, "Es wird kein Schlussbericht erstellt. Die zuweisende Stelle nimmt ihr Standardverfahren wieder auf.", "Kleingedruckt")
    para(doc, "Notizen", "Abschnitt")
    para(doc, "{{meeting.note | sonst \"–\"}}")
    agreement_block(doc)
    save(doc, "gespraechsnotiz-abschluss")


# ---------------------------------------------------------------------------------------------
# Letters

def einladung():
    doc = new_document(footer_note="Einladung · OPTIMA")
    recipient_block(doc)
    para(doc, "{{document.place}}, {{document.date | datumlang}}", "Ort Datum")
    para(doc, "Einladung zum {{meeting.kind}}", "Betreff")
    para(doc, "{{salutation}}")
    # Each variant is a block: the paragraphs holding only {{#…}} / {{/…}} disappear from the letter.
    para(doc, "{{#meeting.kind == \"handover\"}}")
    para(doc, "Wie mit Ihnen besprochen, übernimmt {{receiver.office.name}} für eine begrenzte Zeit die Begleitung "
              "auf Ihrem Weg zurück in die Arbeitswelt. Im Übergabegespräch lernen Sie Ihre neue Ansprechperson kennen und wir "
              "besprechen gemeinsam Ihre Situation, die nächsten Schritte und allfällige Massnahmen.")
    para(doc, "{{/meeting.kind}}")
    para(doc, "{{#meeting.kind == \"status\"}}")
    para(doc, "Gerne möchten wir mit Ihnen besprechen, wie es Ihnen seit unserem letzten Gespräch ergangen ist, "
              "welche Ziele erreicht sind und wie es weitergeht.")
    para(doc, "{{/meeting.kind}}")
    para(doc, "Wir laden Sie herzlich ein:")
    t = table(doc, [
        ("Datum, Zeit", "{{meeting.at | datumzeit}} Uhr"),
        ("Ort", "{{meeting.place}}{{#meeting.placeAddress}}, {{meeting.placeAddress}}{{/meeting.placeAddress}}"),
        ("Dauer", "{{meeting.duration | sonst \"ca. 60 Minuten\"}}"),
        ("Teilnehmende", "{{#meeting.participants}}"),
    ])
    # One paragraph per participant inside the cell.
    cell = t.rows[-1].cells[1]
    cell.add_paragraph("{{name}} ({{role}})", style="Feldwert")
    cell.add_paragraph("{{/meeting.participants}}", style="Feldwert")
    para(doc, "Bitte bringen Sie Ihre aktuellen Unterlagen mit. Sollten Sie den Termin nicht wahrnehmen können, melden Sie sich bitte "
              "umgehend bei uns. Die Teilnahme an OPTIMA ist freiwillig.")
    signature(doc, ["{{sender.advisor.firstName}} {{sender.advisor.lastName}}",
                    "{{sender.advisor.function | sonst \"\"}}",
                    "{{#sender.advisor.phone}}Telefon {{sender.advisor.phone}}{{/sender.advisor.phone}}"])
    save(doc, "einladung-gespraech")


def einladung_zuweisende_stelle():
    doc = new_document(footer_note="Einladung Standortgespräch · OPTIMA")
    recipient_block(doc)
    para(doc, "{{document.place}}, {{document.date | datumlang}}", "Ort Datum")
    para(doc, "Einladung zum gemeinsamen Standortgespräch – {{person.firstName}} {{person.lastName}} ({{document.reference}})", "Betreff")
    para(doc, "{{salutation}}")
    para(doc, "Im Rahmen von OPTIMA führt {{receiver.office.name}} die Fallführung für {{person.firstName}} {{person.lastName}}. "
              "Wir laden Sie als zuweisende Stelle zum gemeinsamen Standortgespräch ein. Wir besprechen den Stand und die "
              "Zielerreichung, weitere Massnahmen und entscheiden gemeinsam über die Weiterführung.")
    t = table(doc, [
        ("Datum, Zeit", "{{meeting.at | datumzeit}} Uhr"),
        ("Ort", "{{meeting.place}}{{#meeting.placeAddress}}, {{meeting.placeAddress}}{{/meeting.placeAddress}}"),
        ("Dauer", "{{meeting.duration | sonst \"ca. 60 Minuten\"}}"),
        ("Teilnehmende", "{{#meeting.participants}}"),
    ])
    cell = t.rows[-1].cells[1]
    cell.add_paragraph("{{name}} ({{role}})", style="Feldwert")
    cell.add_paragraph("{{/meeting.participants}}", style="Feldwert")
    para(doc, "Ist der Termin für Sie nicht möglich oder wünschen Sie aus wichtigen Gründen ein zusätzliches Gespräch, melden Sie "
              "sich bitte bei uns.")
    signature(doc, ["{{sender.advisor.firstName}} {{sender.advisor.lastName}}",
                    "{{sender.advisor.function | sonst \"\"}}",
                    "{{#sender.advisor.phone}}Telefon {{sender.advisor.phone}}{{/sender.advisor.phone}}"])
    save(doc, "einladung-zuweisende-stelle")


def abrechnung_fallpauschalen():
    doc = new_document(footer_note="Abrechnung Fallpauschalen · OPTIMA")
    recipient_block(doc)
    para(doc, "{{document.place}}, {{document.date | datumlang}}", "Ort Datum")
    para(doc, "Abrechnung Fallpauschalen OPTIMA – {{billing.period}}", "Betreff")
    para(doc, "{{salutation}}")
    para(doc, "Gemäss Konzept OPTIMA (Modell A) stellen wir Ihnen für die in Ihrem Auftrag geführten OPTIMA-Fälle ohne "
              "vorbestehenden Anspruch bei uns die monatliche Fallpauschale von {{billing.rate | chf}} pro Fall in Rechnung. "
              "Die Kosten von Massnahmen sind nicht enthalten (Kostengutsprachen).")
    t = table(doc, [
        ("{{#billing.lines}}{{caseId}}", "{{person}}", "{{amount | chf}}{{/billing.lines}}"),
        ("", "Total ({{billing.count}} Fälle)", "{{billing.total | chf}}"),
    ], widths=(4.0, 8.5, 4.0), header=("Fall", "Person", "Fallpauschale"))
    for row in t.rows:
        row.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    t.rows[-1].cells[1].paragraphs[0].runs[0].bold = True
    t.rows[-1].cells[2].paragraphs[0].runs[0].bold = True
    para(doc, "Zahlbar innert 30 Tagen. Bei Fragen wenden Sie sich bitte an die OPTIMA-Kontaktperson.")
    signature(doc, ["{{sender.office.name}}"])
    save(doc, "abrechnung-fallpauschalen")


def entscheid(accepted):
    name = "entscheid-annahme" if accepted else "entscheid-ablehnung"
    doc = new_document(footer_note="Mitteilung zum OPTIMA-Antrag")
    recipient_block(doc)
    para(doc, "{{document.place}}, {{document.date | datumlang}}", "Ort Datum")
    if accepted:
        para(doc, "OPTIMA-Antrag angenommen: {{person.firstName}} {{person.lastName}}, geboren {{person.birthDate | datum}}", "Betreff")
    else:
        para(doc, "OPTIMA-Antrag abgelehnt: {{person.firstName}} {{person.lastName}}, geboren {{person.birthDate | datum}}", "Betreff")
    para(doc, "{{salutation}}")
    if accepted:
        para(doc, "Besten Dank für Ihren Antrag vom {{case.submittedAt | datum | sonst \"–\"}} ({{case.process}}). Wir haben ihn geprüft und "
                  "übernehmen die Fallführung gerne für die geplante Dauer von {{case.durationMonths}} Monaten.")
        para(doc, "{{#receiver.advisor}}Zuständig ist bei uns {{firstName}} {{lastName}}{{#phone}}, Telefon {{phone}}{{/phone}}{{#email}}, {{email}}{{/email}}.{{/receiver.advisor}}")
        para(doc, "{{decision.nextStep | sonst \"Bitte organisieren Sie das Übergabegespräch mit der Person, Ihnen und uns und laden Sie die Person dazu ein.\"}}")
    else:
        para(doc, "Besten Dank für Ihren Antrag vom {{case.submittedAt | datum | sonst \"–\"}} ({{case.process}}). Nach sorgfältiger Prüfung "
                  "können wir die Fallführung nicht übernehmen.")
        para(doc, "Grund: {{decision.reason}}.")
        block(doc, "{{#decision.text}}", ["{{decision.text}}"], "{{/decision.text}}")
        para(doc, "Die Fallführung bleibt bei Ihrer Stelle; Sie setzen Ihr Standardverfahren fort. Für Rückfragen stehen wir Ihnen gerne zur Verfügung.")
    signature(doc, ["{{sender.advisor.firstName}} {{sender.advisor.lastName}}",
                    "{{sender.advisor.function | sonst \"OPTIMA-Kontaktperson\"}}"])
    save(doc, name)


def main():
    os.makedirs(OUT, exist_ok=True)
    for kind in ("rav", "iv", "sh"):
        antrag(kind)
    kostengutsprache()
    vereinbarung_alv()
    notiz_uebergabe()
    notiz_standort()
    notiz_abschluss()
    einladung()
    einladung_zuweisende_stelle()
    abrechnung_fallpauschalen()
    entscheid(True)
    entscheid(False)


if __name__ == "__main__":
    sys.exit(main())
