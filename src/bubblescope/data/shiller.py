"""Shiller's monthly table with all its columns (price, dividends, earnings, CPI, GS10, CAPE).

:func:`bubblescope.data.sources.load_file` reads one column of Shiller's data as a price series;
the valuation gauge needs the whole table. :func:`load_shiller_table` reads either the tidy
export (ISO ``date`` column) or a CSV export of ``ie_data.xls``'s *Data* sheet whose first
column holds Shiller's ``YYYY.MM`` codes (October written ``2025.1``), and returns every numeric
column indexed by first-of-month dates. Missing cells (empty, ``.``, ``NaN``) stay NaN — the
last rows of each vintage have no earnings yet.

Columns used by :func:`bubblescope.gauge.shiller_proxies`: ``P`` (monthly average of daily
closes), ``D``, ``E`` (12-month dividends and earnings, interpolated from quarterly figures),
``CPI``, ``GS10`` (10-year Treasury yield, %), ``CAPE``; ``excess_CAPE_yield`` when present.

References
----------
Shiller, R. J. *Irrational Exuberance* online data, ``ie_data.xls`` (Yale).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from bubblescope.data.sources import (
    _SHILLER_CODE,
    _columns_by_lower,
    _container,
    _numeric,
    _parse_dates,
    _read_csv_strings,
    _Where,
)
from bubblescope.errors import DataError

__all__ = ["SHILLER_ALIASES", "load_shiller_table"]

#: Header spellings in Shiller exports -> the names the gauge uses.
SHILLER_ALIASES: dict[str, str] = {
    "p": "P",
    "d": "D",
    "e": "E",
    "cpi": "CPI",
    "gs10": "GS10",
    "rate gs10": "GS10",
    "long interest rate gs10": "GS10",
    "cape": "CAPE",
    "p/e10": "CAPE",
    "pe10": "CAPE",
    "excess_cape_yield": "excess_CAPE_yield",
    "excess cape yield": "excess_CAPE_yield",
}
_REQUIRED = ("P", "E", "CPI", "GS10", "CAPE")


def load_shiller_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Load Shiller's monthly data with every numeric column.

    Parameters
    ----------
    path : path-like
        The tidy CSV (``date,P,D,E,CPI,...,CAPE,...``) or a CSV export of the *Data* sheet.

    Returns
    -------
    pandas.DataFrame
        float64 columns (known headers renamed per :data:`SHILLER_ALIASES`), DatetimeIndex of
        first-of-month dates named ``date``, sorted.

    Raises
    ------
    DataError
        Missing or unreadable file, no date column, a bad date code or number (naming the line
        and column), repeated months, or one of ``P, E, CPI, GS10, CAPE`` missing.
    """
    file = Path(path)
    if _container(file) != "text":
        raise DataError(f"{file}: expected a CSV export of Shiller's data, got Parquet")
    table = _read_csv_strings(file)
    table = table[[c for c in table.columns if c and not c.startswith("Unnamed")]]
    lower = _columns_by_lower(list(table.columns))
    date_col = lower.get("date") or (table.columns[0] if len(table.columns) else None)
    if date_col is None:
        raise DataError(f"{file}: no columns")
    table = table[table[date_col].astype(str).str.strip() != ""]
    where = _Where(str(file), text_file=True)
    codes = table[date_col].astype(str).str.strip()
    shiller_codes = bool(len(codes)) and bool(
        codes.map(lambda v: bool(_SHILLER_CODE.match(v))).all()
    )
    dates = _parse_dates(table[date_col], where, date_col, shiller=shiller_codes)
    out: dict[str, object] = {}
    for col in table.columns:
        if col == date_col:
            continue
        name = SHILLER_ALIASES.get(col.strip().lower(), col.strip())
        if name in out:
            continue
        out[name] = _numeric(table[col], where, col)
    frame = pd.DataFrame(out, index=pd.DatetimeIndex(dates, name="date"))
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(
            f"{file}: Shiller table is missing column(s) {missing}; columns are "
            f"{list(table.columns)}"
        )
    if frame.index.has_duplicates:
        first = frame.index[frame.index.duplicated()][0]
        raise DataError(f"{file}: month {first:%Y-%m} appears twice")
    return frame.sort_index()
