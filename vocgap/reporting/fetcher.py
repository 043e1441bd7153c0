"""The only URL fetcher reports use: packaged assets and inline data, never the network or disk."""

from __future__ import annotations

import base64
import mimetypes
from urllib.parse import unquote

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..paths import TEMPLATES_DIR

ASSETS = (TEMPLATES_DIR / "report").resolve()
SCHEME = "vocgap-asset:"


class PackagedFetcher(URLFetcher):
    """Serves ``vocgap-asset:`` files from templates/report and ``data:`` URIs; refuses the rest.

    Every refused URL is kept in ``refused`` so tests (and logs) can see what a document asked for.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("vocgap-asset", "data"), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        if url.startswith(SCHEME):
            path = (ASSETS / unquote(url[len(SCHEME):]).lstrip("/")).resolve()
            if ASSETS in path.parents and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        elif url.startswith("data:") and ";base64," in url[:200]:
            head, payload = url.split(",", 1)
            mime = head[5:].split(";")[0] or "application/octet-stream"
            return URLFetcherResponse(url, base64.b64decode(payload), {"Content-Type": mime})
        self.refused.append(url)
        raise ValueError(f"reports do not fetch {url[:80]!r}")

