#!/usr/bin/env python3
"""Writes the six OPTIMA workflow definitions to workflows/*.bpmn (XML + BPMN DI).

    python3 scripts/workflows/generate.py            # write workflows/*.bpmn
    python3 scripts/workflows/generate.py --check    # fail if a file differs from what would be written

Standard library only; the output is deterministic. The files are the product: a coordinator may
also edit them in Camunda Modeler, after which this script is only a starting point (see
workflows/README.md). Stable ids (user tasks, end events, messages) are part of the API contract.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bpmnlib import Process, col_x  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "workflows")

TFE = 'xsi:type="bpmn:tFormalExpression"'

REFERRER = dict(role="advisor", office="=referrerOffice", assignee="=referrerAdvisor")
RECEIVER_ADVISOR = dict(role="advisor", office="=receiverOffice", assignee="=advisor")
RECEIVER_CONTACT = dict(role="optima-contact", office="=receiverOffice")
SIGNATORY = dict(role="signatory", office="=payingOffice")


def wd(n):
    """Due date n Lucerne working days after the task is created."""
    return "=add working days(today(), %d)" % n


def user_task(p, node_id, name, col, row, who, form=None, due=None, documents=None, doc=None, parent=None):
    ext = dict(who)
    ext.update(form=form, due=due, documents=documents)
    n = p.add("userTask", node_id, name, col, row, parent=parent, ext=ext)
    n.doc = doc
    return n


def document_task(p, node_id, name, col, row, template, parent=None):
    return p.add("serviceTask", node_id, name, col, row, parent=parent,
                 ext={"handler": "generate-document", "template": template})


def notify_task(p, node_id, name, col, row, to, parent=None):
    return p.add("serviceTask", node_id, name, col, row, parent=parent, ext={"handler": "notify", "to": to})



def with_message(node, msg_id):
    node.body.append('<bpmn:messageEventDefinition id="%s-message" messageRef="%s" />' % (node.id, msg_id))
    return node


def with_timer(node, kind, expr):
    node.body.append('<bpmn:timerEventDefinition id="%s-timer">' % node.id)
    node.body.append('  <bpmn:%s %s>%s</bpmn:%s>' % (kind, TFE, expr.replace("&", "&amp;").replace("<", "&lt;"), kind))
    node.body.append("</bpmn:timerEventDefinition>")
    return node


def throw_message(p, node_id, name, col, row, msg_id, parent=None):
    n = p.add("intermediateThrowEvent", node_id, name, col, row, parent=parent, ext={"correlationKey": "=caseId"})
    return with_message(n, msg_id)


# ------------------------------------------------------------------------------------------------
# OPTIMA-ALV / -IV / -SH
# ------------------------------------------------------------------------------------------------

VARIANTS = {
    "alv": dict(
        name="OPTIMA-ALV (RAV als OPTIMA-Stelle)",
        receiver="RAV",
        application_template="antragsformular-rav",
        referrers=["IV", "SD"],
        kgs_at_handover=True,
    ),
    "iv": dict(
        name="OPTIMA-IV (IV-Stelle als OPTIMA-Stelle)",
        receiver="IV-Stelle",
        application_template="antragsformular-iv",
        referrers=["RAV", "SD"],
        kgs_at_handover=False,
    ),
    "sh": dict(
        name="OPTIMA-SH (Sozialdienst / SoBZ als OPTIMA-Stelle)",
        receiver="Sozialdienst / SoBZ",
        application_template="antragsformular-sh",
        referrers=["RAV", "IV", "SD"],
        kgs_at_handover=True,
    ),
}

REDUCED_NAMES = {"RAV": "Reduziertes Verfahren RAV starten",
                 "IV": "Reduziertes Verfahren IV-Stelle starten",
                 "SD": "Reduziertes Verfahren Sozialdienst starten"}
MSG_REDUCED = {"RAV": "msg-reduced-rav-start", "IV": "msg-reduced-iv-start", "SD": "msg-reduced-sd-start"}
MSG_NAME_REDUCED = {"RAV": "reduced-rav-start", "IV": "reduced-iv-start", "SD": "reduced-sd-start"}


def build_optima(kind):
    v = VARIANTS[kind]
    pid = "optima-" + kind
    p = Process(pid, v["name"], v["name"],
                doc="OPTIMA-Fallübergabe an %s gemäss Konzept OPTIMA Phase 2, Kapitel 3.2 "
                    "(Antrag, Prüfung, Übergabegespräch, Fallarbeit mit Standortgesprächen, Abschluss)."
                    % v["receiver"])
    referrer_rows = [("R%d" % i, 110, 55) for i in range(max(2, len(v["referrers"])))]
    p.lane("lane-referrer", "Zuweisende Stelle", "referrer-advisor", referrer_rows)
    p.lane("lane-receiver", "OPTIMA-Stelle", "receiver",
           [("A", 290, 95), ("B", 110, 55), ("C0", 120, 65), ("C1", 110, 55)])
    p.lane("lane-signatory", "Zahlende Stelle – Unterschrift", "paying-signatory",
           [("S0", 110, 55), ("S1", 100, 50), ("S2", 120, 50)])
    p.layout_lanes()

    p.message("msg-cost-approval-requested", "cost-approval-requested")
    p.message("msg-optima-ended", "optima-ended")
    p.message("msg-status-meeting-rescheduled", "status-meeting-rescheduled")
    for r in v["referrers"]:
        p.message(MSG_REDUCED[r], MSG_NAME_REDUCED[r])

    # --- application and check ---------------------------------------------------------------
    p.add("startEvent", "application-submitted", "Antrag eingereicht", 0, "R0")
    document_task(p, "generate-application-form", "Antragsformular erstellen", 1, "R0", v["application_template"])
    p.add("exclusiveGateway", "check-merge", None, 2, "A")
    user_task(p, "check-application", "Antrag prüfen", 3, "A", RECEIVER_CONTACT, form="pruefung-antrag", due=wd(10),
              doc="Die OPTIMA-Kontaktperson prüft den Antrag gegen die Aufnahmebedingungen, entscheidet "
                  "(angenommen / abgelehnt / Rückfrage) und weist bei Annahme eine Fallführung zu (advisor).")
    p.add("exclusiveGateway", "check-decision", "Antrag in Ordnung?", 4, "A").label_pos = "above-left"
    user_task(p, "clarify-application", "Rückfrage zum Antrag beantworten", 3, "R0", REFERRER,
              form="rueckfrage-antrag", due=wd(5), documents=v["application_template"],
              doc="Die zuweisende Stelle ergänzt oder klärt den Antrag; danach wird er erneut geprüft.")
    document_task(p, "generate-rejection-notice", "Entscheid Ablehnung erstellen", 5, "B", "entscheid-ablehnung")
    notify_task(p, "notify-rejection", "Zuweisende Stelle über Ablehnung informieren", 6, "B", "referrer")
    p.add("endEvent", "end-rejected", "Antrag abgelehnt", 7, "B")
    document_task(p, "generate-acceptance-notice", "Entscheid Annahme erstellen", 5, "A", "entscheid-annahme")

    p.flow("application-submitted", "generate-application-form")
    p.flow("generate-application-form", "check-merge", bends=[(col_x(1), p.y("A"))])
    p.flow("check-merge", "check-application")
    p.flow("check-application", "check-decision")
    p.flow("check-decision", "generate-acceptance-notice", "angenommen", '=decision = "accepted"')
    p.flow("check-decision", "clarify-application", "Rückfrage", '=decision = "clarify"',
           bends=[(col_x(4), p.y("R0"))])
    p.flow("clarify-application", "check-merge", bends=[(col_x(2), p.y("R0"))])
    p.flow("check-decision", "generate-rejection-notice", "abgelehnt", '=decision = "rejected"')
    p.chain("generate-rejection-notice", "notify-rejection", "end-rejected")

    # --- hand-over ----------------------------------------------------------------------------
    user_task(p, "plan-handover", "Übergabegespräch planen und einladen", 6, "R0", REFERRER,
              form="planung-uebergabe", due=wd(5), documents="einladung-gespraech",
              doc="Termin (meetingAt) und Ort (place) des Übergabegesprächs festlegen; die Einladung an die "
                  "Klientin oder den Klienten wird erstellt.")
    handover_doc = ("Die Fallführung der OPTIMA-Stelle leitet das Übergabegespräch und erfasst die Gesprächsnotiz: "
                    "Beginn der Fallarbeit, Termin des ersten Standortgesprächs (nextMeetingAt), geplante "
                    "Massnahmen, Erklärung «kann und will arbeiten», Zustimmung aller Teilnehmenden (allAgree).")
    if v["kgs_at_handover"]:
        handover_doc += (" Soll eine Massnahme sofort beginnen, wird hier die Kostengutsprache angefordert "
                         "(costApprovalNow = true, mit den Angaben zur Massnahme).")
    else:
        handover_doc += (" In OPTIMA-IV wird im Übergabegespräch keine Kostengutsprache ausgestellt "
                         "(keine IV-Massnahme beginnt ohne nähere Prüfung).")
    user_task(p, "handover-meeting", "Übergabegespräch durchführen", 7, "A", RECEIVER_ADVISOR,
              form="uebergabegespraech", due="=meetingAt", documents="gespraechsnotiz-uebergabe", doc=handover_doc)
    p.add("exclusiveGateway", "agreement-decision", "Alle einverstanden?", 8, "A").label_pos = "above-left"
    p.add("endEvent", "end-no-agreement", "Ende OPTIMA (keine Zustimmung)", 9, "B")
    p.flow("generate-acceptance-notice", "plan-handover")
    if kind == "sh":
        # The Vereinbarung ALV must exist at the hand-over meeting, where the person signs it.
        p.add("exclusiveGateway", "agreement-alv-needed", "Vereinbarung ALV nötig?", 6, "R1").label_pos = "below-left"
        document_task(p, "generate-agreement-alv", "Vereinbarung ALV erstellen", 7, "R1", "vereinbarung-alv")
        p.flow("plan-handover", "agreement-alv-needed")
        p.flow("agreement-alv-needed", "generate-agreement-alv", "RAV", '=referrerType = "RAV"')
        p.flow("generate-agreement-alv", "handover-meeting")
        p.flow("agreement-alv-needed", "handover-meeting", "sonst", default=True, bends=[(col_x(6), p.y("A"))])
    else:
        p.flow("plan-handover", "handover-meeting")
    p.flow("handover-meeting", "agreement-decision")
    p.flow("agreement-decision", "end-no-agreement", "nein", default=True)

    # --- hand-over effective: reduced procedure of the referrer (and Vereinbarung ALV) ---------
    p.add("exclusiveGateway", "referrer-type-split", "Zuweisende Stelle?", 9, "R0").label_pos = "above"
    p.flow("agreement-decision", "referrer-type-split", "ja", "=allAgree = true", bends=[(col_x(8), p.y("R0"))])
    branch_col = 10
    if "RAV" in v["referrers"] and kind == "sh":
        join_col = 13
    else:
        join_col = 11
    p.add("exclusiveGateway", "referrer-type-join", None, join_col, "R0")
    for i, r in enumerate(v["referrers"]):
        row = "R%d" % i
        throw_id = "throw-reduced-%s-start" % r.lower()
        cond = '=referrerType = "%s"' % r
        if kind == "sh" and r == "RAV":
            user_task(p, "sign-agreement-alv", "Unterschrift Vereinbarung ALV bestätigen", branch_col + 1, row, REFERRER,
                      form="vereinbarung-alv", due=wd(2),
                      doc="Die RAV-Personalberatung bestätigt, ob die versicherte Person die Vereinbarung ALV (Befreiung "
                          "von der Kontrollpflicht während der Sozialberatung) im Übergabegespräch unterzeichnet hat "
                          "(signedByPerson). Nur mit Unterschrift befreit das reduzierte Verfahren des RAV von den "
                          "Arbeitsbemühungen (jobSearchReleased); ohne prüft das RAV sie weiter, bis die Unterschrift "
                          "nachgetragen ist.")
            throw_message(p, throw_id, REDUCED_NAMES[r], branch_col + 2, row, MSG_REDUCED[r])
            p.flow("referrer-type-split", "sign-agreement-alv", r, cond)
            p.chain("sign-agreement-alv", throw_id)
        else:
            col = branch_col + 1 if kind == "sh" else branch_col
            throw_message(p, throw_id, REDUCED_NAMES[r], col, row, MSG_REDUCED[r])
            p.flow("referrer-type-split", throw_id, r, cond)
        p.flow(throw_id, "referrer-type-join")
    for r in v["referrers"]:
        n = p.nodes["throw-reduced-%s-start" % r.lower()]
        n.label_pos = "below"

    # --- case work (outer sub-process): optional KGS from the hand-over, status meetings, closing;
    #     cost approvals run beside it as an event sub-process -------------------------------------
    cs = join_col + 1
    rec = p.lanes[1]
    sig = p.lanes[2]
    a_top = rec.row_top["A"]
    y1 = p.y("A")
    y2 = a_top + 215
    m = cs + 4 if v["kgs_at_handover"] else cs + 1       # first column of the status-meeting loop
    hb = m + 8.7
    cw_left, cw_right = col_x(cs) - 55, col_x(hb + 2) + 55
    cw_top, cw_bottom = a_top + 8, sig.row_bottom["S2"] - 8
    cw = p.add("subProcess", "casework", "Fallarbeit", row="A", x=(cw_left + cw_right) / 2,
               y=(cw_top + cw_bottom) / 2, w=cw_right - cw_left, h=cw_bottom - cw_top)
    cw.cy = (cw_top + cw_bottom) / 2
    cw.doc = ("Fallarbeit der OPTIMA-Stelle ab der wirksamen Übergabe: Standortgespräche bis zum "
              "Abschlussgespräch, Aktenübergabe, Meldung «Ende OPTIMA». Kostengutsprachen können nur während der "
              "Fallarbeit angefordert werden; die Fallarbeit endet erst, wenn alle angeforderten "
              "Kostengutsprachen erledigt sind (Rechnung bezahlt oder abgelehnt).")
    C = "casework"
    p.add("startEvent", "casework-start", "Übergabe wirksam", cs, parent=C, y=y1)
    mid = (p.nodes["referrer-type-join"].right + cw_left) / 2
    p.flow("referrer-type-join", "casework", bends=[(mid, p.y("R0")), (mid, y1)])
    prev = "casework-start"
    if v["kgs_at_handover"]:
        p.add("exclusiveGateway", "cost-approval-now", "KGS aus Übergabegespräch?", cs + 1, parent=C,
              y=y1).label_pos = "above"
        throw_message(p, "throw-cost-approval-requested", "Kostengutsprache anfordern", cs + 2, "B",
                      "msg-cost-approval-requested", parent=C)
        p.add("exclusiveGateway", "cost-approval-now-join", None, cs + 3, parent=C, y=y1)
        p.flow(prev, "cost-approval-now")
        p.flow("cost-approval-now", "throw-cost-approval-requested", "ja", "=costApprovalNow = true")
        p.flow("cost-approval-now", "cost-approval-now-join", "nein", default=True)
        p.flow("throw-cost-approval-requested", "cost-approval-now-join")
        prev = "cost-approval-now-join"

    # --- status meetings (inner sub-process) with the planned-end warning ---------------------------
    sm_left, sm_right = col_x(m) - 55, col_x(m + 7) + 70
    sm_top, sm_bottom = a_top + 30, a_top + 275
    sm = p.add("subProcess", "status-meetings", "Standortgespräche", row="A", parent=C,
               x=(sm_left + sm_right) / 2, y=(sm_top + sm_bottom) / 2, w=sm_right - sm_left, h=sm_bottom - sm_top)
    sm.cy = (sm_top + sm_bottom) / 2
    sm.doc = ("Standortgespräche zum im Übergabegespräch bzw. im letzten Standortgespräch festgelegten Termin, "
              "bis eines davon als Abschlussgespräch die Zusammenarbeit beendet.")
    S = "status-meetings"
    p.add("startEvent", "status-meetings-start", None, m, parent=S, y=y1)
    p.add("exclusiveGateway", "status-loop-merge", None, m + 1, parent=S, y=y1)
    user_task(p, "invite-status-meeting", "Standortgespräch organisieren und einladen", m + 2, None,
              RECEIVER_ADVISOR, form="einladung", due=wd(5), documents="einladung-gespraech,einladung-zuweisende-stelle",
              parent=S,
              doc="Die OPTIMA-Stelle organisiert das Standortgespräch am vereinbarten Termin und lädt Klientin/Klient "
                  "und zuweisende Stelle ein (je ein Brief). Das Datum der Einladung (meetingAt) wird zum Termin, auf "
                  "den der Zeitgeber wartet (nextMeetingAt): ein Datum, eine Quelle.")
    p.nodes["invite-status-meeting"].cy = y1
    notify_task(p, "notify-status-meeting-referrer", "Zuweisende Stelle zum Standortgespräch einladen", m + 3, None,
                "referrer", parent=S)
    p.nodes["notify-status-meeting-referrer"].cy = y1
    # Waits for the agreed date; an additional or moved meeting (at the referrer's request, for
    # important reasons) arrives as message status-meeting-rescheduled and goes back to the invitation.
    t = p.add("receiveTask", "wait-status-meeting", "Termin Standortgespräch abwarten", m + 4, None, parent=S,
              attrs={"messageRef": "msg-status-meeting-rescheduled"})
    t.cy = y1
    t.doc = ("Wartet auf den Termin (Zeitgeber status-meeting-due, nextMeetingAt). Verlangt die zuweisende Stelle aus "
             "wichtigen Gründen ein zusätzliches oder verschobenes Gespräch, kommt die Nachricht "
             "status-meeting-rescheduled mit dem neuen Termin, und die OPTIMA-Stelle lädt neu ein.")
    user_task(p, "status-meeting", "Standortgespräch durchführen", m + 5, None, RECEIVER_ADVISOR,
              form="standortgespraech", due=wd(3), parent=S,
              doc="Stand und Zielerreichung, weitere Massnahmen, Entscheid über die Weiterführung (decision = "
                  "continue mit neuem nextMeetingAt, oder close mit closingReason und outcome: dann ist es das "
                  "Abschlussgespräch).")
    p.nodes["status-meeting"].cy = y1
    p.add("exclusiveGateway", "status-decision", "Weiterführung?", m + 6, parent=S, y=y1).label_pos = "above"
    p.add("endEvent", "status-meetings-end", "Abschlussgespräch geführt", m + 7, parent=S, y=y1)
    document_task(p, "generate-status-note", "Gesprächsnotiz Standortgespräch erstellen", m + 4, None,
                  "gespraechsnotiz-standort", parent=S)
    p.nodes["generate-status-note"].cy = y2
    p.chain("status-meetings-start", "status-loop-merge", "invite-status-meeting", "notify-status-meeting-referrer",
            "wait-status-meeting")
    due = p.add("boundaryEvent", "status-meeting-due", "Termin erreicht", parent=S, x=t.cx + 25, y=t.cy - 40,
                attrs={"cancelActivity": "true", "attachedToRef": "wait-status-meeting"})
    due.label_pos = "above"
    with_timer(due, "timeDate", "=nextMeetingAt")
    p.flow("status-meeting-due", "status-meeting", bends=[(t.cx + 25, y1 - 75), (col_x(m + 5), y1 - 75)])
    p.flow("wait-status-meeting", "status-loop-merge", "verschoben", bends=[(t.cx, y1 + 55), (col_x(m + 1), y1 + 55)])
    p.flow("status-meeting", "status-decision")
    p.flow("status-decision", "status-meetings-end", "Abschluss", '=decision = "close"')
    p.flow("status-decision", "generate-status-note", "Weiterführung", '=decision = "continue"',
           bends=[(col_x(m + 6), y2)])
    p.flow("generate-status-note", "status-loop-merge", bends=[(col_x(m + 1), y2)])
    p.flow(prev, "status-meetings")

    warn = p.add("boundaryEvent", "planned-end-warning", "2 Wochen vor Mandatsende", parent=C,
                 x=col_x(m + 1), y=sm_bottom, attrs={"cancelActivity": "false", "attachedToRef": "status-meetings"})
    warn.label_pos = "below-left"
    # From the hand-over meeting's date (not from when its note was recorded), with the duration
    # fixed at that meeting (plannedMonths).
    with_timer(warn, "timeDate",
               '=date and time(string(meetingAt)) + (if plannedMonths = 6 then duration("P6M") else duration("P3M"))'
               ' - duration("P14D")')
    notify_task(p, "notify-planned-end-receiver", "Fallführung an Mandatsende erinnern", m + 2, "B", "receiver",
                parent=C)
    notify_task(p, "notify-planned-end-referrer", "Zuweisende Stelle an Mandatsende erinnern", m + 3, "B", "referrer",
                parent=C)
    p.add("endEvent", "planned-end-warning-end", "Erinnerung versandt", m + 4, "B", parent=C)
    p.chain("planned-end-warning", "notify-planned-end-receiver", "notify-planned-end-referrer", "planned-end-warning-end")

    # --- closing ------------------------------------------------------------------------------
    user_task(p, "hand-back-documents", "Akten an zuweisende Stelle übergeben", hb, None, RECEIVER_ADVISOR,
              form="akten-uebergabe", due=wd(10), documents="gespraechsnotiz-abschluss", parent=C,
              doc="Wichtige Falldokumente (z. B. Kopie des Arbeitsvertrags) an die zuweisende Stelle übergeben. "
                  "Kein Schlussbericht. Die Gesprächsnotiz des Abschlussgesprächs wird danach erstellt und nennt die "
                  "übergebenen Unterlagen.")
    p.nodes["hand-back-documents"].cy = y1
    throw_message(p, "throw-optima-ended", "Ende OPTIMA melden", hb + 1, None, "msg-optima-ended", parent=C)
    p.nodes["throw-optima-ended"].cy = y1
    p.add("endEvent", "casework-end", "Fallarbeit beendet", hb + 2, parent=C, y=y1)
    p.add("endEvent", "end-closed", "OPTIMA abgeschlossen", hb + 3, "A")
    p.flow("status-meetings", "hand-back-documents")
    p.chain("hand-back-documents", "throw-optima-ended", "casework-end")
    p.flow("casework", "end-closed")

    # --- cost approval (event sub-process of the case work) ------------------------------------
    jc = cs + 0.5
    e_left, e_right = col_x(jc) - 55, col_x(jc + 7) + 50
    e_top, e_bottom = rec.row_top["C0"] + 10, sig.row_top["S2"] + 100
    esp = p.add("subProcess", "cost-approval", "Kostengutsprache (jederzeit während der Fallarbeit)", parent=C,
                x=(e_left + e_right) / 2, y=(e_top + e_bottom) / 2, w=e_right - e_left, h=e_bottom - e_top,
                attrs={"triggeredByEvent": "true"})
    esp.doc = ("Die OPTIMA-Stelle fordert für eine Massnahme eine Kostengutsprache der zahlenden Stelle an (Nachricht "
               "cost-approval-requested): der Stelle, bei der die Person zum Leistungsbezug berechtigt ist, meist der "
               "zuweisenden (payingOffice). Hat die Person bei der OPTIMA-Stelle selbst Anspruch, braucht es keine. Jede "
               "Anforderung läuft als eigene Instanz mit eigenen Variablen. Keine Massnahme ohne unterzeichnete "
               "Kostengutsprache.")
    E = "cost-approval"
    st = p.add("startEvent", "cost-approval-requested-start", "KGS angefordert", jc, "C1", parent=E,
               attrs={"isInterrupting": "false"})
    with_message(st, "msg-cost-approval-requested")
    document_task(p, "generate-cost-approval", "Kostengutsprache erstellen", jc + 1, "C1", "kostengutsprache", parent=E)
    user_task(p, "sign-cost-approval", "Kostengutsprache unterzeichnen", jc + 2, "S0", SIGNATORY,
              form="kostengutsprache-entscheid", due="=signatureDue", parent=E,
              doc="Eine zeichnungsberechtigte Person der zahlenden Stelle unterzeichnet die Kostengutsprache "
                  "innert 10 Tagen (decision = approved) oder lehnt sie ab (decision = rejected).")
    p.add("exclusiveGateway", "cost-approval-decision", "KGS erteilt?", jc + 3, "C1", parent=E).label_pos = "above-left"
    user_task(p, "book-measure", "Massnahme buchen", jc + 4, "C1", RECEIVER_ADVISOR, form="massnahme-buchen",
              due=wd(5), parent=E,
              doc="Auftragsbestätigung an den Anbieter (erst mit unterzeichneter Kostengutsprache).")
    user_task(p, "forward-invoice", "Rechnung weiterleiten", jc + 5, "C1", RECEIVER_ADVISOR,
              form="rechnung-weiterleiten", parent=E,
              doc="Nach Abschluss der Massnahme die Rechnung des Anbieters an die zahlende Stelle weiterleiten.")
    user_task(p, "pay-invoice", "Rechnung bezahlen", jc + 6, "S0", SIGNATORY, form="rechnung-bezahlen",
              due="P30D", parent=E,
              doc="Die zahlende Stelle gibt die Rechnung des Massnahmenanbieters zur Zahlung frei.")
    p.add("endEvent", "cost-approval-paid-end", "Rechnung bezahlt", jc + 7, "S0", parent=E)
    notify_task(p, "notify-cost-approval-rejected", "OPTIMA-Stelle über Ablehnung informieren", jc + 4, "C0",
                "receiver", parent=E)
    p.add("endEvent", "cost-approval-rejected-end", "KGS abgelehnt", jc + 5, "C0", parent=E)
    sign = p.nodes["sign-cost-approval"]
    # One rule for due date, reminder and escalation: signatureDue is computed by the application
    # (10 calendar days, moved to the next Lucerne working day, as printed on form 2); the reminder
    # fires on the first working day after it, the escalation 4 working days later.
    esc = p.add("boundaryEvent", "sign-cost-approval-escalation", "Frist + 4 Arbeitstage", parent=E, x=sign.cx - 30,
                y=sign.bottom, attrs={"cancelActivity": "false", "attachedToRef": "sign-cost-approval"})
    esc.label_pos = "below-left"
    with_timer(esc, "timeDate", "=add working days(signatureDue, 5)")
    rem = p.add("boundaryEvent", "sign-cost-approval-reminder", "Frist abgelaufen", parent=E, x=sign.cx + 30,
                y=sign.bottom, attrs={"cancelActivity": "false", "attachedToRef": "sign-cost-approval"})
    rem.label_pos = "right"
    with_timer(rem, "timeDate", "=add working days(signatureDue, 1)")
    notify_task(p, "notify-cost-approval-reminder", "An Unterschrift erinnern", jc + 3, "S1", "signatory", parent=E)
    p.add("endEvent", "cost-approval-reminder-end", "Erinnerung versandt", jc + 4, "S1", parent=E)
    notify_task(p, "notify-cost-approval-escalation", "Überfällige KGS eskalieren", jc + 3, "S2", "referrer", parent=E)
    p.add("endEvent", "cost-approval-escalation-end", "Eskalation versandt", jc + 4, "S2", parent=E)

    p.chain("cost-approval-requested-start", "generate-cost-approval", "sign-cost-approval", "cost-approval-decision")
    p.flow("cost-approval-decision", "book-measure", "erteilt", '=decision = "approved"')
    p.flow("cost-approval-decision", "notify-cost-approval-rejected", "abgelehnt", default=True)
    p.chain("book-measure", "forward-invoice", "pay-invoice", "cost-approval-paid-end")
    p.flow("notify-cost-approval-rejected", "cost-approval-rejected-end")
    p.chain("sign-cost-approval-reminder", "notify-cost-approval-reminder", "cost-approval-reminder-end")
    p.chain("sign-cost-approval-escalation", "notify-cost-approval-escalation", "cost-approval-escalation-end")

    # nodes inside sub-processes belong to no lane (lanes hold the process-level nodes)
    for n in p.nodes.values():
        if n.parent is not None:
            n.lane = None
    return p


# ------------------------------------------------------------------------------------------------
# Reduced procedures of the referring office
# ------------------------------------------------------------------------------------------------

REDUCED = {
    "rav": dict(
        name="Reduziertes Verfahren RAV (während OPTIMA-IV oder OPTIMA-SH)",
        short="Reduziertes Verfahren RAV",
        doc="Das RAV zieht sich während OPTIMA aus Beratung und Vermittlung zurück: keine Beratungsgespräche, "
            "keine Prüfung der Arbeitsbemühungen (bei OPTIMA-SH über die Vereinbarung ALV). Es verfügt nur noch "
            "Sanktionen auf Hinweis der OPTIMA-Stelle und erteilt Kostengutsprachen (im OPTIMA-Prozess). "
            "Nach dem Ende von OPTIMA nimmt es Prüfung und Beratung wieder auf.",
        duty=None,
        resume=("Wiederaufnahme: Arbeitsbemühungen prüfen und beraten",
                "Das RAV nimmt die Prüfung der Arbeitsbemühungen und die Beratungsgespräche wieder auf "
                "(Abschlussgrund und Ergebnis: closingReason, outcome)."),
    ),
    "iv": dict(
        name="Reduziertes Verfahren IV-Stelle (während OPTIMA-ALV oder OPTIMA-SH)",
        short="Reduziertes Verfahren IV-Stelle",
        doc="Die IV-Stelle sistiert das IV-Verfahren oder schliesst es ab: keine Eingliederung und keine "
            "Rentenprüfung während OPTIMA. Sie erteilt Kostengutsprachen, wo ein IV-Anspruch besteht (im "
            "OPTIMA-Prozess). Nach dem Ende von OPTIMA wird ein sistiertes Verfahren wieder aufgenommen.",
        duty=("suspend-iv-procedure", "IV-Verfahren sistieren oder abschliessen",
              "IV-Verfahren sistieren (ivProcedureStatus = suspended) oder abschliessen (= closed): keine "
              "Eingliederungsmassnahmen und keine Rentenprüfung während OPTIMA."),
        resume=("IV-Verfahren wieder aufnehmen",
                "Das sistierte IV-Verfahren wird wieder aufgenommen."),
    ),
    "sd": dict(
        name="Reduziertes Verfahren Sozialdienst / SoBZ (während OPTIMA-ALV oder OPTIMA-IV)",
        short="Reduziertes Verfahren Sozialdienst",
        doc="Der Sozialdienst führt keine Beratung zu Arbeitsmarktthemen mehr; wirtschaftliche Sozialhilfe und "
            "Themen ohne Bezug zur Arbeitsintegration laufen weiter. Er verfügt Sanktionen auf Hinweis der "
            "OPTIMA-Stelle (SHG) und erteilt Kostengutsprachen (im OPTIMA-Prozess).",
        duty=("adjust-counselling-plan", "Beratungsplan anpassen",
              "Arbeitsmarktthemen aus dem Beratungsplan nehmen (an die OPTIMA-Stelle übergeben); wirtschaftliche "
              "Sozialhilfe und übrige Themen weiterführen."),
        resume=("Wiederaufnahme: Beratung zu Arbeitsmarktthemen",
                "Der Sozialdienst nimmt die Beratung zu Arbeitsmarktthemen wieder auf."),
    ),
}


def build_reduced_rav(p, resume_name, resume_doc):
    """The RAV releases the person from Arbeitsbemühungen only where the law allows it: OPTIMA-SH
    with the signed Vereinbarung ALV, OPTIMA-IV for ALE recipients only with the legal basis
    (jobSearchReleased, set by the application). Otherwise it keeps checking them; a later
    signature (or the confirmed legal basis) releases the person then. During OPTIMA-SH the RAV
    resumes advising as soon as the person again has an intact labour offer."""
    p.message("msg-intact-labour-offer", "intact-labour-offer")
    p.add("exclusiveGateway", "release-decision", "Von Arbeitsbemühungen befreit?", 1, "R0").label_pos = "above"
    user_task(p, "check-job-search", "Arbeitsbemühungen weiterhin prüfen", 2, "R1", REFERRER,
              form="arbeitsbemuehungen-befreiung",
              doc="Keine Befreiung: das RAV prüft die Arbeitsbemühungen weiter (Grund: jobSearchReleaseReason). "
                  "Abschliessen, sobald die Befreiung zulässig ist: bei OPTIMA-SH mit dem Datum der nachgetragenen "
                  "Unterschrift unter die Vereinbarung ALV, bei OPTIMA-IV sobald die Koordinationsstelle die "
                  "Rechtsgrundlage bestätigt hat.")
    ended = p.add("boundaryEvent", "check-job-search-optima-ended", "Ende OPTIMA", parent=None,
                  x=p.nodes["check-job-search"].cx + 30, y=p.nodes["check-job-search"].bottom,
                  attrs={"cancelActivity": "true", "attachedToRef": "check-job-search"})
    ended.label_pos = "right"
    with_message(ended, "msg-optima-ended")
    p.add("exclusiveGateway", "released-merge", None, 3, "R0")
    w = p.add("receiveTask", "wait-optima-ended", "Ende OPTIMA abwarten", 4, "R0", attrs={"messageRef": "msg-optima-ended"})
    w.doc = ("Befreit: keine Beratungsgespräche, keine Prüfung der Arbeitsbemühungen; nur Sanktionen auf Hinweis der "
             "OPTIMA-Stelle und Kostengutsprachen. Wartet auf das Ende von OPTIMA.")
    offer = p.add("boundaryEvent", "intact-labour-offer", "Wieder intaktes Arbeitsangebot", parent=None,
                  x=w.cx, y=w.bottom, attrs={"cancelActivity": "true", "attachedToRef": "wait-optima-ended"})
    offer.label_pos = "below-left"
    with_message(offer, "msg-intact-labour-offer")
    user_task(p, "resume-advising", "Beratung und Arbeitsbemühungen wieder aufnehmen", 5, "R1", REFERRER, due=wd(5),
              doc="Die Person hat wieder ein intaktes Arbeitsangebot (OPTIMA-SH): das RAV berät sie wieder und prüft die "
                  "Arbeitsbemühungen, parallel zur weiterlaufenden Sozialberatung (herkömmliche bilaterale "
                  "Zusammenarbeit, Konzept Kap. 3.3.1).")
    p.add("endEvent", "end-advising-resumed", "Beratung parallel wieder aufgenommen", 6, "R1")
    user_task(p, "resume-procedure", resume_name, 5, "R0", REFERRER, due=wd(5), doc=resume_doc)
    p.add("endEvent", "end-resumed", "Standardverfahren wieder aufgenommen", 6, "R0")
    p.flow("handover-effective", "release-decision")
    p.flow("release-decision", "released-merge", "ja", "=jobSearchReleased = true")
    p.flow("release-decision", "check-job-search", "nein", default=True, bends=[(col_x(1), p.y("R1"))])
    p.flow("check-job-search", "released-merge", bends=[(col_x(3), p.y("R1"))])
    p.flow("check-job-search-optima-ended", "resume-procedure",
           bends=[(ended.cx, p.y("R1") + 60), (col_x(4.5), p.y("R1") + 60), (col_x(4.5), p.y("R0"))])
    p.chain("released-merge", "wait-optima-ended", "resume-procedure", "end-resumed")
    p.flow("intact-labour-offer", "resume-advising", bends=[(offer.cx, p.y("R1"))])
    p.flow("resume-advising", "end-advising-resumed")
    return p


def build_reduced(kind):
    v = REDUCED[kind]
    pid = "reduced-" + kind
    p = Process(pid, v["name"], v["short"], doc=v["doc"])
    p.lane("lane-referrer", "Zuweisende Stelle", "referrer-advisor", [("R0", 110, 55), ("R1", 110, 55)])
    p.layout_lanes()
    p.message("msg-%s-start" % pid, "%s-start" % pid)
    p.message("msg-optima-ended", "optima-ended")
    st = p.add("startEvent", "handover-effective", "Übergabe wirksam", 0, "R0")
    with_message(st, "msg-%s-start" % pid)
    resume_name, resume_doc = v["resume"]
    if kind == "rav":
        return build_reduced_rav(p, resume_name, resume_doc)
    duty_id, duty_name, duty_doc = v["duty"]
    p.add("parallelGateway", "reduced-fork", None, 1, "R0")
    user_task(p, duty_id, duty_name, 2, "R0", REFERRER, due=wd(10), doc=duty_doc,
              form="iv-verfahren-sistieren" if kind == "iv" else None)
    w = p.add("intermediateCatchEvent", "wait-optima-ended", "Ende OPTIMA", 2, "R1")
    with_message(w, "msg-optima-ended")
    p.add("parallelGateway", "reduced-join", None, 3, "R0")
    p.flow("handover-effective", "reduced-fork")
    p.flow("reduced-fork", duty_id)
    p.flow("reduced-fork", "wait-optima-ended")
    p.flow(duty_id, "reduced-join")
    p.flow("wait-optima-ended", "reduced-join")
    last = "reduced-join"
    col = 4
    if kind == "iv":
        p.add("exclusiveGateway", "iv-procedure-status", "IV-Verfahren sistiert?", 4, "R0").label_pos = "above"
        p.add("endEvent", "end-iv-closed", "IV-Verfahren bleibt abgeschlossen", 5, "R1")
        p.flow(last, "iv-procedure-status")
        p.flow("iv-procedure-status", "end-iv-closed", "abgeschlossen", '=ivProcedureStatus = "closed"')
        last = "iv-procedure-status"
        col = 5
    user_task(p, "resume-procedure", resume_name, col, "R0", REFERRER, due=wd(5), doc=resume_doc)
    p.add("endEvent", "end-resumed", "Standardverfahren wieder aufgenommen", col + 1, "R0")
    if kind == "iv":
        p.flow(last, "resume-procedure", "sistiert", default=True)
    else:
        p.flow(last, "resume-procedure")
    p.flow("resume-procedure", "end-resumed")
    return p


def build_all():
    out = {}
    for k in ("alv", "iv", "sh"):
        out["optima-%s.bpmn" % k] = build_optima(k)
    for k in ("rav", "iv", "sd"):
        out["reduced-%s.bpmn" % k] = build_reduced(k)
    return out


def main(argv):
    check = "--check" in argv
    failed = False
    for filename, proc in build_all().items():
        xml = proc.to_xml("definitions-" + proc.id)
        problems = proc.check_layout()
        for pr in problems:
            print("%s: layout: %s" % (filename, pr), file=sys.stderr)
            failed = True
        path = os.path.join(OUT, filename)
        if check:
            with open(path, encoding="utf-8") as f:
                if f.read() != xml:
                    print("%s differs from the generator output" % filename, file=sys.stderr)
                    failed = True
        else:
            os.makedirs(OUT, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(xml)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
