"""A batch of reports for the web app without a queue: a detached process renders them on a
process pool, writes its progress beside the PDFs and finishes with one ZIP.

The web request only writes the job list and starts the process; every later request reads
``status.json``, so no GET ever renders anything. Run as
``python -m vocgap.reporting.local_batch FOLDER``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .batch import Job, run_batch

JOBS = "jobs.json"
STATUS = "status.json"
ARCHIVE = "all.zip"


@dataclass
class LocalBatchStatus:
    """Progress of a batch, with the same fields as the queue's ``BatchStatus``."""

    total: int
    owner: str = ""
    finished: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    archive: str | None = None

    @property
    def pending(self) -> int:
        return self.total - len(self.finished) - len(self.failed)

    @property
    def done(self) -> bool:
        return self.archive is not None


def _write_json(path: Path, value: dict) -> None:
    """Atomically, so a reader never sees half a file."""
    temporary = path.with_suffix(".part")
    temporary.write_text(json.dumps(value))
    os.replace(temporary, path)


def is_local(folder: Path) -> bool:
    return (folder / STATUS).is_file()


def status(folder: Path) -> LocalBatchStatus:
    data = json.loads((folder / STATUS).read_text())
    data["failed"] = [tuple(f) for f in data.get("failed", [])]
    return LocalBatchStatus(**data)


def start(jobs: list[Job], folder: Path, owner: str) -> None:
    """Write the job list and the empty status, then start the rendering process."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / JOBS, {"jobs": [asdict(job) for job in jobs]})
    _write_json(folder / STATUS, asdict(LocalBatchStatus(total=len(jobs), owner=owner)))
    spawn(folder)


def spawn(folder: Path) -> subprocess.Popen:
    """Start the batch process detached from the web worker: its own session, no inherited
    descriptors (sockets included) and no terminal."""
    with open(folder / "batch.log", "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "vocgap.reporting.local_batch",
                                    str(folder)], stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=log, close_fds=True, start_new_session=True)
    # Reap it when it ends, so a long-lived web worker collects no zombies.
    threading.Thread(target=process.wait, daemon=True).start()
    return process


def run(folder: Path, workers: int | None = None) -> LocalBatchStatus:
    """Render every job, recording progress after each one, then write the ZIP."""
    jobs = [Job(**job) for job in json.loads((folder / JOBS).read_text())["jobs"]]
    state = status(folder)

    def progress(job: Job, error: str | None) -> None:
        if error:
            state.failed.append((job.name, error))
        else:
            state.finished.append(job.path)
        _write_json(folder / STATUS, asdict(state))

    run_batch(jobs, workers=workers, progress=progress)
    archive = folder / ARCHIVE
    temporary = archive.with_suffix(".zip.part")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(state.finished):
            bundle.write(path, Path(path).name)
        if state.failed:
            bundle.writestr("FAILED.txt", "\n".join(f"{name}: {why}"
                                                    for name, why in state.failed))
    os.replace(temporary, archive)
    state.archive = ARCHIVE
    _write_json(folder / STATUS, asdict(state))
    return state


if __name__ == "__main__":
    run(Path(sys.argv[1]))
