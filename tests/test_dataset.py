"""Reading datasets: good input round-trips, every kind of bad input is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.data.dataset import read_dataset, write_dataset
from critmin.errors import DataError


def _edit(folder: Path, name: str, old: str, new: str) -> Path:
    path = folder / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))
    return path


def _issues(folder: Path):
    with pytest.raises(DataError) as exc:
        read_dataset(folder)
    return exc.value.issues


def test_mini_reads_with_types(mini):
    prod = mini["production"]
    assert len(prod) == 10
    assert prod["quantity_t"].dtype == float
    assert set(prod["country"]) == {"CHN", "USA", "AUS", "MYS", "VNM", "JPN"}
    assert mini.meta.year == 2024


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_then_import_gives_the_same_dataset(mini, tmp_path, fmt):
    out = write_dataset(mini, tmp_path / "out", fmt)
    if fmt == "csv":
        assert read_dataset(out).equals(mini)
    else:
        assert (out / "production.parquet").exists()


def test_names_and_iso2_are_normalised_on_input(mini_copy):
    _edit(mini_copy, "production.csv", "ore,AUS,", "ore,Australia,")
    _edit(mini_copy, "production.csv", "metal,VNM,", "metal,VN,")
    ds = read_dataset(mini_copy)
    assert {"AUS", "VNM"} <= set(ds["production"]["country"])


def test_binary_file_is_not_csv(mini_copy):
    (mini_copy / "trade.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    [issue] = _issues(mini_copy)
    assert issue.file.endswith("trade.csv") and "not a CSV text file" in issue.message


def test_empty_file(mini_copy):
    (mini_copy / "trade.csv").write_text("")
    [issue] = _issues(mini_copy)
    assert issue.file.endswith("trade.csv") and "empty" in issue.message


def test_missing_column(mini_copy):
    path = mini_copy / "production.csv"
    lines = [
        ",".join(line.split(",")[:3] + line.split(",")[4:])
        for line in path.read_text().splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")
    [issue] = _issues(mini_copy)
    assert issue.row == 1 and "missing column(s): quantity_t" in issue.message


def test_unknown_column_suggests_the_right_name(mini_copy):
    _edit(mini_copy, "production.csv", "quantity_t", "quantiy_t")
    issues = _issues(mini_copy)
    assert any(i.column == "quantiy_t" and "did you mean 'quantity_t'" in i.message for i in issues)


def test_wrong_type_names_row_and_column(mini_copy):
    _edit(mini_copy, "production.csv", "ore,USA,2024,20,", "ore,USA,2024,twenty,")
    [issue] = _issues(mini_copy)
    assert (issue.file.endswith("production.csv"), issue.row, issue.column) == (
        True,
        3,
        "quantity_t",
    )
    assert "twenty" in issue.message


@pytest.mark.parametrize(("value", "text"), [("-5", "greater than or equal to 0"),
                                             ("nan", "finite"), ("inf", "finite")])  # fmt: skip
def test_negative_nan_inf_quantities(mini_copy, value, text):
    _edit(mini_copy, "trade.csv", "oxide,MYS,JPN,2024,2,", f"oxide,MYS,JPN,2024,{value},")
    [issue] = _issues(mini_copy)
    assert (issue.row, issue.column) == (3, "quantity_t")
    assert text in issue.message


def test_unknown_country_with_suggestion(mini_copy):
    _edit(mini_copy, "trade.csv", "magnet,CHN,USA", "magnet,Chna,USA")
    [issue] = _issues(mini_copy)
    assert (issue.row, issue.column) == (5, "exporter")
    assert "unknown country 'Chna'; did you mean CHN (China)" in issue.message


def test_unknown_product(mini_copy):
    _edit(mini_copy, "production.csv", "metal,VNM", "metals,VNM")
    [issue] = _issues(mini_copy)
    assert (issue.row, issue.column) == (9, "product")
    assert "unknown product 'metals'" in issue.message


def test_duplicate_key(mini_copy):
    path = mini_copy / "production.csv"
    path.write_text(path.read_text() + "ore,China,2024,61,REO,test-src,\n")
    [issue] = _issues(mini_copy)
    assert issue.row == 12 and "duplicate key" in issue.message and "of row 2" in issue.message


def test_mixed_units(mini_copy):
    _edit(mini_copy, "production.csv", "metal,VNM,2024,5,metal content", "metal,VNM,2024,5,REO")
    [issue] = _issues(mini_copy)
    assert (issue.row, issue.column) == (9, "basis")
    assert "mixed units" in issue.message


def test_assumption_needs_a_reason(mini_copy):
    _edit(mini_copy, "capacity.csv", "assumption,headroom for tests", "assumption,")
    [issue] = _issues(mini_copy)
    assert issue.row == 2 and "reasoning" in issue.message


def test_unknown_source(mini_copy):
    _edit(mini_copy, "recipes.csv", "metal,oxide,1.2,test-src", "metal,oxide,1.2,nowhere")
    [issue] = _issues(mini_copy)
    assert (issue.row, issue.column) == (
        3,
        "source",
    ) and "unknown source 'nowhere'" in issue.message


def test_shares_above_one(mini_copy):
    _edit(mini_copy, "demand.csv", "wind,2024,0.1", "wind,2024,0.3")
    [issue] = _issues(mini_copy)
    assert issue.column == "share" and "add up to 1.2" in issue.message


def test_recipe_must_go_down_the_chain(mini_copy):
    _edit(mini_copy, "recipes.csv", "oxide,ore,1.0", "ore,oxide,1.0")
    issues = _issues(mini_copy)
    assert any("earlier stage" in i.message for i in issues)


def test_all_errors_of_a_file_are_reported_together(mini_copy):
    _edit(mini_copy, "trade.csv", "oxide,MYS,JPN,2024,2,", "oxide,MYS,JPN,2024,-2,")
    _edit(mini_copy, "trade.csv", "magnet,CHN,USA", "magnet,Atlantis,USA")
    _edit(mini_copy, "production.csv", "ore,USA,2024,20,", "ore,USA,2024,x,")
    issues = _issues(mini_copy)
    assert {(Path(i.file).name, i.row, i.column) for i in issues} == {
        ("trade.csv", 3, "quantity_t"), ("trade.csv", 5, "exporter"),
        ("production.csv", 3, "quantity_t"),
    }  # fmt: skip


def test_ragged_row(mini_copy):
    _edit(mini_copy, "production.csv", "ore,AUS,2024,20,REO,test-src,", "ore,AUS,2024,20,REO")
    [issue] = _issues(mini_copy)
    assert issue.row == 4 and "has 5 fields, the header has 7" in issue.message


def test_missing_required_file(mini_copy):
    (mini_copy / "products.csv").unlink()
    issues = _issues(mini_copy)
    assert any(i.file.endswith("products.csv") and "missing" in i.message for i in issues)


def test_error_text_names_file_row_column(mini_copy):
    _edit(mini_copy, "production.csv", "ore,USA,2024,20,", "ore,USA,2024,-1,")
    with pytest.raises(DataError, match=r"production\.csv, row 3, column 'quantity_t'"):
        read_dataset(mini_copy)
