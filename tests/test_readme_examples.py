"""Replay the README: every ``critmin ...`` line of its fenced shell blocks, in order, runs
in process (Typer's CliRunner) on a fresh store and exits as the README says.

Conventions (the README's examples are written for them):
- a command is a line of a ```bash block that starts with ``critmin``; commands joined with
  ``;`` on one line each start with ``critmin``; an indented comment line continues the
  comment of the line above;
- a trailing ``# exits N`` says the example is meant to fail with exit code N (else 0);
- a trailing ``# not run in tests: REASON`` leaves the example out (a server that does not
  return, a run of minutes); keep these few: a slow example gets smaller parameters instead;
- words in capitals stand for what an earlier command printed: ``VERSION`` (the version the
  last import added), ``RUN_ID``/``RUN_A``/``OTHER_RUN`` (the second newest run),
  ``RUN_B`` (the newest), ``PF_ID`` (the newest portfolio), ``EVENT_ID`` (an export-control
  event of the signals store); the files an analyst downloads (``MCS2026_Commodities_Data.csv``,
  a BACI or Comtrade file) are replaced by the small public or test files in ``STAND_INS``;
- ``> FILE`` writes the command's standard output to FILE.
- ``critmin report`` runs with ``--no-pdf`` (printing with Chromium is the report tests'
  job: tests/test_report_pdf.py, tests/test_report_cli.py), so the replay runs beside the
  browser tests instead of after them.

The commands run in a temporary folder holding a link to the repository's ``tests`` (so
``tests/data/mini`` resolves as it does from the repository root) and write their files
(``out/...``) there; the store is ``$CRITMIN_DB`` in that folder.
"""

from __future__ import annotations

import os
import re
import shlex
import time
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from critmin.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
REAL_DATA = ROOT.parent / "shared" / "real-data"
#: downloads the README names -> the file each example runs on in the test
STAND_INS = {
    "MCS2026_Commodities_Data.csv": ROOT / "tests/data/usgs/mcs_release_rare_earths.csv",
    "MCS2025_World_Data.csv": ROOT / "tests/data/usgs/mcs2025-raree_world.csv",
    "BACI_HS17_Y2023_V202501.csv": ROOT / "tests/data/baci/baci_sample.csv",
    "comtrade.csv": REAL_DATA / "comtrade_ree_usa_chn_2020-2024.csv",
}
#: The replay's time is not asserted (timed unit tests fail on a busy machine): measured
#: 2026-12 on a 2-core machine under a load average of 4-10, 165-175 s of CPU, the eleven
#: ``assess`` examples a third of it; ``python tests/test_readme_examples.py`` times each.
SKIP = re.compile(r"#\s*not run in tests:\s*(.+)$")
EXITS = re.compile(r"#\s*exits\s+(\d+)")
PLACEHOLDER = re.compile(r"\b(VERSION|RUN_ID|RUN_A|RUN_B|OTHER_RUN|PF_ID|EVENT_ID)\b")


@dataclass
class Example:
    line: int  # in README.md
    text: str  # the command as written, without its comment
    exit_code: int = 0
    skip: str = ""  # why it is not run


def examples(text: str | None = None) -> list[Example]:
    """The README's ``critmin`` commands, in order."""
    text = README.read_text(encoding="utf-8") if text is None else text
    out: list[Example] = []
    fenced = False
    for i, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("```"):
            fenced = raw.strip() in ("```bash", "```sh", "```shell", "```console")
            continue
        if not fenced or not raw.strip().startswith("critmin"):
            continue
        skip = SKIP.search(raw)
        code = EXITS.search(raw)
        body = raw.split(" #", 1)[0] if " #" in raw else raw
        for part in body.split(";"):
            part = part.strip()
            assert part.startswith("critmin"), f"README.md:{i}: {part!r} is not a critmin command"
            out.append(Example(i, part, int(code.group(1)) if code else 0,
                               skip.group(1).strip() if skip else ""))  # fmt: skip
    return out


