"""Rendering fetches nothing from the network or the disk: the URL fetcher itself is exercised,
with a loopback listener that records every TCP connection (not only complete HTTP requests)."""

from __future__ import annotations

import socket
import threading

import pytest

from vocgap.analysis import analyse
from vocgap.reporting import render
from vocgap.reporting.fetcher import PackagedFetcher

from .factories import rated_accounts

META = {"vendor": "Vendor", "study": "Study", "wave": 1, "edition": "consultant",
        "min_group": 3}


class Listener:
    """A loopback TCP port that counts the connections it is offered."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def test_the_listener_does_see_a_connection(listener):
    """The instrument works: a real connection is counted (so zero below means none was made)."""
    with socket.create_connection(("127.0.0.1", int(listener.url.rsplit(":", 1)[1]))):
        pass
    for _ in range(50):
        if listener.connections:
            break
        threading.Event().wait(0.05)
    assert listener.connections == 1


@pytest.mark.parametrize("url", [
    "{listener}/image.png", "{listener}/../x.css", "https://127.0.0.1:1/x.css",
    "file:///etc/passwd", "file://{secret}", "ftp://127.0.0.1/x",
    "vocgap-asset:/../../vocgap/config.py", "vocgap-asset:/%2e%2e/%2e%2e/pyproject.toml",
    "vocgap-asset:/fonts/../../../LICENSE", "vocgap-asset:/missing.css",
    "data:text/plain,not-base64", "//127.0.0.1/x", "{secret}",
])
def test_the_fetcher_refuses_everything_but_packaged_files(listener, tmp_path, url):
    """Called directly, does the fetcher refuse network, disk and path tricks, connecting to
    nothing?"""
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    url = url.format(listener=listener.url, secret=secret)
    fetcher = PackagedFetcher()
    with pytest.raises(ValueError, match="reports do not fetch"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert listener.connections == 0


def test_packaged_files_and_inline_data_are_served():
    fetcher = PackagedFetcher()
    css = fetcher.fetch("vocgap-asset:/print.css")
    assert b"@page" in css.read()
    font = fetcher.fetch("vocgap-asset:/fonts/DejaVuSans.ttf")
    assert font.headers["Content-Type"] in ("font/ttf", "application/x-font-ttf",
                                            "application/octet-stream")
    inline = fetcher.fetch("data:image/png;base64,iVBORw0KGgo=")
    assert inline.headers["Content-Type"] == "image/png"
    assert fetcher.refused == []


@pytest.fixture(scope="module")
def account(request):
    from vocgap.instruments import load_instrument

    from .conftest import ROOT

    instrument = load_instrument(ROOT / "surveys" / "b2b-relationship.yaml")
    data = rated_accounts(instrument, {"Globex": (4, 3)}, seed=2)
    return analyse(data, instrument, workers=1).to_json()["accounts"][0]


def test_the_report_template_sends_its_own_links_through_the_fetcher(monkeypatch, listener,
                                                                      account):
    """The account template emits the stylesheet link itself; pointed at the listener, the link
    reaches the fetcher (not escaped text), is refused, and nothing connects."""
    seen: list[PackagedFetcher] = []

    class Recording(PackagedFetcher):
        def __init__(self):
            super().__init__()
            seen.append(self)

    monkeypatch.setattr(render, "PackagedFetcher", Recording)
    monkeypatch.setattr(render, "_STYLE", None)  # the per-process stylesheet cache too
    context = render.account_context(META, account)
    html = render.render_html("report/account.html", context, asset_base=listener.url + "/")
    assert f'href="{listener.url}/print.css"' in html
    pdf = render.html_to_pdf(html)
    assert pdf[:5] == b"%PDF-"
    assert seen and [url for f in seen for url in f.refused] == [f"{listener.url}/print.css"]
    assert listener.connections == 0


def test_a_real_account_pdf_loads_its_fonts_through_the_packaged_fetcher(monkeypatch, account):
    """The normal render path uses the packaged fetcher for the template's fonts and CSS."""
    asked: list[str] = []

    class Recording(PackagedFetcher):
        def fetch(self, url, headers=None):
            asked.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(render, "PackagedFetcher", Recording)
    monkeypatch.setattr(render, "_STYLE", None)  # parse the stylesheet and fonts again
    assert render.account_pdf(META, account)[:5] == b"%PDF-"
    assert "vocgap-asset:/print.css" in asked
    assert "vocgap-asset:/fonts/DejaVuSans.ttf" in asked
