"""A real `nahtstelle serve` on a free port, and a small JSON client over real sockets (stdlib only)."""
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time

from conftest import ROOT, nahtstelle_bin

PASSWORD = "optima-demo-2026"


class Server:
    """Starts `nahtstelle serve` (port 0: a free port) and reads the URL it prints."""

    def __init__(self, db, demo=True, extra_env=None):
        self.db = db
        self.demo = demo
        self.env = dict(os.environ, **(extra_env or {}))
        self.proc = None
        self.port = None
        self.output = []

    def start(self, timeout=180):
        args = [nahtstelle_bin(), "serve", "--db", self.db, "--port", "0", "--root", str(ROOT)]
        if self.demo:
            args.append("--demo")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env, cwd=ROOT)
        found = threading.Event()

        def read_stdout():
            for line in self.proc.stdout:
                self.output.append(line)
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    found.set()

        def read_stderr():
            for line in self.proc.stderr:
                self.output.append(line)

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=read_stderr, daemon=True).start()
        if not found.wait(timeout):
            self.kill()
            raise AssertionError("Server meldet keine URL:\n" + "".join(self.output[-40:]))
        return self

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def terminate(self, timeout=30):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def client(self, user=None):
        c = Client(self.port)
        if user:
            c.login(user)
        return c


class Client:
    def __init__(self, port):
        self.port = port
        self.token = None

    def request(self, method, path, body=None, headers=None, raw=False, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        if self.token:
            h.setdefault("Authorization", "Bearer " + self.token)
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        payload = r.read()
        conn.close()
        if raw:
            return r.status, dict(r.getheaders()), payload
        try:
            return r.status, json.loads(payload) if payload else None
        except ValueError:
            return r.status, payload.decode("utf-8", "replace")

    def login(self, user, password=PASSWORD):
        status, answer = self.request("POST", "/api/session", {"username": user, "password": password})
        assert status == 200, (user, status, answer)
        self.token = answer["token"]
        return answer

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body=None):
        return self.request("POST", path, body)


def wait_for(predicate, timeout=30, interval=0.2):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def click_and_wait_for_next_page(driver, element, timeout=30):
    """Clicks `element` and waits until the browser shows a new, fully loaded document.

    The old document's window gets a mark before the click; the next page has none. Errors of the
    driver while the browser navigates (a node of the old document that is gone, a script context
    torn down) are part of waiting, not failures: chromedriver reports them in several ways.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__nahtstelleOldPage = true")
    element.click()

    def next_page_loaded(d):
        return d.execute_script(
            "return window.__nahtstelleOldPage !== true && document.readyState === 'complete'")

    WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(next_page_loaded)
