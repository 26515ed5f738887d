"""The coordinators' workspace in a real browser: definitions with the diagram, a broken upload
(problems shown, nothing deployed), a changed optima-alv deployed as a new version and the running
demo cases migrated to it, the report of
the demo year with its charts, the access log. axe-core on every page; screenshots."""
import base64
import os
import re
import shutil
import tempfile

import pytest

from conftest import ROOT
from server_support import PASSWORD, Server, click_and_wait_for_next_page
from test_server import alv_application

pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

SHOTS = os.path.join(ROOT, "build", "screenshots")


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=de-CH"):
        options.add_argument(arg)
    if shutil.which("chromium"):
        options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=shutil.which("chromedriver")))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("coord") / "nahtstelle.sqlite")).start()
    yield s
    s.kill()


def check(driver, name, problems):
    from axe_selenium_python import Axe
    axe = Axe(driver)
    axe.inject()
    for v in axe.run()["violations"]:
        if v.get("impact") in ("serious", "critical"):
            problems.append((name, v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]))
    os.makedirs(SHOTS, exist_ok=True)
    for w, h in ((1280, 800), (1920, 1080), (800, 1280)):
        driver.set_window_size(w, h)
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(os.path.join(SHOTS, "koordination-%s-%dx%d.png" % (name, w, h)))
    driver.set_window_size(1280, 800)


def click_and_wait(driver, element):
    """Clicks and waits for the next page."""
    click_and_wait_for_next_page(driver, element)


def image_loaded(driver, img):
    return driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)


