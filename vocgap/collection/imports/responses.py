"""Responses collected elsewhere (long, wide as survey tools export it, or vocgap's own export):
check every row, report the plan, then write all of it in one transaction or nothing."""

from __future__ import annotations

from collections.abc import Callable

from ...extensions import db
from ...models import Study, Wave
from .common import ImportFailed, ImportReport
from .mapping import KEY_COLUMNS, Mapping
from .plan import Checker, existing_held
from .reader import Progress, Source, open_table
from .records import read_shape
from .write import replacement_notes, write

__all__ = ["KEY_COLUMNS", "Mapping", "import_responses"]


def import_responses(study: Study, data: Source, source: str = "responses.csv", *,
                     layout: str = "auto", mapping: Mapping | None = None,
                     wave: Wave | None = None, replace: bool = False, dry_run: bool = False,
                     create_accounts: bool = False, progress: Progress | None = None,
                     before_commit: Callable[[ImportReport], None] | None = None
                     ) -> ImportReport:
    """Validate every value against the wave's instrument, then store all responses or none.

    ``progress`` receives bytes read (the file is read twice: to check, then to write);
    ``before_commit`` sees the finished report, including what ``replace`` removes, before the
    transaction commits, and may raise to abandon it.
    """
    wave = wave or study.current_wave
    instrument = wave.instrument
    mapping = mapping or Mapping()
    mapping.check_targets({i.id for i in instrument.items} | {"item", "value"}, instrument.id)
    table = open_table(data, source)
    shape = read_shape(table, instrument, mapping, layout, study.short_name)
    checker = Checker(study, wave, shape, mapping, replace=replace,
                      create_accounts=create_accounts)
    plan = checker.check(progress)
    if plan.errors:
        raise ImportFailed(source, plan.errors)
    report = ImportReport(notes=list(shape.notes), dry_run=dry_run)
    blank = [p.line for p in plan.responses.values() if p.blank]
    if blank:
        report.count("blank respondents skipped", len(blank))
        report.notes.append("skipped respondents with no answers on line(s) "
                            + ", ".join(map(str, blank[:20])) + (" …" if len(blank) > 20 else ""))
    report.notes.extend(replacement_notes(plan, *existing_held(plan)))
    try:
        write(checker, report, progress)
        db.session.flush()
        if before_commit is not None:
            before_commit(report)
        db.session.rollback() if dry_run else db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
