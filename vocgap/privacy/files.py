"""Files outside the database that can hold a person's name: generated reports and the outbox.

Report PDFs and batch ZIPs are deleted rather than marked stale: they are regenerated from the
database in a minute, while a stale file that still names an erased person is a breach waiting
for a download. Sent e-mails kept in the local outbox are deleted by recipient.
"""

from __future__ import annotations

import json
import re
import shutil
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path

from ..models import Study


def remove_study_reports(reports_dir: str | Path | None, study: Study) -> int:
    """Delete the study's report files and report batches; returns how many were removed."""
    if not reports_dir:
        return 0
    root = Path(reports_dir)
    removed = 0
    pattern = re.compile(rf"^{re.escape(study.short_name)}-w\d+-.+\.pdf(\.part)?$")
    if root.is_dir():
        for path in root.iterdir():
            if path.is_file() and pattern.match(path.name):
                path.unlink(missing_ok=True)
                removed += 1
    batches = root / "batches"
    folder_pattern = re.compile(rf"^{re.escape(study.short_name)}-[0-9a-f]+$")
    if batches.is_dir():
        for folder in batches.iterdir():
            if folder.is_dir() and folder_pattern.match(folder.name) and _owned_by(folder, study):
                removed += sum(1 for p in folder.rglob("*") if p.is_file())
                shutil.rmtree(folder, ignore_errors=True)
    return removed


def _owned_by(folder: Path, study: Study) -> bool:
    """A batch folder whose status names another study (same short name) is left alone."""
    status = folder / "status.json"
    try:
        owner = json.loads(status.read_text()).get("owner", "")
    except (OSError, ValueError):
        return True
    return owner in ("", str(study.id))


def remove_outbox_messages(outbox_dir: str | Path | None, addresses: set[str]) -> int:
    """Delete messages in the local outbox sent to any of these addresses; returns the count."""
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    if not outbox_dir or not wanted or not Path(outbox_dir).is_dir():
        return 0
    removed = 0
    parser = BytesHeaderParser(policy=policy.default)
    for path in Path(outbox_dir).glob("*.eml"):
        try:
            with path.open("rb") as handle:
                headers = parser.parse(handle)
        except OSError:
            continue
        recipients = {addr.lower() for _, addr in getaddresses(headers.get_all("To", []))}
        if recipients & wanted:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
