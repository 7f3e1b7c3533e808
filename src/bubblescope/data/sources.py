"""File loaders and the one resolver the CLIs use: every path ends in the canonical price frame.

Formats (``format=`` or auto-detected from the file)
-----------------------------------------------------
``yahoo``
    ``Date,Open,High,Low,Close,Adj Close,Volume`` (any subset with ``Date`` and ``Close``). When
    ``Adj Close`` is present it becomes ``close``, ``open/high/low`` are scaled by
    ``Adj Close / Close`` so the bar stays consistent, and ``adjusted`` is True.
``fred``
    ``observation_date`` or ``DATE`` (or ``date`` followed by an upper-case series id) and then
    the series column (``NASDAQCOM``); the series id becomes the symbol.
``shiller``
    Shiller's monthly data: either his ``YYYY.MM`` float date codes (October is written
    ``2025.1``) or the tidy export with ISO dates and ``P``/``CAPE`` columns. Dates are the first
    of the month; the default value column is ``P`` (monthly average of daily closes).
``generic``
    Any CSV with a date column and a numeric column (``date_col``/``value_col``).
``parquet``
    A Parquet file with a date column or a DatetimeIndex, read like ``generic``.

Dates with a UTC offset (``2024-01-02 00:00:00-05:00``, as yfinance writes them) keep their
local wall time: the trading date, not the UTC instant.

Missing values (empty, ``.``, ``null``, ``nan``, ``NA``, ``N/A``, ``#N/A``; FRED writes holidays
as empty or ``.``) are dropped and reported in ``frame.attrs["notes"]``; every other non-numeric
value is a :class:`~bubblescope.errors.DataError` naming the file, line and column. A file in
strict newest-first order (an ML4T/Yahoo export habit) is reversed and reported; any other
disorder or a repeated date is an error naming the lines.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Literal, cast

import numpy as np
import pandas as pd

from bubblescope.data.frames import canonical_frame
from bubblescope.errors import DataError, InputError

__all__ = [
    "FORMATS",
    "MISSING_TOKENS",
    "FileFormat",
    "detect_format",
    "load_file",
    "parse_table",
    "resolve_series",
]

FileFormat = Literal["auto", "yahoo", "fred", "shiller", "generic", "parquet"]
#: Accepted values of ``format=``.
FORMATS: tuple[str, ...] = ("auto", "yahoo", "fred", "shiller", "generic", "parquet")
#: Cell contents read as "no value" (dropped and reported).
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", ".", "null", "nan", "NaN", "NA", "N/A", "#N/A", "None", "<NA>", "NaT"}
)

_DATE_NAMES: tuple[str, ...] = ("date", "observation_date", "timestamp", "datetime", "time")
_SHILLER_CODE = re.compile(r"^\d{4}\.\d{1,2}$")
_FRED_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")
_UTC_OFFSET = re.compile(r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$")
_OHLV = ("open", "high", "low", "volume")


def _columns_by_lower(columns: Sequence[str]) -> dict[str, str]:
    """Map lower-cased, stripped column names to the originals (first wins)."""
    out: dict[str, str] = {}
    for col in columns:
        out.setdefault(str(col).strip().lower(), str(col))
    return out


def _open_text_bytes(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when its suffix says gzip, bz2, xz or zip."""
    import bz2
    import gzip
    import lzma
    import zipfile

    suffix = path.suffix.lower()
    if suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if suffix == ".bz2":
        return bz2.open(path, "rb")
    if suffix == ".xz":
        return lzma.open(path, "rb")
    if suffix == ".zip":
        archive = zipfile.ZipFile(path)
        names = archive.namelist()
        if len(names) != 1:
            raise DataError(f"{path}: a zip file must hold exactly one CSV, found {len(names)}")
        return archive.open(names[0])
    return path.open("rb")


def _read_csv_strings(path: Path) -> pd.DataFrame:
    """Read a delimited text file as strings, keeping blank lines so line numbers stay true."""
    try:
        with _open_text_bytes(path) as handle:
            head = handle.read(4096)
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot read file: {exc}") from exc
    if not head.strip():
        raise DataError(f"{path}: file is empty", hint="check the path or re-download the file")
    first_line = head.splitlines()[0].decode("utf-8", errors="replace")
    sep = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        table = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            skipinitialspace=True,
            compression="infer",
            encoding_errors="strict",
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, EOFError, OSError) as exc:
        raise DataError(f"{path}: not a readable CSV file: {exc}") from exc
    if not isinstance(table.index, pd.RangeIndex):  # pandas made the surplus fields an index
        raise DataError(
            f"{path}: rows have more fields than the header's {len(table.columns)} "
            f"({list(table.columns)})",
            hint="check the separator, the quoting and the header line",
        )
    table.columns = [str(c).strip() for c in table.columns]
    return table


