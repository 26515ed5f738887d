#!/usr/bin/env python3
"""Writes templates/samples/<template>.json: realistic preview data for every template.

The JSON files are what `nahtstelle render TEMPLATE --data templates/samples/TEMPLATE.json`
takes; edit them directly or regenerate them here. Names and numbers are invented.
"""
import copy
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "templates", "samples")

RAV = {"name": "RAV Wolhusen", "kind": "RAV", "department": "Dienststelle Wirtschaft und Arbeit (wira)",
       "street": "Im Schmitteli 2", "postalCode": "6110", "city": "Wolhusen",
       "phone": "+41 41 492 50 30", "email": "rav.wolhusen@lu.ch"}
IV = {"name": "WAS IV Luzern", "kind": "IV", "street": "Landenbergstrasse 35", "postalCode": "6002", "city": "Luzern",
      "phone": "+41 41 209 00 02", "email": "optima@was-luzern.ch"}
SOBZ = {"name": "SoBZ Hochdorf", "kind": "SD", "department": "Sozial-Beratungs-Zentrum Amt Hochdorf",
        "street": "Hohenrainstrasse 3", "postalCode": "6280", "city": "Hochdorf",
        "phone": "+41 41 914 31 31", "email": "info@sobz-hochdorf.ch"}

RAV_PB = {"firstName": "Martin", "lastName": "Bucher", "function": "Personalberater", "phone": "+41 41 492 61 47", "email": "martin.bucher@lu.ch"}
IV_EB = {"firstName": "Sandra", "lastName": "Achermann", "function": "Eingliederungsberaterin", "phone": "+41 41 209 03 17", "email": "sandra.achermann@was-luzern.ch"}
SOBZ_SB = {"firstName": "Reto", "lastName": "Kaufmann", "function": "Sozialberater", "phone": "+41 41 914 31 40", "email": "reto.kaufmann@sobz-hochdorf.ch"}
SOBZ_CONTACT = {"firstName": "Claudia", "lastName": "Studer", "function": "OPTIMA-Kontaktperson", "phone": "+41 41 914 31 33", "email": "claudia.studer@sobz-hochdorf.ch"}

PERSON = {"salutation": "Frau", "firstName": "Anna", "lastName": "Muster-Gashi", "birthDate": "1984-03-17",
          "ahvNumber": "7561234567897", "persNr": "1612589", "phone": "079 123 45 67", "email": "anna.muster@example.ch",
          "address": {"street": "Bahnhofstrasse 12", "postalCode": "6280", "city": "Hochdorf"}}

STATUS = {"socialCounselling": False, "socialAssistance": False, "ravRegistered": True, "receivesAle": True,
          "ivProcedure": "none", "ivMeasuresRunning": False, "ivPensionSettled": True, "ivLegalProceedings": False,
          "ivHealthDamageSuspected": False, "workLossPercent": 0, "canAndWillWork": True, "highSupportNeed": False,
          "intactLabourOffer": False, "personalHelpEntitled": True}

CASE = {"process": "SH", "targetGroup": "G", "durationMonths": 6, "plannedEnd": "2027-05-31",
        "goal": "Stabilisierung der finanziellen Situation (Schuldenberatung) und Organisation der Kinderbetreuung,\n"
                "damit Frau Muster-Gashi wieder an Massnahmen des RAV teilnehmen kann.",
        "topics": ["debts", "childcare"], "remarks": "Vorgängiger telefonischer Kontakt mit Frau Studer am 10.11.2026.",
        "submittedAt": "2026-11-12"}

DOCUMENT = {"date": "2026-11-24", "place": "Wolhusen", "reference": "OPT-2026-0042"}


def letter_to_person(sender_office, sender_user, place):
    return {
        "document": dict(DOCUMENT, place=place),
        "sender": {"office": sender_office, "advisor": sender_user},
        "recipient": {"line1": "Frau Anna Muster-Gashi", "street": PERSON["address"]["street"],
                      "postalCode": PERSON["address"]["postalCode"], "city": PERSON["address"]["city"]},
        "salutation": "Sehr geehrte Frau Muster-Gashi",
        "person": PERSON,
    }


def antrag(receiver_office, process, target_group, referrer_office, referrer_user, status_changes):
    data = {
        "document": dict(DOCUMENT, place=referrer_office["city"], date="2026-11-12"),
        "sender": {"office": referrer_office, "advisor": referrer_user},
        "referrer": {"office": referrer_office, "advisor": referrer_user},
        "receiver": {"office": receiver_office},
        "person": PERSON,
        "status": dict(STATUS, **status_changes),
        "case": dict(CASE, process=process, targetGroup=target_group),
        "consent": {"handover": True, "dataExchange": True},
    }
    return data


