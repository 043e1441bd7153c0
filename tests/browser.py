"""A live server and headless Debian Chromium for end-to-end tests (never a downloaded browser)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from .environment import missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage"]


def require_chromium() -> None:
    """Skip on a developer machine without Chromium or Playwright; in CI their absence fails."""
    if shutil.which(CHROMIUM) is None:
        missing(CHROMIUM, "install Debian chromium: make system-deps")
    if importlib.util.find_spec("playwright") is None:
        missing("playwright", "install the test extras: make install")


@contextmanager
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def chromium():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


AXE = os.path.join(os.path.dirname(__file__), "a11y", "node_modules", "axe-core", "axe.min.js")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


def axe_violations(page) -> list[dict]:
    """Inject axe-core (from npm, see tests/a11y) into the page and return its violations."""
    if not os.path.exists(AXE):
        missing(AXE, "`make install` runs npm ci in tests/a11y")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        with open(AXE, encoding="utf-8") as source:
            page.evaluate(source.read())
    return page.evaluate(AXE_RUN)


def assert_accessible(page, where: str) -> None:
    """Zero axe-core violations, with a message naming the page and each rule broken."""
    found = axe_violations(page)
    assert not found, f"{where} ({page.url}): " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in found)