def _container(file: Path) -> str:
    """Return ``parquet`` or ``text`` from the suffix and magic bytes; reject Excel/missing."""
    if not file.is_file():
        raise DataError(f"file not found: {file}", hint="check the path")
    suffixes = "".join(file.suffixes).lower()
    if suffixes.endswith((".xls", ".xlsx")):
        raise DataError(
            f"{file}: Excel workbooks are not read",
            hint="export the data sheet to CSV (for Shiller's ie_data.xls use the "
            "'Data' sheet) and import the CSV",
        )
    if suffixes.endswith((".parquet", ".pq")):
        return "parquet"
    with file.open("rb") as handle:
        return "parquet" if handle.read(4) == b"PAR1" else "text"


def detect_format(path: str | os.PathLike[str]) -> str:
    """Guess the file format from the suffix, magic bytes and header (see the module notes).

    Raises
    ------
    DataError
        For a missing, empty or unreadable file, or an Excel workbook.
    """
    file = Path(path)
    if _container(file) == "parquet":
        return "parquet"
    return _detect_table_format(_read_csv_strings(file))


def _detect_table_format(table: pd.DataFrame) -> str:
    """Guess the format of a table read as strings."""
    lower = _columns_by_lower(list(table.columns))
    if "close" in lower and "date" in lower:
        return "yahoo"
    first = str(table.columns[0]) if len(table.columns) else ""
    values = [v for v in table[first].head(50).tolist() if str(v).strip()] if first else []
    if values and all(_SHILLER_CODE.match(str(v).strip()) for v in values):
        return "shiller"
    if "cape" in lower and "p" in lower:
        return "shiller"
    if first.lower() == "observation_date" or first == "DATE":
        return "fred"
    if (
        first.lower() == "date"
        and len(table.columns) >= 2
        and _FRED_ID.match(str(table.columns[1]))
    ):
        return "fred"
    return "generic"


class _Where:
    """Names a cell: ``line N`` of a text file (header = line 1) or ``row N`` of a Parquet file."""

    def __init__(self, origin: str, text_file: bool) -> None:
        self.origin = origin
        self.word, self.offset = ("line", 2) if text_file else ("row", 1)

    def number(self, index_value: object) -> int:
        return int(str(index_value)) + self.offset

    def __call__(self, index_value: object, column: str) -> str:
        return f"{self.origin}: {self.word} {self.number(index_value)}, column {column!r}"


def _parse_shiller_codes(raw: pd.Series, where: _Where, column: str) -> pd.DatetimeIndex:
    """Convert Shiller ``YYYY.MM`` codes (``2025.1`` = October) to first-of-month dates."""
    years: list[int] = []
    months: list[int] = []
    for pos, text in enumerate(raw.astype(str).str.strip().tolist()):
        if not _SHILLER_CODE.match(text):
            raise DataError(
                f"{where(raw.index[pos], column)}: {text!r} is not a Shiller YYYY.MM date code"
            )
        year, frac = text.split(".")
        month = int(frac) * 10 if len(frac) == 1 else int(frac)
        if not 1 <= month <= 12:
            raise DataError(f"{where(raw.index[pos], column)}: {text!r} has month {month}")
        years.append(int(year))
        months.append(month)
    parts = pd.DataFrame({"year": years, "month": months, "day": [1] * len(years)})
    return pd.DatetimeIndex(pd.to_datetime(parts))


def _day(stamp: pd.Timestamp) -> str:
    """``YYYY-MM-DD`` of any timestamp (``.date()`` fails outside Python's years 1-9999)."""
    return str(stamp).split(" ")[0]


def _parse_dates(raw: pd.Series, where: _Where, column: str, shiller: bool) -> pd.DatetimeIndex:
    """Parse a string date column, naming the first bad line on failure."""
    if shiller:
        return _parse_shiller_codes(raw, where, column)
    # Local wall time is the trading date: drop UTC offsets ("2024-01-02 00:00:00-05:00" is
    # 2 January on the exchange, not 05:00 UTC), which also allows mixed DST offsets.
    text = raw.astype(str).str.strip().str.replace(_UTC_OFFSET, r"\1", regex=True)
    for fmt in ("ISO8601", "%m/%d/%Y", "%Y%m%d"):
        try:
            parsed = pd.to_datetime(text, format=fmt)
        except (ValueError, TypeError, OverflowError):
            continue
        return pd.DatetimeIndex(parsed)
    coerced = pd.to_datetime(text, format="ISO8601", errors="coerce")
    bad = int(np.flatnonzero(pd.isna(coerced))[0])
    raise DataError(
        f"{where(raw.index[bad], column)}: cannot parse date {text.iloc[bad]!r}",
        hint="use ISO dates (YYYY-MM-DD) or name the right column with --date-col",
    )


