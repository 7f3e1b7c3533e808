"""Annual capital expenditure of a company from its SEC filings, each year with its filing.

Three inputs give the same records (:class:`FiledCapex`): a companyfacts document or its parsed
facts (:func:`bubblescope.data.sec.parse_companyfacts`), a fundamentals table
(:mod:`bubblescope.data.fundamentals`: what ``bubblescope data fetch TICKER --source sec``
stores, read with :func:`stored_fundamentals`), and the inline-XBRL fact table of 10-K pages
(``ixbrl_10k_facts_*.csv.gz``). Capex is the purchase of property, plant and equipment:
``PaymentsToAcquirePropertyPlantAndEquipment``, else ``PaymentsToAcquireProductiveAssets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bubblescope.errors import DataError, InputError

__all__ = [
    "CAPEX_TAGS",
    "FiledCapex",
    "companyfacts_capex",
    "find_extract",
    "ixbrl_capex",
    "stored_fundamentals",
]

#: The capex tag chain of inline-XBRL extracts (the first tag with a value wins).
CAPEX_TAGS = (
    "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment",
    "us-gaap:PaymentsToAcquireProductiveAssets",
)


@dataclass(frozen=True)
class FiledCapex:
    """Capex of one year as a filing reported it.

    Attributes
    ----------
    year : int
        Fiscal year (companyfacts, fundamentals) or calendar year of the period end (iXBRL).
    period : str
        How the year is labelled: ``"FY2023"`` for a fiscal year, ``"2023"`` for a calendar
        year.
    usd : float
        Capex, USD.
    source : str
        The filing: where it was read, the XBRL tag, the year, the form and the accession
        number or filing date.
    """

    year: int
    period: str
    usd: float
    source: str


def companyfacts_capex(
    path_or_facts: str | Path | pd.DataFrame, ticker: str, years: Sequence[int] | None = None
) -> tuple[FiledCapex, ...]:
    """Annual capex from SEC companyfacts or a fundamentals table, one record per fiscal year.

    Parameters
    ----------
    path_or_facts : path or DataFrame
        A companyfacts ``.json``/``.json.gz``, the output of
        :func:`bubblescope.data.sec.parse_companyfacts`, or a fundamentals table of
        :mod:`bubblescope.data.fundamentals` (its ``capex`` FY rows, which follow the same tag
        chain).
    ticker : str
        Used in labels.
    years : sequence of int, optional
        Fiscal years to keep (default: all).

    Raises
    ------
    DataError
        When the filings hold no capex, or not for a requested year.
    InputError
        When a fundamentals table holds more than one symbol.
    """
    from bubblescope.data.fundamentals import COLUMNS
    from bubblescope.data.sec import annual_series, parse_companyfacts

    facts = (
        path_or_facts
        if isinstance(path_or_facts, pd.DataFrame)
        else parse_companyfacts(path_or_facts, ticker=ticker)
    )
    tidy = set(COLUMNS) <= set(facts.columns) and bool(facts["item"].notna().any())
    if tidy and facts["symbol"].nunique() > 1:
        raise InputError(
            f"the fundamentals table holds {facts['symbol'].nunique()} symbols",
            hint=f"pass the rows of {ticker} only",
        )
    if tidy:
        series = facts[(facts["item"] == "capex") & (facts["period"] == "FY")].sort_values("end")
    else:
        series = annual_series(facts, "capex")
    found: dict[int, FiledCapex] = {}
    for row in series.itertuples():
        year = int(str(row.fiscal_year))
        if years is not None and year not in years:
            continue
        accn = str(row.accn)
        filing = f"accn {accn}" if accn else f"filed {pd.Timestamp(str(row.filed)).date()}"
        origin = f"{row.source}:" if tidy else f"SEC companyfacts {ticker}"
        found[year] = FiledCapex(
            year,
            f"FY{year}",
            float(str(row.value)),
            f"{origin} {row.tag} FY{year} ({row.form} {filing})",
        )
    return _complete(ticker, found, years)


def ixbrl_capex(
    path: str | Path, company: str, years: Sequence[int] | None = None
) -> tuple[FiledCapex, ...]:
    """Annual capex from the inline-XBRL fact table (``ixbrl_10k_facts_*.csv.gz``).

    Parameters
    ----------
    path : path
        The derived iXBRL CSV (columns ``company, concept, period_start, period_end, value``...).
    company : str
        Ticker as in its ``company`` column (``AMZN``, ``META``...).
    years : sequence of int, optional
        Calendar years of the period end to keep.

    Raises
    ------
    DataError
        When the file is unreadable, or holds no capex, or not for a requested year.
    """
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read iXBRL facts {path}: {exc}") from exc
    needed = {"company", "concept", "period_start", "period_end", "value"}
    if not needed <= set(table.columns):
        raise DataError(f"{path} lacks columns {sorted(needed - set(table.columns))}")
    rows = table[(table["company"] == company) & table["concept"].isin(CAPEX_TAGS)].copy()
    start = pd.to_datetime(rows["period_start"])
    end = pd.to_datetime(rows["period_end"])
    rows = rows[((end - start).dt.days >= 350) & ((end - start).dt.days <= 380)]
    found: dict[int, FiledCapex] = {}
    for concept in CAPEX_TAGS:  # first tag in the chain wins
        for row in rows[rows["concept"] == concept].itertuples():
            year = pd.Timestamp(str(row.period_end)).year
            if (years is not None and year not in years) or year in found:
                continue
            origin = Path(str(getattr(row, "source", path))).name
            found[year] = FiledCapex(
                year,
                str(year),
                float(str(row.value)),
                f"10-K iXBRL {company} {concept} {year} ({origin})",
            )
    return _complete(company, found, years)


def _complete(
    entity: str, found: dict[int, FiledCapex], years: Sequence[int] | None
) -> tuple[FiledCapex, ...]:
    """The records in year order, once every requested year is there."""
    if not found:
        raise DataError(f"no annual capex for {entity} in the filing")
    if years is not None:
        missing = sorted(set(years) - set(found))
        if missing:
            raise DataError(
                f"{entity}: capex for year(s) {missing} is not in the filing",
                hint="add those years as labelled assumptions",
            )
    return tuple(found[y] for y in sorted(found))


def stored_fundamentals(ticker: str) -> pd.DataFrame:
    """SEC filings that ``bubblescope data fetch TICKER --source sec`` put in the store.

    Current stores hold the fundamentals table; stores written before it, raw companyfacts
    rows. :func:`companyfacts_capex` reads both.

    Raises
    ------
    DataError
        When the store holds no filings of ``ticker``.
    """
    from bubblescope.data.store import load_dataset

    facts = load_dataset("fundamentals", ticker)
    if facts.empty:
        raise DataError(
            f"no SEC filings for {ticker} in the local store",
            hint=f"run `bubblescope data fetch {ticker} --source sec`, or pass sec_dir with "
            "companyfacts files",
        )
    return facts.drop(columns=[c for c in facts.columns if c.startswith("_")])


def find_extract(folder: str | Path, pattern: str) -> Path:
    """The first file in ``folder`` matching ``pattern`` (a companyfacts or iXBRL extract).

    Raises
    ------
    DataError
        When no file matches.
    """
    hits = sorted(Path(folder).glob(pattern))
    if not hits:
        raise DataError(
            f"no file matching {pattern!r} in {folder}",
            hint="point sec_dir at a folder with SEC companyfacts / iXBRL extracts",
        )
    return hits[0]
