"""Issue 17 row 11: special files (FIFOs, devices) and symbolic link loops are refused with a
clear error before anything reads them; run in a subprocess with a deadline, since the
failure they cause is a hang."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from critmin.data.files import check_input
from critmin.errors import DataError

DATA = Path(__file__).parent / "data"


def critmin(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"}
    cmd = [sys.executable, "-c", "from critmin.cli.main import app; app()", "--db", str(db),
           *args]  # fmt: skip
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.csv"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("fmt", ["baci", "usgs", "critmin"])
def test_cli_import_refuses_a_fifo(tmp_path, fifo, fmt):
    r = critmin(tmp_path / "s.duckdb", "data", "import", str(fifo), "--format", fmt)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "FIFO" in r.stderr and "fifo.csv" in r.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_cli_refuses_devices(tmp_path, device):
    r = critmin(tmp_path / "s.duckdb", "data", "import", device, "--format", "baci")
    assert r.returncode == 2 and "a device" in r.stderr, r.stderr
    r = critmin(tmp_path / "s.duckdb", "signals", "ingest", device)
    assert r.returncode == 2 and "a device" in r.stderr, r.stderr


def test_cli_refuses_a_fifo_scenario_and_articles(tmp_path, fifo):
    r = critmin(tmp_path / "s.duckdb", "simulate", str(fifo), "--draws", "2")
    assert r.returncode == 2 and "FIFO" in r.stderr, r.stderr
    r = critmin(tmp_path / "s.duckdb", "signals", "ingest", str(fifo))
    assert r.returncode == 2 and "FIFO" in r.stderr, r.stderr


def test_symlink_loop_in_a_dataset_folder_is_refused(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(DATA / "mini", folder)
    (folder / "trade.csv").unlink()
    (folder / "trade.csv").symlink_to("trade.csv")
    with pytest.raises(DataError) as exc:
        check_input(folder)
    [issue] = exc.value.issues
    assert issue.file.endswith("trade.csv") and "symbolic links" in issue.message
    r = critmin(tmp_path / "s.duckdb", "data", "import", str(folder))
    assert r.returncode == 2 and "trade.csv" in r.stderr, r.stderr
    assert "version 2" not in r.stdout


def test_deep_yaml_scenario_is_a_clear_error(tmp_path):
    r = critmin(tmp_path / "s.duckdb", "simulate",
                str(Path(__file__).parent / "hostile" / "scenario_deep_2000.yaml"))  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert "nested deeper than 64 levels" in r.stderr and "Traceback" not in r.stderr