def test_coordinator_changes_a_definition_and_reads_the_report(server, browser):
    d = browser
    base = "http://127.0.0.1:%d" % server.port
    problems = []
    d.get(base + "/login")
    d.find_element(By.ID, "username").send_keys("iiz.koordination")
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert d.current_url.endswith("/definitions"), d.current_url
    main = d.find_element(By.ID, "main").text
    for process in ["optima-alv", "optima-iv", "optima-sh", "reduced-iv", "reduced-rav", "reduced-sd"]:
        assert process in main
    check(d, "definitionen", problems)

    # Each of the six diagrams loads (drawn by the server from the BPMN DI).
    for process in ["optima-alv", "optima-iv", "optima-sh", "reduced-iv", "reduced-rav", "reduced-sd"]:
        d.get(base + "/definitions/" + process)
        img = d.find_element(By.CSS_SELECTOR, ".diagram img")
        assert image_loaded(d, img), process
        check(d, "definition-" + process, problems)

    # A running OPTIMA-ALV case on version 1 (the demo's one ALV case is closed): SD Luzern → RAV Wolhusen.
    status, created = server.client("n.frei").post("/api/cases", {"receiverOffice": "rav-wolhusen", "values": alv_application(71, last="Migra")})
    assert status == 201 and created["process"] == "optima-alv", created
    case_id = created["id"]

    # A broken upload: every problem with line and fix, nothing deployed.
    d.get(base + "/definitions/optima-alv")
    source = open(os.path.join(ROOT, "workflows", "optima-alv.bpmn"), encoding="utf-8").read()
    changed = source.replace('name="Antrag prüfen"', 'name="Antrag prüfen und entscheiden"')
    changed = re.sub(r'(<bpmn:userTask id="plan-handover"[^>]*nahtstelle:due=")[^"]*"', r'\1=add working days(today(), 7)"', changed, count=1)
    assert changed != source
    broken = changed.replace('targetRef="check-application"', 'targetRef="gibt-es-nicht"')
    folder = tempfile.mkdtemp()
    for name, text in (("kaputt.bpmn", broken), ("optima-alv.bpmn", changed)):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    d.find_element(By.ID, "file").send_keys(os.path.join(folder, "kaputt.bpmn"))
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=deploy]"))
    main = d.find_element(By.ID, "main").text
    assert "Nicht bereitgestellt" in main and "gibt-es-nicht" in main, main[:2000]
    assert d.find_elements(By.CSS_SELECTOR, "ol.source li.bad")
    assert image_loaded(d, d.find_elements(By.CSS_SELECTOR, ".diagram img")[-1])
    check(d, "definition-fehler", problems)
    status, defs = server.client("iiz.koordination").get("/api/definitions")
    alv = next(p for p in defs["items"] if p["processId"] == "optima-alv")
    assert alv["latestVersion"] == 1

    # A dry run of the edited file with a shipped example's answers: the steps with the edited
    # name, the path on its diagram; then a run that gets stuck says why and where it waits.
    d.get(base + "/definitions/optima-alv")
    d.find_element(By.CSS_SELECTOR, "#dry-run-inputs summary").click()
    click_and_wait(d, d.find_element(By.LINK_TEXT, "accepted-closed"))
    assert '"check-application"' in d.find_element(By.ID, "answers").get_attribute("value")
    d.find_element(By.ID, "file").send_keys(os.path.join(folder, "optima-alv.bpmn"))
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=simulate]"))
    result = d.find_element(By.ID, "dry-run").text
    assert "Der Fall ist bis zum Ende gelaufen" in result and "Antrag prüfen und entscheiden" in result, result
    assert "Ende: OPTIMA abgeschlossen" in result, result
    img = d.find_element(By.CSS_SELECTOR, "#dry-run .diagram img")
    assert image_loaded(d, img)
    svg = base64.b64decode(img.get_attribute("src").split(",", 1)[1]).decode("utf-8")
    assert re.search(r'data-element-id="check-decision" class="[^"]*passed', svg)
    assert re.search(r'data-element-id="throw-reduced-sd-start" class="[^"]*passed', svg)
    assert not re.search(r'data-element-id="throw-reduced-iv-start" class="[^"]*passed', svg)
    check(d, "definition-probelauf", problems)
    answers = d.find_element(By.ID, "answers")
    answers.clear()
    answers.send_keys('{"check-application": [{"decision": "accepted", "advisor": "p.baumann"}]}')
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=simulate]"))
    result = d.find_element(By.ID, "dry-run").text
    assert "Stehen geblieben" in result and "plan-handover" in result, result
    answers = d.find_element(By.ID, "answers")
    answers.clear()
    answers.send_keys('{"check-application": {"decision": 1}')
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=simulate]"))
    assert "Antworten:" in d.find_element(By.ID, "answers-error").text
    status, defs = server.client("iiz.koordination").get("/api/definitions")
    assert next(p for p in defs["items"] if p["processId"] == "optima-alv")["latestVersion"] == 1

    # The good one: version 2.
    d.find_element(By.ID, "file").send_keys(os.path.join(folder, "optima-alv.bpmn"))
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=deploy]"))
    assert "Version 2 bereitgestellt" in d.find_element(By.ID, "main").text
    d.get(base + "/definitions")
    assert "v2:" in d.find_element(By.ID, "main").text
    # Compare version 1 with 2: the renamed task and its new deadline.
    d.get(base + "/definitions/optima-alv?compare=1&with=2")
    main = d.find_element(By.ID, "main").text
    assert "Antrag prüfen und entscheiden" in main and "add working days(today(), 7)" in main, main[-3000:]
    check(d, "definition-vergleich", problems)

    # Migrate the running demo cases of version 1 to version 2: the dry run lists every case with
    # where it waits and whether it can move; «Migrieren» moves the ticked ones (all movable).
    d.get(base + "/definitions/optima-alv")
    Select(d.find_element(By.ID, "mig-from")).select_by_value("1")
    Select(d.find_element(By.ID, "mig-to")).select_by_value("2")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=dryrun]"))
    main = d.find_element(By.ID, "main").text
    assert "Probelauf: Version 1 → Version 2" in main, main[-3000:]
    row = d.find_element(By.XPATH, "//section[@id='migration']//tr[td[2][normalize-space()='%s']]" % case_id)
    assert "kann wechseln" in row.text and "Antrag prüfen (check-application)" in row.text, row.text
    assert row.find_element(By.CSS_SELECTOR, "input[name=instance]").is_selected()
    check(d, "migration-probelauf", problems)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=migrate]"))
    main = d.find_element(By.ID, "main").text
    assert "auf Version 2 migriert" in main, main[-3000:]
    row = d.find_element(By.XPATH, "//section[@id='migration']//tr[td[1][normalize-space()='%s']]" % case_id)
    assert "migriert, jetzt auf Version 2" in row.text, row.text
    check(d, "migration-ergebnis", problems)
    # The case is on version 2 now: a dry run from 2 back to 1 lists it.
    Select(d.find_element(By.ID, "mig-from")).select_by_value("2")
    Select(d.find_element(By.ID, "mig-to")).select_by_value("1")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=dryrun]"))
    cases = [td.text for td in d.find_elements(By.CSS_SELECTOR, "#migration tbody tr td:nth-child(2)")]
    assert case_id in cases, cases

    # The report of the demo year, with its charts; the access log.
    d.get(base + "/reports?from=01.01.2026&to=31.12.2026")
    charts = d.find_elements(By.CSS_SELECTOR, "figure.chart img")
    assert len(charts) >= 5 and all(image_loaded(d, c) for c in charts)
    assert "Anträge" in d.find_element(By.ID, "main").text
    check(d, "berichte", problems)
    d.get(base + "/audit?caseId=OPT-2026-0001")
    assert "OPT-2026-0001" in d.find_element(By.ID, "main").text
    check(d, "zugriffsprotokoll", problems)
    assert not problems, problems