MEETING_BASE = {
    "at": "2026-12-03T09:30:00+01:00",
    "place": "SoBZ Hochdorf, Sitzungszimmer 2",
    "participants": [
        {"name": "Anna Muster-Gashi", "role": "Klientin"},
        {"name": "Martin Bucher", "role": "zuweisende Stelle", "office": "RAV Wolhusen"},
        {"name": "Reto Kaufmann", "role": "Fallführer aufnehmende Stelle", "office": "SoBZ Hochdorf"},
    ],
    "allAgree": True,
    "author": SOBZ_SB,
}


def meeting_doc(meeting):
    return {
        "document": dict(DOCUMENT, place="Hochdorf", date="2026-12-03"),
        "sender": {"office": SOBZ, "advisor": SOBZ_SB},
        "referrer": {"office": RAV, "advisor": RAV_PB},
        "receiver": {"office": SOBZ, "advisor": SOBZ_SB},
        "person": PERSON,
        "case": CASE,
        "meeting": dict(MEETING_BASE, **meeting),
    }


def samples():
    s = {}
    s["antragsformular-rav"] = antrag(RAV, "ALV", "H", SOBZ, SOBZ_SB,
                                      {"socialCounselling": True, "socialAssistance": True, "ravRegistered": False,
                                       "receivesAle": False, "intactLabourOffer": True, "workLossPercent": 50})
    s["antragsformular-iv"] = antrag(IV, "IV", "F", RAV, RAV_PB, {"highSupportNeed": True, "intactLabourOffer": True})
    s["antragsformular-sh"] = antrag(SOBZ, "SH", "G", RAV, RAV_PB, {})
    s["antragsformular-sh"]["case"]["socialDifficulties"] = ("Betreibungen und Schulden von rund CHF 18'000; "
                                                            "keine Kinderbetreuung für die zwei Kinder (3 und 6 Jahre)")

    s["kostengutsprache"] = {
        "document": dict(DOCUMENT, place="Hochdorf"),
        "sender": {"office": SOBZ, "advisor": SOBZ_SB},
        "payingOffice": {"office": RAV, "contact": RAV_PB},
        "person": PERSON,
        "costApproval": {
            "measure": "Bewerbungstraining mit Einzelcoaching",
            "from": "2027-01-11", "to": "2027-03-19",
            "provider": "Arbeitsintegration Zentralschweiz AG", "providerAddress": "Sentimattstrasse 6, 6003 Luzern",
            "positions": [
                {"description": "Kursmodul Bewerbungsdossier (10 Halbtage)", "tariff": "AMM-BT-10", "quantity": 10, "unitPrice": 120, "amount": 1200},
                {"description": "Einzelcoaching", "tariff": "AMM-EC-60", "quantity": 8, "unitPrice": 135, "amount": 1080},
                {"description": "Standortbestimmung", "tariff": "AMM-SB", "quantity": 1, "unitPrice": 450, "amount": 450},
                {"description": "Kursunterlagen", "tariff": "AMM-MAT", "quantity": 1, "unitPrice": 85.5, "amount": 85.5},
                {"description": "Abschlussgespräch mit Bericht", "tariff": "AMM-AB", "quantity": 1, "unitPrice": 180, "amount": 180},
            ],
            "total": 2995.5,
            "returnDays": 10,
        },
    }

    v = letter_to_person(RAV, RAV_PB, "Wolhusen")
    v["agreement"] = {"from": "2026-12-03", "to": "2027-05-31", "socialOffice": "Sozialamt Hochdorf",
                      "registrationForm": "Zusammenarbeit RAV – Sozial-Beratung",
                      "unemploymentFund": "Arbeitslosenkasse Luzern, Postfach, 6002 Luzern"}
    s["vereinbarung-alv"] = v

    s["gespraechsnotiz-uebergabe"] = meeting_doc({
        "kind": "handover",
        "situation": "Frau Muster-Gashi ist seit März 2026 beim RAV Wolhusen gemeldet. Bewerbungen blieben erfolglos;\n"
                     "die Schuldensituation und fehlende Kinderbetreuung verhindern die Teilnahme an Massnahmen.",
        "caseWorkStart": "2026-12-03",
        "strategy": "1. Schuldenberatung und Budget\n2. Kinderbetreuung ab Januar (Kita Hochdorf)\n3. Danach Bewerbungstraining",
        "measures": [
            {"name": "Schuldenberatung", "provider": "Caritas Luzern", "from": "2026-12-10", "to": "2027-02-28", "needsCostApproval": False},
            {"name": "Bewerbungstraining mit Einzelcoaching", "provider": "Arbeitsintegration Zentralschweiz AG",
             "from": "2027-01-11", "to": "2027-03-19", "needsCostApproval": True},
        ],
        "costApprovalRequested": True,
        "canAndWillWork": True,
        "nextMeetingAt": "2027-02-04T14:00:00+01:00",
    })
    s["gespraechsnotiz-standort"] = meeting_doc({
        "kind": "status", "at": "2027-02-04T14:00:00+01:00",
        "situation": "Budget steht, Betreibungen sind gestoppt. Kinderbetreuung an drei Tagen pro Woche organisiert.\n"
                     "Das Bewerbungstraining läuft; zwei Vorstellungsgespräche stehen an.",
        "measures": [{"name": "Bewerbungstraining mit Einzelcoaching", "provider": "Arbeitsintegration Zentralschweiz AG",
                      "from": "2027-01-11", "to": "2027-03-19", "needsCostApproval": True}],
        "decision": "continue",
        "nextMeetingAt": "2027-04-08T10:00:00+02:00",
        "note": "Frau Muster-Gashi meldet sich nach den Vorstellungsgesprächen telefonisch.",
    })
    s["gespraechsnotiz-abschluss"] = meeting_doc({
        "kind": "closing", "at": "2027-04-08T10:00:00+02:00",
        "situation": "Frau Muster-Gashi hat per 1. Mai 2027 eine Festanstellung (60 %) als Detailhandelsangestellte gefunden.",
        "measures": [],
        "decision": "close",
        "closingReason": "goal-reached",
        "outcome": "successful",
        "documents": "Kopie des Arbeitsvertrags vom 28.03.2027\nBudgetplan",
        "note": "Das RAV nimmt die Beratung für die verbleibenden 40 % wieder auf.",
    })

    e = letter_to_person(SOBZ, SOBZ_SB, "Hochdorf")
    e["receiver"] = {"office": SOBZ, "advisor": SOBZ_SB}
    e["meeting"] = {"kind": "handover", "at": "2026-12-03T09:30:00+01:00", "place": "SoBZ Hochdorf",
                    "placeAddress": "Hohenrainstrasse 3, 6280 Hochdorf", "duration": "ca. 60 Minuten",
                    "participants": MEETING_BASE["participants"][1:]}
    s["einladung-gespraech"] = e

    z = {
        "document": dict(DOCUMENT, place="Hochdorf"),
        "sender": {"office": SOBZ, "advisor": SOBZ_SB},
        "recipient": {"line1": "RAV Wolhusen", "line2": "Herr Martin Bucher", "street": RAV["street"],
                      "postalCode": RAV["postalCode"], "city": RAV["city"]},
        "salutation": "Sehr geehrter Herr Bucher",
        "person": PERSON,
        "receiver": {"office": SOBZ, "advisor": SOBZ_SB},
        "meeting": {"kind": "status", "at": "2027-01-14T14:00:00+01:00", "place": "SoBZ Hochdorf",
                    "placeAddress": "Hohenrainstrasse 3, 6280 Hochdorf", "duration": "ca. 60 Minuten",
                    "participants": MEETING_BASE["participants"]},
    }
    s["einladung-zuweisende-stelle"] = z

    s["abrechnung-fallpauschalen"] = {
        "document": dict(DOCUMENT, place="Luzern", date="2026-12-01", reference="Fallpauschalen 11.2026"),
        "sender": {"office": IV},
        "recipient": {"line1": "RAV Wolhusen", "street": RAV["street"], "postalCode": RAV["postalCode"], "city": RAV["city"]},
        "salutation": "Sehr geehrte Damen und Herren",
        "billing": {"period": "November 2026", "rate": 227, "count": 2, "total": 454,
                    "lines": [{"caseId": "OPT-2026-0042", "person": "Muster-Gashi Anna", "amount": 227},
                              {"caseId": "OPT-2026-0051", "person": "Bühler Marco", "amount": 227}]},
    }

    for accepted in (True, False):
        d = {
            "document": dict(DOCUMENT, place="Hochdorf", date="2026-11-19"),
            "sender": {"office": SOBZ, "advisor": SOBZ_CONTACT},
            "recipient": {"line1": "RAV Wolhusen", "line2": "Herr Martin Bucher", "street": RAV["street"],
                          "postalCode": RAV["postalCode"], "city": RAV["city"]},
            "salutation": "Sehr geehrter Herr Bucher",
            "person": PERSON,
            "case": CASE,
            "receiver": {"office": SOBZ, "advisor": SOBZ_SB, "contact": SOBZ_CONTACT},
            "decision": {"result": "accepted" if accepted else "rejected", "decidedAt": "2026-11-19"},
        }
        if not accepted:
            d["decision"].update({"reason": "no-capacity",
                                  "text": "Wegen mehrerer Neuaufnahmen im November können wir bis Ende Januar keine weiteren Fälle übernehmen.\nGerne prüfen wir einen neuen Antrag ab Februar."})
        s["entscheid-annahme" if accepted else "entscheid-ablehnung"] = d
    return s


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in samples().items():
        path = os.path.join(OUT, name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2, sort_keys=True)
            f.write("\n")
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
