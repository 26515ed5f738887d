"""Moving and saving an installation (issue 13): `nahtstelle backup` of a running SQLite
installation, and `nahtstelle store copy` from SQLite to an empty PostgreSQL database; each result
is checked as a user would use it — a server started on it, signing in, the same cases and the
same document bytes, new cases and completions that go on from the copied ids."""
import sqlite3
import subprocess
import threading

from conftest import ROOT, nahtstelle_bin
from server_support import Server
from test_nodes import database, psql  # noqa: F401  (the fixture: a fresh database on the test cluster)
from test_server import new_check_tasks

BODY = {"values": {"decision": "accepted", "advisor": "p.baumann"}}


def cli(*args):
    return subprocess.run([nahtstelle_bin(), *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def sqlite_counts(path):
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'")]
        return {t: con.execute('SELECT COUNT(*) FROM "%s"' % t).fetchone()[0] for t in tables}
    finally:
        con.close()


def postgres_counts(url, tables):
    return {t: int(psql(url, 'SELECT COUNT(*) FROM "%s"' % t)) for t in tables}


def cases_and_document(server, user="n.frei"):
    c = server.client(user)
    status, cases = c.get("/api/cases?limit=100")
    assert status == 200, cases
    ids = sorted(item["id"] for item in cases["items"])
    status, docs = c.get("/api/cases/%s/documents" % ids[0])
    assert status == 200 and docs["items"], docs
    status, _, payload = c.request("GET", docs["items"][0]["url"], raw=True)
    assert status == 200
    return ids, payload


def test_online_backup_while_clients_complete_tasks(tmp_path):
    db = str(tmp_path / "live.sqlite")
    backup = str(tmp_path / "backup.sqlite")
    s = Server(db, demo=True).start()
    try:
        tasks = new_check_tasks(s, 12, 7000)
        contact = s.client("m.bucher")
        done = []

        def complete():
            for task in tasks:
                done.append(contact.post("/api/tasks/%d/complete" % task, BODY)[0])

        worker = threading.Thread(target=complete)
        worker.start()
        made = cli("backup", "--db", db, "--to", backup)
        worker.join(120)
        assert made.returncode == 0, made.stdout + made.stderr
        assert "Sicherung geprüft: keine Widersprüche." in made.stdout
        assert done.count(200) == len(tasks)
        # Never overwritten.
        again = cli("backup", "--db", db, "--to", backup)
        assert again.returncode != 0 and "nie überschrieben" in again.stderr
        live_ids, live_doc = cases_and_document(s)
    finally:
        s.kill()
    # The backup restores: the same checks as the live file, and a server on it serves its cases.
    check = cli("check", "--db", backup)
    assert check.returncode == 0, check.stdout + check.stderr
    # No case was added while the backup ran (completions were): the same cases.
    assert sqlite_counts(backup)["optima_case"] == sqlite_counts(db)["optima_case"]
    restored = Server(backup, demo=False).start()
    try:
        ids, doc = cases_and_document(restored)
        assert ids == live_ids and doc == live_doc
    finally:
        restored.kill()


def test_copy_from_sqlite_to_postgres_and_serve_from_there(tmp_path, database):  # noqa: F811
    db = str(tmp_path / "source.sqlite")
    s = Server(db, demo=True).start()
    try:
        tasks = new_check_tasks(s, 3, 7100)
        assert s.client("m.bucher").post("/api/tasks/%d/complete" % tasks[0], BODY)[0] == 200
        source_ids, source_doc = cases_and_document(s)
    finally:
        assert s.terminate() == 0
    before = sqlite_counts(db)

    copied = cli("store", "copy", "--from", "sqlite:" + db, "--to", database)
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert "Ziel geprüft: gleiche Zeilenzahlen, keine Widersprüche." in copied.stdout
    assert postgres_counts(database, before) == before
    # Into a database with data: refused, nothing written.
    again = cli("store", "copy", "--from", "sqlite:" + db, "--to", database)
    assert again.returncode != 0 and "enthält schon Daten" in again.stderr, again.stdout + again.stderr
    assert postgres_counts(database, before) == before
    check = cli("check", "--db", database, "--root", str(ROOT))
    assert check.returncode == 0, check.stdout + check.stderr

    # A server on the copy: the same passwords, cases and document bytes; new rows continue the ids.
    pg = Server(database, demo=False).start()
    try:
        ids, doc = cases_and_document(pg)
        assert ids == source_ids and doc == source_doc
        fresh = new_check_tasks(pg, 1, 7200)[0]
        assert fresh > max(tasks)
        assert pg.client("m.bucher").post("/api/tasks/%d/complete" % tasks[1], BODY)[0] == 200
        assert pg.client("m.bucher").post("/api/tasks/%d/complete" % fresh, BODY)[0] == 200
    finally:
        pg.kill()
