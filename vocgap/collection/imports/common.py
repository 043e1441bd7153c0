"""What every import shares: problems named by line and column, and the report of what happened."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class ImportFailed(ValueError):
    """Nothing was written; ``errors`` lists every bad row."""

    def __init__(self, source: str, errors: list[RowError]):
        self.source = source
        self.errors = errors
        shown = "\n".join(f"{source}, {e}" for e in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{source}: {len(errors)} problem(s), nothing was imported\n{shown}{more}")


def fail(source: str, line: int, column: str, message: str) -> ImportFailed:
    """One file-level problem as the exception that stops the import."""
    return ImportFailed(source, [RowError(line, column, message)])


@dataclass
class ImportReport:
    """Counts of what was (or in a dry run would be) written, and how the file was read."""

    created: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n

    def summary(self) -> str:
        parts = [f"{n} {what}" for what, n in self.created.items() if n]
        verb = "would import " if self.dry_run else "imported "
        done = (verb + ", ".join(parts)) if parts else "nothing new to import"
        return done + (" (dry run: nothing was written)" if self.dry_run else "")


def column_limit(column) -> int | None:
    """The length a database column accepts, so a too-long cell is a row error, not a crash."""
    return getattr(column.type, "length", None)
