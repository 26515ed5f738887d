"""The advisors' desk (issue 10) on the real server over real sockets: e-mail notices through a
local SMTP sink (aiosmtpd) with no personal data, the PDF of a generated letter made by LibreOffice
(checked with pdftotext), a letter marked as sent in the case's history, notes, follow-up dates and
saved filters."""
import email
import email.policy
import os
import re
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

from conftest import pdf_text, require_tools
from server_support import Server, wait_for
from test_server import alv_application

try:
    from aiosmtpd.controller import Controller
except ImportError:  # nothing is skipped: say what to install
    Controller = None


class Sink:
    """Keeps every message the SMTP sink receives."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    if Controller is None:
        pytest.fail("aiosmtpd fehlt: `python3 -m pip install aiosmtpd` (scripts/setup)")
    require_tools()
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    db = str(tmp_path_factory.mktemp("desk") / "nahtstelle.sqlite")
    server = Server(db, extra_env={
        "NAHTSTELLE_SMTP_HOST": "127.0.0.1", "NAHTSTELLE_SMTP_PORT": str(port), "NAHTSTELLE_SMTP_FROM": "nahtstelle@lu.ch",
        "NAHTSTELLE_BASE_URL": "https://nahtstelle.example.ch", "NAHTSTELLE_MAIL_INTERVAL": "0.3",
    }).start()
    # The first round of the notices marks where they start: tasks from before are not announced.
    assert wait_for(lambda: any("E-Mail-Hinweise eingeschaltet" in line for line in server.output), timeout=30), "".join(server.output)
    time.sleep(1.0)
    yield server, sink, db
    server.kill()
    controller.stop()


def submit(server, n, last):
    frei = server.client("n.frei")
    status, created = frei.post("/api/cases", {"receiverOffice": "rav-wolhusen", "values": alv_application(n, last=last)})
    assert status == 201, created
    return created


def test_new_task_notice_reaches_the_sink_without_personal_data(desk):
    server, sink, _ = desk
    created = submit(server, 501, "Zumbrunnen")
    task_id = created["openTasks"][0]["id"]
    # The check task belongs to RAV Wolhusen's OPTIMA contact (m.bucher): one notice to him.
    message = wait_for(lambda: next((m for m in sink.messages if "/tasks/%d" % task_id in m[2].decode("ascii", "replace")
                                     .replace("=\r\n", "")), None), timeout=30)
    assert message, "kein Hinweis im SMTP-Sink: %s" % sink.messages
    mail_from, rcpts, raw = message
    assert mail_from == "nahtstelle@lu.ch" and rcpts == ["martin.bucher@lu.ch"], (mail_from, rcpts)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    text = parsed["Subject"] + "\n" + parsed.get_content()
    assert "https://nahtstelle.example.ch/tasks/%d" % task_id in text
    assert "https://nahtstelle.example.ch/inbox" in text
    for secret in ["Zumbrunnen", "Driton", created["id"], "756.", "Baselstrasse", "Antrag", "Gashi"]:
        assert secret not in text, (secret, text)
    # Each notice once: no second mail for the same task and person.
    time.sleep(1.5)
    same = [m for m in sink.messages if "/tasks/%d" % task_id in m[2].decode("ascii", "replace").replace("=\r\n", "")]
    assert len(same) == 1, len(same)


def test_pdf_of_a_generated_letter_and_marked_sent_in_history(desk):
    server, _, db = desk
    created = submit(server, 502, "Achermann")
    case_id = created["id"]
    bucher = server.client("m.bucher")
    check = created["openTasks"][0]["id"]
    status, outcome = bucher.post("/api/tasks/%d/complete" % check, {"values": {"decision": "accepted", "advisor": "p.baumann"}})
    assert status == 200, outcome
    status, outbox = bucher.get("/api/outbox?state=open")
    assert status == 200, outbox
    letter = next(item for item in outbox["items"] if item["document"]["caseId"] == case_id)
    assert letter["document"]["template"] == "entscheid-annahme" and letter["recipient"] == "referrer-office"
    assert letter["recipientName"] and letter["recipientAddress"], letter
    doc = letter["document"]["id"]
    # The PDF: 202 with Retry-After while LibreOffice works, then the PDF (made once).
    status, headers, payload = bucher.request("GET", "/api/documents/%d/pdf" % doc, raw=True)
    assert status in (200, 202), (status, payload)
    if status == 202:
        assert int(headers["Retry-After"]) >= 1 and "PDF" in payload.decode()
    deadline = time.time() + 240
    while status != 200 and time.time() < deadline:
        time.sleep(1)
        status, headers, payload = bucher.request("GET", "/api/documents/%d/pdf" % doc, raw=True)
        assert status in (200, 202), (status, payload)
    assert status == 200 and headers["Content-Type"] == "application/pdf" and payload[:4] == b"%PDF"
    pdf = os.path.join(os.path.dirname(db), "letter.pdf")
    with open(pdf, "wb") as f:
        f.write(payload)
    text = pdf_text(pdf)
    assert "Achermann" in text and "OPTIMA-Antrag angenommen" in text, text[:2000]
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM document_pdf WHERE document_id = ?", (doc,)).fetchone()[0] == 1
    status, _, again = bucher.request("GET", "/api/documents/%d/pdf" % doc, raw=True)
    assert status == 200 and again == payload
    # An uninvolved office gets nothing.
    status, _ = server.client("r.huber").request("GET", "/api/documents/%d/pdf" % doc)
    assert status == 404
    # Marked as sent: in the case's history and the outbox's sent list; once only.
    status, sent = bucher.post("/api/documents/%d/sent" % doc, {"channel": "post"})
    assert status == 200 and sent["sent"] and sent["dispatch"]["channel"] == "post", sent
    status, again = bucher.post("/api/documents/%d/sent" % doc, {"channel": "email"})
    assert status == 409, again
    status, history = server.client("n.frei").get("/api/cases/%s/history" % case_id)
    entry = next(h for h in history["items"] if h["command"] == "letter-sent")
    assert entry["actor"] == "m.bucher" and entry["details"]["channel"] == "post" and entry["details"]["documentId"] == doc
    status, outbox = bucher.get("/api/outbox?state=sent")
    assert any(item["document"]["id"] == doc for item in outbox["items"])
    status, bad = bucher.post("/api/documents/%d/sent" % doc, {"channel": "brieftaube"})
    assert status == 422 and "channel" in bad["error"]["fields"]


def test_notes_follow_up_and_saved_filters(desk):
    server, _, _ = desk
    created = submit(server, 503, "Bühlmann")
    case_id = created["id"]
    frei, bucher = server.client("n.frei"), server.client("m.bucher")
    status, note = frei.post("/api/cases/%s/notes" % case_id, {"text": "Herr Bühlmann ist ab Montag erreichbar."})
    assert status == 201 and note["office"] == "sd-stadt-luzern", note
    status, notes = bucher.get("/api/cases/%s/notes" % case_id)
    assert [n["text"] for n in notes["items"]] == ["Herr Bühlmann ist ab Montag erreichbar."]
    status, case = bucher.get("/api/cases/" + case_id)
    assert case["notes"][0]["authorName"] == "Nina Frei"
    assert server.client("r.huber").get("/api/cases/%s/notes" % case_id)[0] == 404
    assert frei.post("/api/cases/%s/notes" % case_id, {"text": "   "})[0] == 400
    # Follow-up date: the task leaves the contact's inbox until then.
    task = created["openTasks"][0]["id"]
    status, answer = bucher.request("PUT", "/api/tasks/%d/follow-up" % task, {"until": "2099-01-01"})
    assert status == 400, answer  # more than a year ahead
    tomorrow = time.strftime("%Y-%m-%d", time.localtime(time.time() + 2 * 86400))
    status, answer = bucher.request("PUT", "/api/tasks/%d/follow-up" % task, {"until": tomorrow})
    assert status == 200 and answer["taskId"] == task, answer
    ids = lambda q="": [t["id"] for t in bucher.get("/api/tasks?limit=200" + q)[1]["items"]]
    assert task not in ids() and task in ids("&followUp=only") and task in ids("&followUp=show")
    assert bucher.request("DELETE", "/api/tasks/%d/follow-up" % task)[0] == 204
    assert task in ids()
    # Saved filters.
    status, saved = bucher.post("/api/filters", {"name": "Überfällige", "due": "overdue", "assignee": "me"})
    assert status == 201 and saved["query"] == "due=overdue&assignee=me", saved
    assert [f["name"] for f in bucher.get("/api/filters")[1]["items"]] == ["Überfällige"]
    assert frei.request("DELETE", "/api/filters/%d" % saved["id"])[0] == 404
    assert bucher.request("DELETE", "/api/filters/%d" % saved["id"])[0] == 204
    # Notifications: list and mark all read.
    status, listed = frei.get("/api/notifications")
    assert status == 200 and "unread" in listed
    status, marked = frei.post("/api/notifications/read-all")
    assert status == 200 and frei.get("/api/notifications?unread=true")[1]["items"] == []
