"""A server killed hard after a PDF download leaves nothing behind that blocks the next one."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from vocgap.demo import DEMO_EMAIL, DEMO_PASSWORD
from vocgap.extensions import db
from vocgap.models import Account

from .conftest import ROOT, TEST_SECRET
from .helpers import csrf_from
from .test_analysis_web import demo

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children() -> dict[int, int]:
    """Every live process's parent, from /proc (zombies count as gone)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(root: int) -> set[int]:
    parents = children()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def start_server(port: int, env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "app:app"], cwd=ROOT,
                                env={**env, "VOCGAP_BIND": f"127.0.0.1:{port}"},
                                stdout=output, stderr=subprocess.STDOUT)


def healthy(base: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    return False


def download_pdf(base: str, path: str) -> bytes:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(base + "/consultant/login", timeout=30) as page:
        token = csrf_from(page.read().decode())
    form = urllib.parse.urlencode({"csrf_token": token, "email": DEMO_EMAIL,
                                   "password": DEMO_PASSWORD}).encode()
    opener.open(base + "/consultant/login", data=form, timeout=30).close()
    with opener.open(base + path, timeout=120) as answer:
        return answer.read()


def gone(pids: set[int], seconds: float) -> set[int]:
    """The pids still alive after waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = pids & set(children())
    return alive


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_hard_killed_server_after_a_pdf_download_restarts_on_the_same_port(app, tmp_path):
    """Does a render process outlive a SIGKILLed gunicorn and block the next one's port?"""
    study = demo(app)
    account = db.session.scalar(sa.select(Account).where(Account.name == "Greywell Pharma"))
    path = f"/consultant/studies/{study.id}/reports/accounts/{account.id}.pdf"
    db.session.remove()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCGAP_")}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=TEST_SECRET,
               VOCGAP_REPORTS_DIR=str(tmp_path / "reports"), VOCGAP_WORKERS="2",
               VOCGAP_THREADS="2")
    port, log = free_port(), tmp_path / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    first = start_server(port, env, log)
    leftovers: set[int] = set()
    second = None
    try:
        assert healthy(base, 60), log.read_text()
        workers = {pid for pid, parent in children().items() if parent == first.pid}
        assert download_pdf(base, path)[:5] == b"%PDF-"
        renderers = descendants(first.pid) - workers
        assert renderers, "the download did not start a render process"
        leftovers = renderers
        for pid in [first.pid, *workers]:
            os.kill(pid, signal.SIGKILL)
        first.wait(10)
        leftovers = gone(renderers, 10)
        assert not leftovers, f"render processes outlived the server: {leftovers}"
        second = start_server(port, env, log)
        assert healthy(base, 30), log.read_text()
        assert "Connection in use" not in log.read_text()
    finally:
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for server in (first, second):
            if server is not None and server.poll() is None:
                server.terminate()
                server.wait(30)
