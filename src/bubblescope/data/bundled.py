"""The dataset that ships inside bubblescope, and its data card.

``src/bubblescope/data/shipped/`` holds compact Parquet files built by
``scripts/build_dataset.py`` from the real data in ``../shared/data`` (see its PROVENANCE.md):

``prices.parquet``
    Daily closes of the NASDAQ Composite (FRED NASDAQCOM, 1971-), the S&P 500 (Yahoo ^GSPC,
    1927-) and the 62-ticker universe of :mod:`bubblescope.data.universe` (Yahoo Finance
    split- and dividend-adjusted closes) to 2026-08-03.
``shiller.parquet``
    Shiller's monthly table, 1871-01 to 2026-05.
``french49.parquet``
    Ken French's 49 industry portfolios: value-weighted monthly returns, firm counts, sizes.
``fundamentals.parquet``
    Annual and quarterly SEC fundamentals of the AI firms the filings cover.
``datacard.yaml``
    Each file's source, terms, first and last date, adjustments, row count and SHA-256.

Every load checks the file against its data card (SHA-256), so a damaged or stale copy is a
:class:`~bubblescope.errors.DataError` that names the file, never a silent wrong answer. A price
frame carries ``attrs["vintage"]`` (``"shipped 2026.08.1"``) and ``attrs["last_date"]``.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.data.frames import canonical_frame
from bubblescope.data.universe import NAMES, RATE_SYMBOLS, canonical_symbol, universe
from bubblescope.errors import DataError, UnknownSymbolError
from bubblescope.result import ResultMixin

__all__ = [
    "BUNDLED",
    "DataCard",
    "ShippedFile",
    "ShippedSource",
    "bundled_symbols",
    "load_bundled",
    "load_datacard",
    "load_french49",
    "load_fundamentals",
    "load_shiller",
    "shipped_dir",
]

#: Names of the shipped tables that are not price series.
TABLES = ("shiller", "french49", "fundamentals")


def shipped_dir() -> Path:
    """Folder of the shipped files (``BUBBLESCOPE_SHIPPED_DIR`` overrides it, for tests)."""
    import os

    override = os.environ.get("BUBBLESCOPE_SHIPPED_DIR")
    if override:
        return Path(override)
    return Path(str(resources.files("bubblescope.data").joinpath("shipped")))


@dataclass(frozen=True)
class ShippedSource:
    """Where one part of a shipped file comes from (a row of the data card).

    Attributes
    ----------
    name, origin, url, terms, adjustments : str
        What it is, where this copy was taken from, the publisher's page, the terms of use or
        licence, and how the values are adjusted.
    first, last : str
        First and last date (``YYYY-MM-DD`` or ``YYYY-MM``).
    rows : int
    symbols : tuple of str
        Price symbols this source supplies (empty for tables).
    """

    name: str
    origin: str
    url: str
    terms: str
    adjustments: str
    first: str
    last: str
    rows: int
    symbols: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "name": self.name,
            "origin": self.origin,
            "url": self.url,
            "terms": self.terms,
            "adjustments": self.adjustments,
            "first": self.first,
            "last": self.last,
            "rows": self.rows,
            "symbols": list(self.symbols),
        }


@dataclass(frozen=True)
class ShippedFile:
    """One shipped file: what it holds, its size in rows, its hash and its sources."""

    name: str
    description: str
    rows: int
    sha256: str
    sources: tuple[ShippedSource, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "name": self.name,
            "description": self.description,
            "rows": self.rows,
            "sha256": self.sha256,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class DataCard(ResultMixin):
    """The shipped dataset's card: version, price date and every file's provenance.

    Attributes
    ----------
    version : str
        Dataset version (``"2026.08.1"``: year.month of the last prices, build number).
    prices_as_of : str
        Last date of any shipped price series.
    built_by : str
    files : dict of str to ShippedFile
    """

    version: str
    prices_as_of: str
    built_by: str
    files: dict[str, ShippedFile]

    @property
    def vintage(self) -> str:
        """How outputs name this data: ``"shipped 2026.08.1"``."""
        return f"shipped {self.version}"

    def source_of(self, symbol: str) -> ShippedSource:
        """The card entry that supplies price series ``symbol``."""
        for source in self.files["prices.parquet"].sources:
            if symbol in source.symbols:
                return source
        raise UnknownSymbolError(f"the data card names no source for {symbol!r}")

    def summary(self) -> str:
        """The card as text: one block per file and source."""
        out = [
            f"bubblescope shipped data {self.version} (prices to {self.prices_as_of}); "
            f"built by {self.built_by}"
        ]
        for file in self.files.values():
            out.append(f"\n{file.name}: {file.description} ({file.rows:,} rows)")
            for src in file.sources:
                out.append(f"  - {src.name}, {src.first} to {src.last}")
                out.append(f"    source: {src.url} (copy: {src.origin})")
                out.append(f"    terms: {src.terms}")
                out.append(f"    adjustments: {src.adjustments}")
        return "\n".join(out)

    def to_frame(self) -> pd.DataFrame:
        """One row per file and source: span, rows and how many price symbols it supplies."""
        return pd.DataFrame(
            [
                {
                    "file": file.name,
                    "source": src.name,
                    "first": src.first,
                    "last": src.last,
                    "rows": src.rows,
                    "symbols": len(src.symbols),
                }
                for file in self.files.values()
                for src in file.sources
            ],
            columns=["file", "source", "first", "last", "rows", "symbols"],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "version": self.version,
            "prices_as_of": self.prices_as_of,
            "built_by": self.built_by,
            "files": {k: v.to_dict() for k, v in self.files.items()},
        }

    def chart_spec(self) -> ChartSpec:
        """The years each shipped file covers: a bar from its first to its last date."""
        frame = self.to_frame()
        years = {
            name: (
                min(_year(d) for d in group["first"]),
                max(_year(d) for d in group["last"]),
            )
            for name, group in frame.groupby("file", sort=False)
        }
        names = list(years)
        return ChartSpec(
            f"bubblescope shipped data {self.version} (prices to {self.prices_as_of})",
            (
                Panel(
                    "years covered by each file",
                    "year",
                    bars=(
                        Bar(
                            names,
                            [years[n][1] - years[n][0] for n in names],
                            "covered",
                            base=[years[n][0] for n in names],
                        ),
                    ),
                ),
            ),
            source=f"the data card, built by {self.built_by}",
            legend=False,
        )


def _year(day: str) -> float:
    """A ``YYYY-MM-DD`` or ``YYYY-MM`` date as a decimal year."""
    stamp = pd.Timestamp(day)
    return stamp.year + (stamp.day_of_year - 1) / 365.25


def _field(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise DataError(
            f"the shipped data card is corrupt: {where} lacks {key!r}",
            hint="reinstall bubblescope (or rebuild with scripts/build_dataset.py)",
        )
    return mapping[key]


def _parse_card(raw: Any, path: Path) -> DataCard:
    files: dict[str, ShippedFile] = {}
    for name, body in _field(raw, "files", str(path)).items():
        sources = []
        for i, src in enumerate(_field(body, "sources", name)):
            where = f"{name} source {i + 1}"
            sources.append(
                ShippedSource(
                    name=str(_field(src, "name", where)),
                    origin=str(_field(src, "origin", where)),
                    url=str(_field(src, "url", where)),
                    terms=str(_field(src, "terms", where)),
                    adjustments=str(_field(src, "adjustments", where)),
                    first=str(_field(src, "first", where)),
                    last=str(_field(src, "last", where)),
                    rows=int(_field(src, "rows", where)),
                    symbols=tuple(str(s) for s in src.get("symbols", ())),
                )
            )
        files[str(name)] = ShippedFile(
            name=str(name),
            description=str(_field(body, "description", name)),
            rows=int(_field(body, "rows", name)),
            sha256=str(_field(body, "sha256", name)),
            sources=tuple(sources),
        )
    return DataCard(
        version=str(_field(raw, "version", str(path))),
        prices_as_of=str(_field(raw, "prices_as_of", str(path))),
        built_by=str(_field(raw, "built_by", str(path))),
        files=files,
    )


@functools.cache
def _card_at(folder: Path) -> DataCard:
    import yaml

    from bubblescope import _yaml

    path = folder / "datacard.yaml"
    if not path.is_file():
        raise DataError(
            f"the shipped data card {path} is missing",
            hint="reinstall bubblescope (or rebuild with scripts/build_dataset.py)",
        )
    try:
        raw = _yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(
            f"the shipped data card {path} is unreadable: {' '.join(str(exc).split())}",
            hint="reinstall bubblescope",
        ) from exc
    try:
        return _parse_card(raw, path)
    except (TypeError, ValueError, AttributeError) as exc:
        raise DataError(
            f"the shipped data card {path} is corrupt: {exc}", hint="reinstall bubblescope"
        ) from exc


def load_datacard() -> DataCard:
    """The shipped dataset's card.

    Raises
    ------
    DataError
        When the card is missing, unreadable or lacks a required field.
    """
    return _card_at(shipped_dir())


@functools.cache
def _verified_table(folder: Path, name: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    card = _card_at(folder)
    if name not in card.files:
        raise DataError(f"the shipped data card lists no file {name!r}")
    path = folder / name
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"shipped file {path} is missing or unreadable ({exc.strerror})",
            hint="reinstall bubblescope",
        ) from exc
    digest = hashlib.sha256(content).hexdigest()
    expected = card.files[name].sha256
    if digest != expected:
        raise DataError(
            f"shipped file {path} does not match its data card (SHA-256 {digest[:12]}..., "
            f"card says {expected[:12]}...): it is damaged or from another version",
            hint="reinstall bubblescope",
        )
    import io

    frame: pd.DataFrame = pq.read_table(io.BytesIO(content)).to_pandas()
    return frame


def _table(name: str) -> pd.DataFrame:
    return _verified_table(shipped_dir(), name)


def bundled_symbols() -> tuple[str, ...]:
    """Canonical symbols of the shipped price series (indices first)."""
    return universe()


#: Shipped price series by canonical symbol -> display name (kept for ``from ... import BUNDLED``).
BUNDLED: dict[str, str] = {s: NAMES.get(s, s) for s in universe()}


def load_bundled(name: str) -> pd.DataFrame:
    """Load a shipped price series as a canonical price frame.

    Parameters
    ----------
    name : str
        A ticker of the universe (``"NVDA"``) or an index name as users write it (``"nasdaq"``,
        ``"^IXIC"``, ``"sp500"``, ``"^GSPC"``), case-insensitive.

    Returns
    -------
    pandas.DataFrame
        Canonical frame (``close``, plus ``volume`` for the S&P 500) with ``attrs``:
        ``vintage`` (``"shipped <version>"``), ``last_date`` (Timestamp) and ``source_name``.

    Raises
    ------
    UnknownSymbolError
        For a name outside the shipped universe.
    DataError
        When the shipped file or its data card is missing, damaged or stale.

    Examples
    --------
    >>> dotcom = load_bundled("nasdaq").loc["1999":"2002", "close"]
    >>> str(dotcom.idxmax().date()), round(float(dotcom.max()), 2)
    ('2000-03-10', 5048.62)
    """
    symbol = canonical_symbol(name)
    if symbol is None:
        raise UnknownSymbolError(
            f"unknown shipped series {name!r}",
            hint="use a ticker of the shipped universe (`bubblescope data list`), nasdaq or sp500",
        )
    card = load_datacard()
    rows = _price_rows(symbol)
    source = card.source_of(symbol)
    volume = rows["volume"].to_numpy(dtype=np.float64)
    extra: dict[str, np.ndarray | pd.Series] | None = (
        {"volume": volume} if np.isfinite(volume).any() else None
    )
    frame = canonical_frame(
        pd.DatetimeIndex(rows["date"]),
        rows["close"].to_numpy(dtype=np.float64),
        symbol=symbol,
        source=card.vintage,
        adjusted=True,
        extra=extra,
    )
    frame.attrs.update(
        vintage=card.vintage,
        last_date=frame.index[-1],
        source_name=source.name,
        rate=symbol in RATE_SYMBOLS,
    )
    return frame


@functools.cache
def _grouped_prices(folder: Path) -> dict[str, pd.DataFrame]:
    table = _verified_table(folder, "prices.parquet")
    table = table.assign(date=pd.to_datetime(table["date"]))
    return {str(s): rows.reset_index(drop=True) for s, rows in table.groupby("symbol", sort=False)}


def _price_rows(symbol: str) -> pd.DataFrame:
    groups = _grouped_prices(shipped_dir())
    if symbol not in groups:
        raise DataError(f"the shipped prices lack {symbol!r}", hint="reinstall bubblescope")
    return groups[symbol]


def load_shiller() -> pd.DataFrame:
    """Shiller's monthly table, indexed by first-of-month dates (``P, D, E, CPI, GS10, CAPE``...).

    ``attrs["vintage"]`` names the shipped version; ``attrs["last_date"]`` the last month.
    """
    table = _table("shiller.parquet")
    frame = table.set_index(pd.DatetimeIndex(pd.to_datetime(table["date"]), name="date"))
    frame = frame.drop(columns="date").astype(np.float64)
    frame.attrs.update(vintage=load_datacard().vintage, last_date=frame.index[-1])
    return frame


def load_french49() -> pd.DataFrame:
    """French's 49 industries, long: ``month`` (YYYYMM), ``industry``, returns (%), firms, size."""
    frame = _table("french49.parquet").copy()
    frame.attrs.update(vintage=load_datacard().vintage)
    return frame


def load_fundamentals(symbol: str | None = None) -> pd.DataFrame:
    """Shipped SEC fundamentals (one row per value with its filing), optionally of one symbol.

    One symbol's rows are those of the whole table in its order (empty for a symbol it lacks),
    from a split of the table made once per process: a report reads them hundreds of times.
    The frame returned is the caller's own copy.
    """
    if symbol is None:
        frame = _table("fundamentals.parquet").reset_index(drop=True)
    else:
        groups = _grouped_fundamentals(shipped_dir())
        frame = groups.get(symbol.upper(), groups[""]).copy()
    frame.attrs.update(vintage=load_datacard().vintage)
    return frame


@functools.cache
def _grouped_fundamentals(folder: Path) -> dict[str, pd.DataFrame]:
    """The shipped fundamentals split by symbol; ``""`` holds none of its rows."""
    table = _verified_table(folder, "fundamentals.parquet")
    groups = {str(s): rows for s, rows in table.groupby("symbol", sort=False, observed=True)}
    groups[""] = table.iloc[:0]
    return {s: rows.reset_index(drop=True) for s, rows in groups.items()}
