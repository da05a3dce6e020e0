"""``critmin --version``: the installed package's version."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from critmin.cli import main
from critmin.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_package_version(flag):
    result = runner.invoke(app, [flag])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"critmin \d+\.\d+\.\d+\S*\n", result.stdout)
    assert result.stdout.strip() == f"critmin {main.package_version()}"


def test_version_falls_back_to_the_module_attribute(monkeypatch):
    from importlib import metadata

    import critmin

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert main.package_version() == critmin.__version__