class Replay:
    """Runs examples one after the other on one store, filling placeholders."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "critmin.duckdb"
        self.runner = CliRunner()
        self.last_version: int | None = None
        self.timings: list[tuple[float, str]] = []

    def _value(self, name: str) -> str:
        from critmin.data.portfolios import list_portfolios
        from critmin.data.runs import list_runs
        from critmin.data.signals import list_events
        from critmin.data.store import Store

        if name == "VERSION":
            assert self.last_version is not None, "VERSION before any import"
            return str(self.last_version)
        with Store(self.db) as store:
            if name in ("RUN_ID", "RUN_A", "OTHER_RUN", "RUN_B"):
                ids = list(list_runs(store)["id"])  # newest first
                assert len(ids) >= 2, "the README compares runs before storing two"
                return ids[0] if name == "RUN_B" else ids[1]
            if name == "PF_ID":
                return str(list_portfolios(store)["id"].iloc[0])
            events = list_events(store, type="export_control")
            return str(events["id"].iloc[0])

    def args(self, example: Example) -> tuple[list[str], Path | None]:
        text = PLACEHOLDER.sub(lambda m: self._value(m.group(1)), example.text)
        words = shlex.split(text)[1:]
        target = None
        if ">" in words:
            at = words.index(">")
            target, words = self.folder / words[at + 1], words[:at]
        words = [str(STAND_INS[w]) if w in STAND_INS else w for w in words]
        if words[:1] == ["report"] and "--no-pdf" not in words:
            words.append("--no-pdf")
        return words, target

    def run(self, example: Example) -> str:
        words, target = self.args(example)
        start = time.process_time()  # CPU: what one core spends, whatever else the machine runs
        result = self.runner.invoke(app, words, env={"CRITMIN_DB": str(self.db)})
        self.timings.append((time.process_time() - start, example.text))
        said = f"README.md:{example.line}: {example.text} -> exit {result.exit_code}"
        assert result.exit_code == example.exit_code, (
            f"{said} (README: {example.exit_code})\n{result.output}\n{result.exception!r}"
        )
        if target is not None:
            target.write_text(result.stdout, encoding="utf-8")
        found = re.search(r"as dataset version (\d+)", result.stdout)
        if found:
            self.last_version = int(found.group(1))
        return result.output


def test_examples_are_found_in_order():
    found = examples()
    assert len(found) > 40
    assert found[0].text == "critmin assess"
    assert all(e.skip for e in found if e.text.startswith("critmin serve"))
    skipped = [e for e in found if e.skip]
    assert len(skipped) <= 3, [(e.line, e.text, e.skip) for e in skipped]


def test_extraction_conventions():
    text = "\n".join([
        "```bash",
        "critmin a --x 1   # a comment",
        "                  # continued",
        "critmin b; critmin c   # exits 2",
        "critmin serve   # not run in tests: a server",
        "```",
        "critmin outside a block",
        "```python",
        "critmin.load()",
        "```",
    ])  # fmt: skip
    found = examples(text)
    assert [(e.text, e.exit_code, e.skip) for e in found] == [
        ("critmin a --x 1", 0, ""),
        ("critmin b", 2, ""),
        ("critmin c", 2, ""),
        ("critmin serve", 0, "a server"),
    ]


def test_readme_examples_run(tmp_path, monkeypatch):
    (tmp_path / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRITMIN_DB", str(tmp_path / "critmin.duckdb"))
    replay = Replay(tmp_path)
    for example in examples():
        if not example.skip:
            replay.run(example)
    total = sum(t for t, _ in replay.timings)
    slow = sorted(replay.timings, reverse=True)[:5]
    print(f"README replay: {total:.0f} s of CPU; slowest: {slow}")


if __name__ == "__main__":  # time every example: python tests/test_readme_examples.py
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
        os.chdir(folder)
        os.environ["CRITMIN_DB"] = str(folder / "critmin.duckdb")
        replay = Replay(folder)
        first = int(sys.argv[1]) if len(sys.argv) > 1 else 0  # README line to start timing at
        for example in examples():
            if example.line < first and not example.skip and "import" in example.text:
                replay.run(example)  # the store as the README has it by then
                continue
            if example.line < first:
                continue
            if example.skip:
                print(f"skip  README.md:{example.line} {example.text} ({example.skip})")
                continue
            try:
                replay.run(example)
                status = "ok"
            except AssertionError as exc:
                status = "FAIL " + str(exc)[:2000]
            print(f"{replay.timings[-1][0]:6.1f}s README.md:{example.line} {example.text}"
                  f"  {status}", flush=True)  # fmt: skip
        print(f"total {sum(t for t, _ in replay.timings):.1f}s", file=sys.stderr)
