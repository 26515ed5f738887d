"""The application's schema is the same on both backends: a SQLite file and a PostgreSQL database,
each migrated by the real binary, compared table by table — columns (type, nullability, default,
"C" collation, identity), keys, foreign keys, CHECK counts, indexes with their conditions, and the
append-only triggers with their messages (schema_parity.py). The engine's own tables differ on
purpose in a few indexes (see PostgresMigrations) and are only reported."""
import subprocess

from conftest import ROOT, nahtstelle_bin
from schema_parity import main as compare
from test_nodes import database  # noqa: F401  (fixture: a fresh database on the test cluster)


def test_case_tables_are_the_same_on_sqlite_and_postgres(tmp_path, database, capsys):  # noqa: F811
    sqlite_file = str(tmp_path / "parity.sqlite")
    for db in (sqlite_file, database):
        # `deploy` migrates the engine's tables; `check` opens the application, which adds its own.
        deployed = subprocess.run([nahtstelle_bin(), "deploy", "--db", db, str(ROOT / "workflows" / "optima-alv.bpmn")],
                                  capture_output=True, text=True, cwd=ROOT)
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        checked = subprocess.run([nahtstelle_bin(), "check", "--db", db, "--root", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    result = compare(sqlite_file, database)
    out = capsys.readouterr().out
    assert result == 0, out
    assert "0 differences" in out
