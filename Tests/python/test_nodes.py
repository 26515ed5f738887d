"""Several `nahtstelle serve` nodes on one PostgreSQL database (issue 13): three real processes,
each on its own port, sharing sessions, tasks and timers through the database.

- 50 concurrent claims of one task spread over the nodes: exactly one wins; then 50 concurrent
  completions: exactly one, one history entry. Tokens signed in on one node work on the others.
- 200 timers due at once: each fires exactly once, shared out between the nodes.
- kill -9 of one node, again and again, while 16 clients complete tasks through all three: every
  acknowledged completion is there, nothing twice, the invariant check is empty, and the surviving
  nodes go on serving.

Needs the throw-away cluster of `scripts/pg-cluster` (scripts/test starts it and sets
NAHTSTELLE_TEST_POSTGRES_URL); every test gets a database of its own and drops it.
"""
import concurrent.futures
import http.client
import datetime
import json
import os
import random
import re
import subprocess
import threading
import time
import urllib.parse
import uuid

import pytest

from conftest import ROOT, nahtstelle_bin
from server_support import PASSWORD, Server, wait_for
from test_server import alv_application, new_check_tasks

TIMER_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="nodes-timer-definitions" targetNamespace="https://nahtstelle.example/tests">
  <bpmn:process id="nodes-timer" name="Zeitgeber für den Mehrknotentest" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="Fällig">
      <bpmn:timerEventDefinition>
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">=date and time(due)</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def base_url():
    url = os.environ.get("NAHTSTELLE_TEST_POSTGRES_URL", "")
    if not url:
        pytest.fail("NAHTSTELLE_TEST_POSTGRES_URL fehlt: scripts/test startet den Wegwerf-Cluster; von Hand "
                    "`export NAHTSTELLE_TEST_POSTGRES_URL=$(scripts/pg-cluster start)`.")
    return url


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def database():
    """A fresh database on the test cluster, dropped afterwards."""
    base = base_url()
    name = "nodes_" + uuid.uuid4().hex[:12]
    psql(base, "CREATE DATABASE " + name)
    parts = urllib.parse.urlsplit(base)
    url = urllib.parse.urlunsplit(parts._replace(path="/" + name))
    yield url
    psql(base, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


class Nodes:
    def __init__(self, url):
        self.url = url
        self.servers = []

    def start(self, count, demo_first=True, extra_env=None):
        # One node sets the installation up (demo offices, users, cases); the others join it.
        self.servers.append(Server(self.url, demo=demo_first, extra_env=extra_env).start())
        for _ in range(count - 1):
            self.servers.append(Server(self.url, demo=False, extra_env=extra_env).start())
        return self

    def stop(self):
        for s in self.servers:
            s.kill()


@pytest.fixture
def nodes(database):
    n = Nodes(database)
    yield n
    n.stop()


def test_fifty_claims_and_completions_spread_over_three_nodes(nodes):
    nodes.start(3)
    a, b, c = nodes.servers
    claim_task, complete_task = new_check_tasks(a, 2, 300)
    # Sessions live in the database: a token from node a works on b and c.
    token = a.client("m.bucher").token
    for s in (b, c):
        other = s.client()
        other.token = token
        assert other.get("/api/me")[0] == 200
    clients = []
    for i in range(50):
        cl = nodes.servers[i % 3].client()
        cl.token = token
        clients.append(cl)

    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(lambda cl: cl.post("/api/tasks/%d/claim" % claim_task)[0], clients))
    assert statuses.count(200) == 1, statuses
    assert statuses.count(409) == 49, statuses

    body = {"values": {"decision": "accepted", "advisor": "p.baumann"}}
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(lambda cl: cl.post("/api/tasks/%d/complete" % complete_task, body)[0], clients))
    assert statuses.count(200) == 1, statuses
    assert statuses.count(409) == 49, statuses
    entries = psql(nodes.url, "SELECT COUNT(*) FROM history WHERE task_id = %d AND command = 'complete'" % complete_task)
    assert entries == "1"

    # 24 applications at once through the three nodes: each gets its own case number (two that
    # chose the same next number meet on the key; the later one runs again and takes the next).
    # One sign-in, its token used through every node (sign-ins of one user and address are
    # limited to 5 at once, see the end of this test).
    frei = a.client("n.frei").token

    def submit(i):
        cl = nodes.servers[i % 3].client()
        cl.token = frei
        return cl.post("/api/cases", {"receiverOffice": "rav-wolhusen", "values": alv_application(400 + i, last="Gleichzeitig%d" % i)})

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(submit, range(24)))
    assert [status for status, _ in answers] == [201] * 24, answers
    assert len({created["id"] for _, created in answers}) == 24

    # The sign-in limit holds across nodes: 20 wrong passwords at once for one user from one
    # address, spread over the three nodes, give exactly 5 answers 401 and 15 answers 429
    # (each attempt is counted before its password is checked); the right password is refused too.
    def wrong(i):
        return nodes.servers[i % 3].client().post("/api/session", {"username": "k.bucheli", "password": "falsch-%d" % i})[0]

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(wrong, range(20)))
    assert statuses.count(401) == 5 and statuses.count(429) == 15, statuses
    right = nodes.servers[1].client().post("/api/session", {"username": "k.bucheli", "password": PASSWORD})
    assert right[0] == 429, right


