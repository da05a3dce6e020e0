"""Errors that name the file, the row and the column of bad input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_REPORTED = 100


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in an input: where it is and what is wrong.

    ``row`` counts as a spreadsheet does: the header is row 1, the first record row 2.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            kind = "field" if self.row is None and not self.file.endswith(".csv") else "column"
            where += f", {kind} '{self.column}'"
        return f"{where}: {self.message}"


class CritminError(Exception):
    """Base class of every error critmin raises on purpose."""


class DataError(CritminError):
    """Input data that cannot be accepted; carries every issue found (up to a limit)."""

    def __init__(self, issues: Iterable[Issue], total: int | None = None) -> None:
        self.issues: list[Issue] = list(issues)[:MAX_REPORTED]
        self.total = total if total is not None else len(self.issues)
        super().__init__(self._text())

    def __reduce__(self) -> tuple[type[DataError], tuple[list[Issue], int]]:
        return type(self), (self.issues, self.total)  # crosses process boundaries intact

    def _text(self) -> str:
        n = self.total
        head = f"{n} problem{'s' if n != 1 else ''} in the input; nothing was changed:"
        lines = [head, *(f"  - {issue}" for issue in self.issues)]
        if n > len(self.issues):
            lines.append(f"  ... and {n - len(self.issues)} more")
        return "\n".join(lines)


class StoreError(CritminError):
    """The store cannot do what was asked (unknown version, locked file, ...)."""


class StoreBusy(StoreError):
    """Another process held the store longer than we waited for it."""


class IssueLog:
    """Collects issues across a whole input so that all of them are reported together."""

    def __init__(self) -> None:
        self._issues: list[Issue] = []
        self.total = 0

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.total += 1
        if len(self._issues) < MAX_REPORTED:
            self._issues.append(Issue(file, row, column, message))

    def extend(self, issues: Iterable[Issue]) -> None:
        for i in issues:
            self.add(i.file, i.row, i.column, i.message)

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def issues(self) -> list[Issue]:
        return list(self._issues)

    def raise_if_any(self) -> None:
        if self.total:
            raise DataError(sorted(self._issues, key=_sort_key), total=self.total)


def _sort_key(issue: Issue) -> tuple[str, int, str]:
    return (issue.file, issue.row or 0, issue.column or "")
