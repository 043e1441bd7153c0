"""A small, independent HTTP load client: asyncio streams, HTTP/1.1 keep-alive, no dependencies.

It shares nothing with vocgap (no Flask, no test client): each virtual respondent has its own
connection and cookie jar and walks the survey as a browser would, one request at a time,
following redirects itself so that every request is timed and counted on its own. Two ways to
drive it:

- ``closed_loop``: ``concurrency`` respondents at a time, each starting as soon as another ends
  (saturation: the requests/s the server sustains);
- ``open_loop``: a respondent arrives every ``1 / rate`` seconds whether or not earlier ones are
  done (a fixed offered load: latency percentiles that queueing cannot hide).
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RADIO = re.compile(r'name="([a-z_0-9]+)" type="radio" value="([^"]+)"')
TEXTAREA = re.compile(r'<textarea[^>]*name="([a-z_0-9]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Tally:
    """Every request's latency by kind, and every failure with the respondent it hit."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: set[int] = field(default_factory=set)
    sent: dict[int, dict[str, str]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.seconds.setdefault(kind, []).append(seconds)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.seconds.values())


class Browser:
    """One respondent's browser: a keep-alive connection and a cookie jar."""

    def __init__(self, host: str, port: int, tally: Tally):
        self.host, self.port, self.tally = host, port, tally
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict | None = None,
                      kind: str = "") -> Reply:
        body = urllib.parse.urlencode(form or {}, doseq=True).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                "Accept: text/html", "Connection: keep-alive"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            head += ["Content-Type: application/x-www-form-urlencoded",
                     f"Content-Length: {len(body)}"]
        payload = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        start = time.perf_counter()
        reused = self.writer is not None
        while True:
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                self.writer.write(payload)
                await self.writer.drain()
                reply = await self._read()
                break
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                await self.close()
                # Only a kept-alive connection the server had closed before answering is tried
                # again (as browsers do); anything else is an error the caller counts.
                partial = getattr(exc, "partial", b"")
                if not reused or partial:
                    raise
                reused = False
        self.tally.add(kind or method, time.perf_counter() - start)
        if reply.headers.get("connection", "").lower() == "close":
            await self.close()
        return reply

    async def _read(self) -> Reply:
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if "expires=thu, 01 jan 1970" in value.lower() or not val:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return Reply(status, headers, body)


def answers_on(html: str) -> dict[str, str]:
    """The first option of every radio question and a short comment in every text box."""
    answers: dict[str, str] = {}
    for name, value in RADIO.findall(html):
        answers.setdefault(name, value)
    for name in TEXTAREA.findall(html):
        answers[name] = "Load test comment"
    return answers


async def respondent(host: str, port: int, pid: int, token: str, double: bool,
                     tally: Tally) -> None:
    """Open the private link, answer every page, review and submit (twice at once if
    ``double``: a double click), then read the thank-you page."""
    browser = Browser(host, port, tally)
    try:
        link = await browser.request("GET", f"/s/{token}", kind="GET link")
        if link.status != 302:
            raise RuntimeError(f"private link answered {link.status}")
        welcome = await browser.request("GET", link.location, kind="GET page")
        match = re.search(r'href="(/survey/a/\d+/p/1)"', welcome.text)
        path = match.group(1) if match else None
        sent: dict[str, str] = {}
        while path and not path.endswith("/review"):
            page = await browser.request("GET", path, kind="GET page")
            answers = answers_on(page.text)
            sent.update(answers)
            saved = await browser.request("POST", path, {
                "csrf_token": CSRF.search(page.text).group(1), "action": "next", **answers},
                kind="POST save")
            if saved.status != 302:
                raise RuntimeError(f"saving {path} answered {saved.status}")
            path = saved.location
        if not path:
            raise RuntimeError("no survey link on the welcome page")
        review = await browser.request("GET", path, kind="GET page")
        form = {"csrf_token": CSRF.search(review.text).group(1)}
        tally.sent[pid] = sent
        if double:
            twin = Browser(host, port, tally)
            twin.cookies = dict(browser.cookies)
            replies = await asyncio.gather(
                browser.request("POST", path, form, kind="POST submit"),
                twin.request("POST", path, form, kind="POST submit"))
            await twin.close()
        else:
            replies = [await browser.request("POST", path, form, kind="POST submit")]
        if any(r.status == 302 and r.location.endswith("/thanks") for r in replies):
            tally.acknowledged.add(pid)
            await browser.request("GET", next(r.location for r in replies
                                              if r.location.endswith("/thanks")), kind="GET page")
        else:
            tally.errors.append(f"{pid}: submit answered {[r.status for r in replies]}")
    except Exception as exc:  # noqa: BLE001 - count every failure, keep the load going
        tally.errors.append(f"{pid}: {type(exc).__name__}: {exc}")
    finally:
        await browser.close()


Job = Callable[[], Awaitable[None]]


async def closed_loop(jobs: list[Job], concurrency: int) -> float:
    """Run the jobs ``concurrency`` at a time; returns the wall time."""
    pending = iter(jobs)

    async def lane() -> None:
        for job in pending:
            await job()

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return time.perf_counter() - start


async def open_loop(jobs: list[Job], rate: float) -> tuple[float, int]:
    """Start one job every ``1 / rate`` seconds on schedule; returns (wall time, most jobs in
    flight at once)."""
    start = time.perf_counter()
    tasks, peak = [], 0
    for i, job in enumerate(jobs):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(job()))
        peak = max(peak, sum(not t.done() for t in tasks))
    await asyncio.gather(*tasks)
    return time.perf_counter() - start, peak