def test_two_hundred_timers_due_at_once_fire_once_each(nodes, tmp_path):
    nodes.start(3, demo_first=False)
    definition = tmp_path / "nodes-timer.bpmn"
    definition.write_text(TIMER_PROCESS, encoding="utf-8")
    deploy = subprocess.run([nahtstelle_bin(), "deploy", "--db", nodes.url, str(definition)], capture_output=True, text=True, cwd=ROOT)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    # Due a few seconds after the last of them is started: all 200 at the same instant.
    due = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    variables = tmp_path / "due.json"
    variables.write_text(json.dumps({"due": due}), encoding="utf-8")
    start = subprocess.run([nahtstelle_bin(), "start", "--db", nodes.url, "nodes-timer", "--variables", str(variables), "--count", "200"],
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert start.returncode == 0, start.stdout + start.stderr
    assert psql(nodes.url, "SELECT COUNT(*) FROM job") == "200"

    done = wait_for(lambda: psql(nodes.url, "SELECT COUNT(*) FROM instance WHERE process_id = 'nodes-timer' AND status = 'completed'") == "200",
                    timeout=120, interval=0.5)
    assert done, psql(nodes.url, "SELECT status, COUNT(*) FROM instance WHERE process_id = 'nodes-timer' GROUP BY 1")
    assert psql(nodes.url, "SELECT COUNT(*) FROM job") == "0"
    fired = psql(nodes.url, """
        SELECT COUNT(*), COUNT(DISTINCT h.instance_id) FROM history h JOIN instance i ON i.id = h.instance_id
        WHERE i.process_id = 'nodes-timer' AND h.command = 'timer'""")
    assert fired == "200|200", fired
    shares = []
    for s in nodes.servers:
        assert s.proc.poll() is None, "".join(s.output[-20:])
        assert s.client().get("/health")[0] == 200
        # Each node logs how many timers it fired per round: shown, not asserted (which node
        # wakes first is up to the scheduler), but the sum must be 200.
        shares.append(sum(int(m) for line in s.output if "Zeitgeber ausgelöst" in line for m in re.findall(r"anzahl=(\d+)", line)))
    print("Zeitgeber je Knoten:", shares)
    assert sum(shares) == 200, shares


def test_kill_9_of_one_node_while_clients_complete_through_all(nodes):
    rounds = int(os.environ.get("NAHTSTELLE_NODE_KILL_ROUNDS", "20"))
    nodes.start(3)
    a, b, victim = nodes.servers
    tasks = new_check_tasks(a, 16 * 5, 2000)
    token = a.client("m.bucher").token
    acknowledged = set()
    remaining = list(tasks)
    lock = threading.Lock()
    random.seed(13)
    body = {"values": {"decision": "accepted", "advisor": "p.baumann"}}

    for round_ in range(rounds):
        if round_ > 0:
            victim = Server(nodes.url, demo=False).start()
            nodes.servers.append(victim)
        live = [a, b, victim]
        stop = threading.Event()

        def worker(i):
            server = live[i % 3]
            while not stop.is_set():
                with lock:
                    if not remaining:
                        return
                    task = remaining.pop()
                cl = server.client()
                cl.token = token
                try:
                    status, _ = cl.post("/api/tasks/%d/complete" % task, body)
                except (OSError, http.client.HTTPException):  # killed before or while it answered
                    # The node died: not acknowledged (may or may not be done); go on through a survivor.
                    with lock:
                        remaining.append(task)
                    server = live[i % 2]
                    continue
                with lock:
                    if status in (200, 409):
                        acknowledged.add(task)  # 409: completed by an earlier request whose answer was lost
                    else:
                        remaining.append(task)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
        with lock:
            before = len(acknowledged)
        for t in threads:
            t.start()
        wait_for(lambda: len(acknowledged) > before or not remaining, timeout=30, interval=0.01)
        time.sleep(random.uniform(0.0, 0.4))
        victim.kill()
        time.sleep(random.uniform(0.0, 0.2))
        stop.set()
        for t in threads:
            t.join(60)
        ids = ",".join(map(str, tasks))
        states = dict(line.split("|") for line in psql(nodes.url, "SELECT id, state FROM task WHERE id IN (%s)" % ids).splitlines())
        lost = [t for t in acknowledged if states.get(str(t)) != "completed"]
        assert not lost, "Runde %d: bestätigte Erledigungen fehlen: %s" % (round_, lost)
        twice = psql(nodes.url, "SELECT COUNT(*) FROM (SELECT task_id FROM history WHERE command = 'complete' AND task_id IS NOT NULL "
                                "GROUP BY 1 HAVING COUNT(*) > 1) x")
        duplicates = psql(nodes.url, "SELECT COUNT(*) FROM (SELECT instance_id, token_id FROM task WHERE ended_at IS NULL "
                                     "GROUP BY 1, 2 HAVING COUNT(*) > 1) x")
        assert twice == "0" and duplicates == "0"
        with lock:
            remaining[:] = [t for t in remaining if states.get(str(t)) != "completed"]
            if not remaining:
                fresh = new_check_tasks(a, 16, 6000 + round_ * 16)
                tasks.extend(fresh)
                remaining.extend(fresh)
    check = subprocess.run([nahtstelle_bin(), "check", "--db", nodes.url, "--root", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(acknowledged) >= rounds
    # The survivors go on serving: a new case and its task completed through each.
    for n, s in enumerate((a, b)):
        assert s.proc.poll() is None
        fresh = new_check_tasks(s, 1, 9000 + n)[0]
        cl = s.client()
        cl.token = token
        assert cl.post("/api/tasks/%d/complete" % fresh, body)[0] == 200