def fetch_with_session(driver, url):
    """Downloads a link of the page with the browser's session cookie (as the browser would)."""
    import urllib.request
    cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookies}), timeout=60) as response:
        return response.status, response.headers, response.read()


def test_coordinator_uploads_a_template_and_reads_the_forms(server, browser):
    import io

    docx = pytest.importorskip("docx")
    d = browser
    base = "http://127.0.0.1:%d" % server.port
    problems = []
    d.get(base + "/templates")
    if "/login" in d.current_url:
        d.find_element(By.ID, "username").send_keys("iiz.koordination")
        d.find_element(By.ID, "password").send_keys(PASSWORD)
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        d.get(base + "/templates")
    nav = d.find_element(By.CSS_SELECTOR, "nav[aria-label=Hauptnavigation]").text
    assert "Vorlagen" in nav and "Formulare" in nav, nav
    assert "entscheid-annahme.docx" in d.find_element(By.ID, "main").text
    check(d, "vorlagen", problems)

    # A coordinator changes a text of the shipped template in Word (here: python-docx) ...
    def edited(change):
        document = docx.Document(os.path.join(ROOT, "templates", "entscheid-annahme.docx"))
        change(document)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    def greet(document):
        runs = [r for p in document.paragraphs for r in p.runs if r.text == "Freundliche Grüsse"]
        assert runs, "Grussformel nicht gefunden"
        runs[0].text = "Freundliche Grüsse aus dem Kanton Luzern"

    def misspell(document):
        document.add_paragraph("Telefon: {{person.phon}} {{#case.process}}")

    folder = tempfile.mkdtemp()
    for name, change in (("kaputt.docx", misspell), ("entscheid-annahme-neu.docx", greet)):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(edited(change))

    # ... a broken file: every problem with its place and fix, nothing stored.
    d.get(base + "/templates/entscheid-annahme")
    d.find_element(By.ID, "file").send_keys(os.path.join(folder, "kaputt.docx"))
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=upload]"))
    main = d.find_element(By.ID, "main").text
    assert "Nicht übernommen" in main and "person.phon" in main and "Absatz" in main, main[:2000]
    check(d, "vorlage-fehler", problems)
    status, item = server.client("iiz.koordination").get("/api/templates/entscheid-annahme")
    assert item["currentVersion"] == 1

    # ... the changed one becomes version 2; its preview (sample data) has the new text.
    d.find_element(By.ID, "file").send_keys(os.path.join(folder, "entscheid-annahme-neu.docx"))
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "button[value=upload]"))
    main = d.find_element(By.ID, "main").text
    assert "Version 2 übernommen" in main, main[:2000]
    check(d, "vorlage", problems)
    link = d.find_element(By.CSS_SELECTOR, "a[href$='/versions/2/preview']")
    status, headers, body = fetch_with_session(d, link.get_attribute("href"))
    assert status == 200 and "vorschau" in headers.get("Content-Disposition", "")
    preview = docx.Document(io.BytesIO(body))
    text = "\n".join(p.text for p in preview.paragraphs)
    assert "Freundliche Grüsse aus dem Kanton Luzern" in text and "Muster-Gashi" in text and "{{" not in text, text[:1500]
    d.get(base + "/templates")
    assert "v2:" in d.find_element(By.ID, "main").text

    # The forms: the list and one form with every field, type and rule.
    d.get(base + "/forms")
    check(d, "formulare", problems)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "a[href='/forms/pruefung-antrag']"))
    main = d.find_element(By.ID, "main").text
    assert "Ablehnungsgrund" in main and "Pflicht, wenn «Entscheid»" in main, main[:2000]
    check(d, "formular-pruefung-antrag", problems)
    d.get(base + "/forms/kostengutsprache-antrag")
    assert "Spalte:" in d.find_element(By.ID, "main").text
    check(d, "formular-kostengutsprache", problems)

    # The pseudonymised export from the reports page (the demo's key): no names, no AHV numbers.
    d.get(base + "/reports")
    link = d.find_element(By.PARTIAL_LINK_TEXT, "Pseudonymisierter Fallexport (CSV)")
    status, headers, body = fetch_with_session(d, link.get_attribute("href"))
    csv_text = body.decode("utf-8")
    assert status == 200 and csv_text.startswith("personKey,caseKey"), csv_text[:300]
    assert len(csv_text.splitlines()) > 1
    assert "756." not in csv_text and "OPT-" not in csv_text and "Muster" not in csv_text
    assert not problems, problems