def _numeric(raw: pd.Series, where: _Where, column: str) -> np.ndarray:
    """Convert a string column to float64: missing tokens -> NaN, anything else bad -> error."""
    text = raw.astype(str).str.strip()
    missing = text.isin(MISSING_TOKENS).to_numpy()
    values = pd.to_numeric(text.where(~missing, None), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(np.isnan(values) & ~missing)
    if bad.size:
        i = int(bad[0])
        raise DataError(
            f"{where(raw.index[i], column)}: {text.iloc[i]!r} is not a number",
            hint="fix or remove the row (empty cells and '.' count as missing)",
        )
    if np.isinf(values).any():
        i = int(np.flatnonzero(np.isinf(values))[0])
        raise DataError(f"{where(raw.index[i], column)}: infinite value {text.iloc[i]!r}")
    return values


def _pick(lower: dict[str, str], names: Sequence[str]) -> str | None:
    """Return the first of ``names`` present (case-insensitively) among the columns."""
    for name in names:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def _resolve_column(
    table: pd.DataFrame, wanted: str | None, origin: str, role: str, option: str
) -> str:
    """Return the column called ``wanted`` (case-insensitive) or raise naming the choices."""
    lower = _columns_by_lower(list(table.columns))
    if wanted is not None and wanted.strip().lower() in lower:
        return lower[wanted.strip().lower()]
    if wanted is not None:
        raise DataError(
            f"{origin}: no column {wanted!r}; columns are {list(table.columns)}",
            hint=f"pass the {role} column with {option}",
        )
    raise DataError(
        f"{origin}: cannot tell which column holds the {role}; columns are {list(table.columns)}",
        hint=f"pass it with {option}",
    )


def parse_table(
    table: pd.DataFrame,
    *,
    origin: str,
    format: str = "auto",
    symbol: str | None = None,
    date_col: str | None = None,
    value_col: str | None = None,
    adjusted: bool | None = None,
    source: str | None = None,
    text_file: bool = True,
) -> pd.DataFrame:
    """Turn a table of strings (one row per observation) into a canonical price frame.

    Parameters
    ----------
    table : pandas.DataFrame
        Cells as strings; for a text file, index ``i`` is line ``i + 2`` (header on line 1).
    origin : str
        The file or source named in error messages.
    format : str
        One of :data:`FORMATS`.
    symbol : str, optional
        Symbol to record; defaults to the series id (FRED), ``SHILLER_<column>`` (Shiller) or the
        file stem.
    date_col, value_col : str, optional
        Columns holding dates and the value used as ``close``.
    adjusted : bool, optional
        Override the ``adjusted`` flag (default: True only for a Yahoo ``Adj Close``).
    source : str, optional
        Label for the ``source`` column; defaults to ``origin``.
    text_file : bool
        Whether errors name ``line N`` of a text file (True) or ``row N`` of a table.

    Returns
    -------
    pandas.DataFrame
        The canonical frame; ``attrs["notes"]`` lists what was dropped, reversed or rescaled and
        ``attrs["format"]`` the format used.

    Raises
    ------
    DataError
        Naming the file, line and column of the first problem.
    """
    if format not in FORMATS:
        raise InputError(f"unknown file format {format!r}", hint=f"choose one of {list(FORMATS)}")
    if table.empty or len(table.columns) == 0:
        raise DataError(f"{origin}: no data rows", hint="the file has a header but no data")
    table = table.loc[~(table.astype(str).apply(lambda c: c.str.strip()) == "").all(axis=1)]
    if table.empty:
        raise DataError(f"{origin}: no data rows", hint="the file has a header but no data")
    fmt = _detect_table_format(table) if format in ("auto", "parquet") else format
    lower = _columns_by_lower(list(table.columns))
    where = _Where(origin, text_file)
    notes: list[str] = []
    # -- which columns -----------------------------------------------------------------------
    if date_col is not None:
        dcol = _resolve_column(table, date_col, origin, "date", "--date-col")
    else:
        found = _pick(lower, _DATE_NAMES)
        if found is None and fmt in ("shiller", "fred"):
            found = str(table.columns[0])
        if found is None:
            raise DataError(
                f"{origin}: no date column (looked for {list(_DATE_NAMES)}); columns "
                f"are {list(table.columns)}",
                hint="name it with --date-col",
            )
        dcol = found
    adj_col = _pick(lower, ("adj close", "adj_close", "adjclose")) if fmt == "yahoo" else None
    if value_col is not None:
        vcol = _resolve_column(table, value_col, origin, "value", "--value-col")
    elif fmt == "yahoo":
        vcol = adj_col or _resolve_column(table, "close", origin, "value", "--value-col")
    elif fmt == "shiller":
        found = _pick(lower, ("P", "Price", "SP500", "Close"))
        vcol = (
            found
            if found is not None
            else _resolve_column(table, None, origin, "value", "--value-col")
        )
    elif fmt == "fred":
        others = [c for c in table.columns if c != dcol]
        vcol = others[0] if others else _resolve_column(table, None, origin, "value", "--value-col")
    else:
        found = _pick(lower, ("close", "value", "price"))
        others = [c for c in table.columns if c != dcol]
        vcol = found or (
            others[0]
            if len(others) == 1
            else _resolve_column(table, None, origin, "value", "--value-col")
        )
    # -- parse -------------------------------------------------------------------------------
    shiller_codes = fmt == "shiller" and bool(
        table[dcol].astype(str).str.strip().str.match(_SHILLER_CODE.pattern).all()
    )
    close = _numeric(table[vcol], where, vcol)
    keep = ~np.isnan(close)
    extra: dict[str, np.ndarray] = {}
    if fmt == "yahoo" and value_col is None:
        for name in _OHLV:
            col = lower.get(name)
            if col is not None:
                extra[name] = _numeric(table[col], where, col)
        if adj_col is not None and "close" in lower:
            raw_close = _numeric(table[lower["close"]], where, lower["close"])
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(raw_close > 0, close / raw_close, np.nan)
            for name in ("open", "high", "low"):
                if name in extra:
                    extra[name] = extra[name] * factor
            notes.append("close is 'Adj Close'; open/high/low scaled by Adj Close / Close")
    n_missing = int((~keep).sum())
    if n_missing:
        dates_missing = table[dcol].astype(str).str.strip()[~keep].tolist()
        shown = ", ".join(dates_missing[:3]) + (" ..." if n_missing > 3 else "")
        notes.append(f"dropped {n_missing} row(s) with no {vcol} value (holidays/gaps): {shown}")
    if not keep.any():
        raise DataError(
            f"{origin}: column {vcol!r} has no numeric values",
            hint="name the value column with --value-col",
        )
    kept = table.loc[keep]
    dates = _parse_dates(kept[dcol], where, dcol, shiller_codes)
    lines = np.asarray(kept.index, dtype=np.int64) + where.offset
    close = close[keep]
    extra = {k: v[keep] for k, v in extra.items()}
    # -- order and duplicates ----------------------------------------------------------------
    dup = dates.duplicated(keep=False)
    if dup.any():
        first_dup = dates[dup][0]
        at = lines[np.asarray(dates == first_dup)]
        raise DataError(
            f"{origin}: duplicated date {_day(first_dup)} on {where.word}s "
            f"{', '.join(str(x) for x in at[:5])}",
            hint="remove the repeated rows",
        )
    if len(dates) > 1 and not dates.is_monotonic_increasing:
        if dates.is_monotonic_decreasing:
            order = np.arange(len(dates))[::-1]
            dates, close, lines = dates[order], close[order], lines[order]
            extra = {k: v[order] for k, v in extra.items()}
            notes.append("rows were newest-first; reversed to oldest-first")
        else:
            steps = np.flatnonzero(np.diff(dates.asi8) < 0)
            i = int(steps[0]) + 1
            raise DataError(
                f"{origin}: dates out of order: {where.word} {lines[i]} "
                f"({_day(dates[i])}) comes after {where.word} {lines[i - 1]} "
                f"({_day(dates[i - 1])})",
                hint="sort the file by date",
            )
    # -- labels ------------------------------------------------------------------------------
    if symbol is None:
        if fmt == "fred":
            symbol = str(vcol)
        elif fmt == "shiller":
            symbol = f"SHILLER_{vcol}"
        else:
            symbol = Path(origin).name.split(".")[0].upper()
    is_adjusted = adjusted if adjusted is not None else adj_col is not None and value_col is None
    frame = canonical_frame(
        dates,
        close,
        symbol=symbol,
        source=source or origin,
        adjusted=is_adjusted,
        extra=dict(extra),
    )
    frame.attrs["notes"] = notes
    frame.attrs["format"] = fmt
    return frame


def _parquet_as_strings(path: Path) -> pd.DataFrame:
    """Read a Parquet file and render it as strings for :func:`parse_table`."""
    try:
        raw = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for bad files
        raise DataError(f"{path}: not a readable Parquet file: {exc}") from exc
    if isinstance(raw.index, pd.DatetimeIndex):
        raw = raw.reset_index(names=raw.index.name or "date")
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for col in raw.columns:
        series = raw[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[str(col)] = series.dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
        elif pd.api.types.is_float_dtype(series):
            out[str(col)] = [repr(float(v)) for v in series.to_numpy(dtype=np.float64)]
        else:
            out[str(col)] = series.astype(str)
    return out


def load_file(
    path: str | os.PathLike[str],
    *,
    format: str = "auto",
    symbol: str | None = None,
    date_col: str | None = None,
    value_col: str | None = None,
    adjusted: bool | None = None,
) -> pd.DataFrame:
    """Load a CSV or Parquet price file as a canonical frame.

    Parameters
    ----------
    path : path-like
        A ``.csv`` (optionally ``.gz``/``.bz2``/``.zip``), ``;``-separated text or Parquet file.
    format : {"auto", "yahoo", "fred", "shiller", "generic", "parquet"}
        File layout; ``auto`` detects it (see the module notes).
    symbol, date_col, value_col, adjusted
        See :func:`parse_table`.

    Returns
    -------
    pandas.DataFrame
        Canonical frame (see :mod:`bubblescope.data.frames`) with ``attrs["notes"]``.

    Raises
    ------
    DataError
        Missing, empty or malformed file; the message names the file and the line/column.

    Examples
    --------
    >>> frame = load_file("NASDAQCOM.csv")  # doctest: +SKIP
    >>> frame.attrs["notes"]  # doctest: +SKIP
    ['dropped 475 row(s) with no NASDAQCOM value (holidays/gaps): 1971-02-15, ...']
    """
    if format not in FORMATS:
        raise InputError(f"unknown file format {format!r}", hint=f"choose one of {list(FORMATS)}")
    file = Path(path)
    parquet = _container(file) == "parquet"
    table = _parquet_as_strings(file) if parquet else _read_csv_strings(file)
    return parse_table(
        table,
        origin=str(file),
        format=format,
        symbol=symbol,
        date_col=date_col,
        value_col=value_col,
        adjusted=adjusted,
        source=f"file:{file.name}",
        text_file=not parquet,
    )


def resolve_series(
    spec: str,
    *,
    column: str | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Map a command-line series spec to a canonical price frame.

    Parameters
    ----------
    spec : str
        A shipped series (a ticker such as ``NVDA``, or ``nasdaq``, ``sp500``; the store's rows
        for the same symbol win per date, see :func:`bubblescope.data.catalog.load_series`), a
        path to a CSV/Parquet file, or another symbol of the embedded store, tried in that
        order.
    column : str, optional
        The column to analyse as ``close``: the value column of a file, or another column of a
        shipped/stored frame (``volume`` ...).
    start, end : str or Timestamp, optional
        Inclusive date bounds.

    Returns
    -------
    pandas.DataFrame
        Canonical frame; ``attrs["vintage"]`` and ``attrs["last_date"]`` name the data used.

    Raises
    ------
    UnknownSymbolError
        When ``spec`` is none of the above; the message lists what is available.
    InputError
        When ``column`` does not exist or the date bounds leave no rows.
    """
    from bubblescope.data.catalog import load_series
    from bubblescope.data.universe import canonical_symbol

    text = spec.strip()
    path = Path(text).expanduser()
    if canonical_symbol(text) is None and path.is_file():
        frame = load_file(path, value_col=column)
        frame.attrs.update(vintage=f"file {path.name}", last_date=frame.index[-1])
        column = None
    else:
        frame = load_series(text)
    attrs = dict(frame.attrs)
    if column is not None and column != "close":
        numeric = [c for c in frame.columns if c not in ("symbol", "source", "adjusted")]
        if column not in numeric:
            raise InputError(
                f"series {spec!r} has no numeric column {column!r}", hint=f"choose one of {numeric}"
            )
        frame = frame.assign(close=frame[column]).dropna(subset=["close"])
    if start is not None or end is not None:
        frame = frame.loc[
            pd.Timestamp(start) if start is not None else None : pd.Timestamp(end)
            if end is not None
            else None
        ]
        if frame.empty:
            raise InputError(
                f"series {spec!r} has no rows between {start} and {end}",
                hint="widen the date range",
            )
    frame.attrs = {**attrs, "last_date": frame.index[-1]}
    return frame
