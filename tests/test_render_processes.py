"""Render processes: nothing inherited from the server, gone with their parent, bounded."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vocgap.reporting.batch import MEMORY_LIMIT_BYTES, _limit_memory
from vocgap.reporting.processes import render_pool
from vocgap.reporting.render import RenderTimeout, time_limit

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")


def open_sockets() -> set[str]:
    """The socket inodes this process holds."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def address_space_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_AS)[0]


def test_render_processes_inherit_no_socket_or_file():
    """A gunicorn worker's listening socket is inheritable; a render process must not hold it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.set_inheritable(True)
    held = os.readlink(f"/proc/self/fd/{listener.fileno()}")
    try:
        with render_pool(1, _limit_memory) as pool:
            in_child = pool.submit(open_sockets).result(timeout=60)
            limit = pool.submit(address_space_limit).result(timeout=60)
    finally:
        listener.close()
    assert held not in in_child
    assert limit == MEMORY_LIMIT_BYTES


PARENT = """
import os, sys, time
sys.path.insert(0, {root!r})
from vocgap.reporting.processes import render_pool
pool = render_pool(1)
print(pool.submit(os.getpid).result(timeout=60), flush=True)
time.sleep(120)
"""


def test_render_processes_die_with_their_parent():
    parent = subprocess.Popen([sys.executable, "-c", PARENT.format(root=str(ROOT))],
                              stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert Path(f"/proc/{child}").exists()
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        parent.stdout.close()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        stat = Path(f"/proc/{child}/stat").read_text() if Path(f"/proc/{child}").exists() else ""
        if ") Z " in stat:
            break
        time.sleep(0.1)
    alive = Path(f"/proc/{child}").exists() and ") Z " not in Path(
        f"/proc/{child}/stat").read_text()
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the render process outlived its parent"


def test_a_runaway_render_is_stopped():
    with pytest.raises(RenderTimeout), time_limit(1):
        time.sleep(5)
