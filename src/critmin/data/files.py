"""Input files before they are read: regular files only, and YAML of bounded nesting.

A FIFO or a device (``/dev/zero``) given as input would hang a reader, a symbolic link loop
would read as a missing file, and a YAML document nested 2,000 levels deep exhausts the
parser's recursion: each is refused here with an error naming the file.
"""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from critmin.errors import DataError, Issue

MAX_YAML_DEPTH = 64


def check_input(p: Path) -> None:
    """A regular file or a folder of them: anything else (missing, a FIFO, a device, a
    symlink loop) is refused by name before it is read (a FIFO or /dev/zero would hang)."""
    issues = []
    items = [p]
    if p.is_dir():
        items += sorted(p.rglob("*"))
    for item in items:
        try:
            mode = item.stat().st_mode
        except FileNotFoundError:
            what = "a broken symbolic link" if item.is_symlink() else "no such file or folder"
            issues.append(Issue(str(item), None, None, what))
            continue
        except OSError as exc:  # ELOOP: a symbolic link loop
            issues.append(Issue(str(item), None, None, f"cannot be read: {exc.strerror}"))
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device"
                    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket"
                    if stat.S_ISSOCK(mode) else "not a regular file")  # fmt: skip
            issues.append(Issue(str(item), None, None, f"{kind}, not a regular file; refused"))
    if issues:
        raise DataError(issues)


def check_yaml_depth(text: str, file: str, max_depth: int = MAX_YAML_DEPTH) -> None:
    """Refuse YAML (or JSON) nested deeper than ``max_depth`` before it is composed: the
    event parser is iterative, so this check cannot itself run out of stack."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise DataError([Issue(file, line, None, f"nested deeper than {max_depth} "
                                           "levels; refused")])  # fmt: skip
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # not valid YAML: the loader reports it with its own message


def read_checked_text(path: Path, max_bytes: int = 10 << 20) -> str:
    """The text of a small input file (a scenario), checked first (:func:`check_input`)."""
    check_input(path)
    if path.is_dir():
        raise DataError([Issue(str(path), None, None, "a folder, not a file")])
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DataError([Issue(str(path), None, None, f"larger than {max_bytes >> 20} MiB")])
    return data.decode("utf-8-sig", errors="replace")


def check_scenario_arg(scenario: str) -> str:
    """A scenario argument (a built-in name or a file): when it names a file, refused if it
    is not a regular file (a FIFO would hang the reader) or nests too deep (the YAML loader
    would raise RecursionError). Returns the argument."""
    import os

    if os.path.lexists(scenario) or scenario.endswith((".yaml", ".yml", ".json")):
        check_yaml_depth(read_checked_text(Path(scenario)), scenario)
    return scenario
