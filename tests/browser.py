"""A live server and headless Debian Chromium for end-to-end tests (never a downloaded browser)."""

from __future__ import annotations

import importlib.util
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
