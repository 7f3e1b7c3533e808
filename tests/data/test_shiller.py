"""Shiller's full monthly table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubblescope.data.shiller import load_shiller_table
from bubblescope.errors import DataError
from tests.reference import SharedFiles


def test_tidy_shiller_table_loads_with_cape_peak(shared_file: SharedFiles) -> None:
    # PROVENANCE.md §1: CAPE maximum 44.20 in 1999-12; 1,865 rows 1871-01..2026-05. The tidy CSV
    # is rebuilt byte for byte from the shipped Shiller table (tests/reference.py).
    table = load_shiller_table(shared_file("shiller/shiller_monthly_tidy.csv"))
    assert len(table) == 1865
    assert str(table.index[0].date()) == "1871-01-01"
    assert table["CAPE"].idxmax().strftime("%Y-%m") == "1999-12"
    assert table["CAPE"].max() == pytest.approx(44.20, abs=0.01)
    assert {"P", "E", "CPI", "GS10", "CAPE", "excess_CAPE_yield"} <= set(table.columns)


def test_shiller_codes_are_parsed_with_october_as_point_one(tmp_path: Path) -> None:
    f = tmp_path / "ie.csv"
    f.write_text(
        "Date,P,D,E,CPI,Rate GS10,CAPE\n2025.09,1,1,1,1,4,30\n2025.1,2,1,1,1,4,31\n"
        "2025.11,3,1,1,1,4,.\n"
    )
    table = load_shiller_table(f)
    assert [d.strftime("%Y-%m") for d in table.index] == ["2025-09", "2025-10", "2025-11"]
    assert "GS10" in table.columns
    assert table["CAPE"].isna().tolist() == [False, False, True]


def test_bad_shiller_files_name_the_problem(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("Date,P,E,CPI,GS10\n2025.09,1,1,1,4\n")
    with pytest.raises(DataError, match=r"missing column\(s\) \['CAPE'\]"):
        load_shiller_table(f)
    f.write_text("Date,P,E,CPI,GS10,CAPE\n2025.09,1,x,1,4,30\n")
    with pytest.raises(DataError, match="line 2, column 'E'.*not a number"):
        load_shiller_table(f)
    f.write_text("Date,P,E,CPI,GS10,CAPE\n2025.09,1,1,1,4,30\n2025.09,1,1,1,4,30\n")
    with pytest.raises(DataError, match="2025-09 appears twice"):
        load_shiller_table(f)
    with pytest.raises(DataError, match="file not found"):
        load_shiller_table(tmp_path / "missing.csv")
