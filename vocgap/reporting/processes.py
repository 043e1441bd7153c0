"""How render processes start: spawned fresh, so they never inherit the web server's listening
socket or database handles, and killed by the kernel when the process that started them dies.

A forked child of a gunicorn worker keeps every file descriptor of the worker (the listening
socket, SQLite files, PostgreSQL connections); if the server is killed hard, such a child lives on
under PID 1 and blocks the next server's ``bind``. ``spawn`` starts each render process with
``exec`` and ``close_fds``, passing only multiprocessing's own pipes, and every render process
asks Linux for SIGKILL when its parent goes (``prctl(PR_SET_PDEATHSIG)``); elsewhere a watchdog
thread polls the parent instead.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
WATCHDOG_SECONDS = 1.0


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies; exit now if it already has."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                         name="vocgap-parent-watchdog").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def _start(parent: int, initializer: Callable[[], None] | None) -> None:
    _die_with_parent(parent)
    if initializer is not None:
        initializer()


def render_pool(workers: int, initializer: Callable[[], None] | None = None
                ) -> ProcessPoolExecutor:
    """A process pool for rendering whose processes hold nothing of the web server's."""
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start, initargs=(os.getpid(), initializer))
