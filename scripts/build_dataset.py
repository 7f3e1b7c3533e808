"""Build the dataset that ships inside bubblescope from the real data in ../shared/data.

Writes ``src/bubblescope/data/shipped/``: ``prices.parquet`` (daily closes of the universe and
the two indices), ``shiller.parquet``, ``french49.parquet``, ``fundamentals.parquet`` and
``datacard.yaml`` (each file's source, terms, range, adjustments, row count and SHA-256). The
sources and their checks are described in ``../shared/data/PROVENANCE.md``; the data card
restates what a user needs.

Usage::

    .venv/bin/python scripts/build_dataset.py [--shared ../shared/data] [--version 2026.08.1]

The output is deterministic: the same inputs give byte-identical files and the same hashes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from bubblescope.data.universe import GROUPS, INDEX_SYMBOLS, universe

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "bubblescope" / "data" / "shipped"
DEFAULT_SHARED = REPO.parent / "shared" / "data"

YAHOO_REPO = "GitHub dsturdy/Factor_Attribution @ 712ab00cb7d01c788507bc417162a4269e29bf69"
YAHOO_TERMS = (
    "Yahoo Finance market data (a yfinance cache in a public repository without a licence file). "
    "Prices are public market facts; credit Yahoo Finance. Personal and research use."
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(table: pa.Table, name: str) -> Path:
    path = OUT / name
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        use_dictionary=["symbol", "industry", "item", "period", "tag", "unit", "form", "source"],
        write_statistics=False,
        store_schema=False,
    )
    return path


def _ticker_closes(shared: Path) -> pd.DataFrame:
    folder = shared / "yahoo_dsturdy"
    frames = []
    for symbol in universe():
        if symbol in INDEX_SYMBOLS:
            continue
        raw = pd.read_csv(folder / f"{symbol}.csv")
        frames.append(
            pd.DataFrame(
                {
                    "symbol": symbol,
                    "date": pd.to_datetime(raw["Date"], format="%Y-%m-%d"),
                    "close": raw["Close"].astype(np.float64),
                    "volume": np.nan,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _nasdaq(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "fred" / "NASDAQCOM_daily_1971-2026_combined.csv")
    return pd.DataFrame(
        {
            "symbol": "NASDAQ",
            "date": pd.to_datetime(raw["date"], format="%Y-%m-%d"),
            "close": raw["NASDAQCOM"].astype(np.float64),
            "volume": np.nan,
        }
    )


def _sp500(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / "yahoo_indices" / "GSPC_close_volume_1927-2026_culolom.csv")
    volume = raw["Volume"].astype(np.float64)
    return pd.DataFrame(
        {
            "symbol": "SP500",
            "date": pd.to_datetime(raw["Date"], format="%Y-%m-%d"),
            "close": raw["Close"].astype(np.float64),
            # Yahoo records no volume before 1950 (zeros): keep it missing, not zero.
            "volume": volume.where(volume > 0),
        }
    )


def _check_prices(frame: pd.DataFrame) -> None:
    for symbol, rows in frame.groupby("symbol", sort=False):
        dates = rows["date"]
        if dates.duplicated().any() or not dates.is_monotonic_increasing:
            raise SystemExit(f"{symbol}: duplicated or unsorted dates")
        close = rows["close"].to_numpy()
        if not np.isfinite(close).all():
            raise SystemExit(f"{symbol}: non-finite closes")
        if symbol not in ("IRX",) and (close <= 0).any():
            raise SystemExit(f"{symbol}: non-positive closes")


def build_prices(shared: Path) -> tuple[pa.Table, list[dict[str, Any]]]:
    """Long table ``symbol, date, close, volume`` and the data card's source entries."""
    tickers = _ticker_closes(shared)
    nasdaq = _nasdaq(shared)
    sp500 = _sp500(shared)
    frame = pd.concat([nasdaq, sp500, tickers], ignore_index=True)
    _check_prices(frame)
    table = pa.Table.from_pandas(
        frame.assign(date=frame["date"].dt.date), preserve_index=False
    ).cast(
        pa.schema(
            [
                ("symbol", pa.string()),
                ("date", pa.date32()),
                ("close", pa.float64()),
                ("volume", pa.float64()),
            ]
        )
    )

    def span(rows: pd.DataFrame) -> dict[str, str]:
        return {
            "first": str(rows["date"].min().date()),
            "last": str(rows["date"].max().date()),
        }

    per_symbol = {
        s: {**span(rows), "rows": len(rows)} for s, rows in frame.groupby("symbol", sort=False)
    }
    sources = [
        {
            "symbols": ["NASDAQ"],
            "name": "NASDAQ Composite Index, daily close (FRED series NASDAQCOM)",
            "origin": (
                "FRED NASDAQCOM; vintage 2025-06 to 2021-04-13 from GitHub iandonaldson/AIMvNASDAQ "
                "@ 99ec2c72, later vintage from 2021-04-14 on from GitHub "
                "XinyuLiu2403/acc102-macro-dashboard @ 6d3e6faa"
            ),
            "url": "https://fred.stlouisfed.org/series/NASDAQCOM",
            "terms": "NASDAQ OMX Group via FRED (Federal Reserve Bank of St. Louis); "
            "copyrighted index data, cite the source.",
            "adjustments": "Index level (price index, no dividends); FRED holiday blanks dropped.",
            **per_symbol["NASDAQ"],
        },
        {
            "symbols": ["SP500"],
            "name": "S&P 500 Index, daily close and volume (Yahoo ^GSPC)",
            "origin": "GitHub culolom/culolom-backtest @ 3cd7b8f7, data/^GSPC.csv",
            "url": "https://finance.yahoo.com/quote/%5EGSPC/history",
            "terms": "Yahoo Finance market data; S&P Dow Jones Indices owns the index. "
            "Cite the source.",
            "adjustments": "Index level (price index, no dividends). Volume missing before "
            "1950 (Yahoo records zeros there). The last row may be an intraday value.",
            **per_symbol["SP500"],
        },
    ]
    for group in ("ai", "ai_power", "dotcom", "etf_rates"):
        symbols = list(GROUPS[group])
        rows = frame[frame["symbol"].isin(symbols)]
        sources.append(
            {
                "symbols": symbols,
                "name": f"Daily adjusted closes, group '{group}' (Yahoo Finance)",
                "origin": YAHOO_REPO + ", data/<TICKER>.csv",
                "url": "https://finance.yahoo.com",
                "terms": YAHOO_TERMS,
                "adjustments": (
                    "Split- and dividend-adjusted (yfinance auto_adjust) as of 2026-08-03, so "
                    "early prices sit below the prices traded then; returns are exact. The row "
                    "of 2026-08-03 looks like an intraday snapshot."
                    if group != "etf_rates"
                    else "ETFs split- and dividend-adjusted; TNX and IRX are yields in percent "
                    "(IRX is at or below 0 on 7 days of March 2020)."
                ),
                **span(rows),
                "rows": len(rows),
                "listed_from": {s: per_symbol[s]["first"] for s in symbols},
            }
        )
    return table, sources


def build_shiller(shared: Path) -> tuple[pa.Table, dict[str, Any]]:
    """Shiller's monthly table (every column of the tidy export)."""
    raw = pd.read_csv(shared / "shiller" / "shiller_monthly_tidy.csv")
    raw["date"] = pd.to_datetime(raw["date"], format="%Y-%m-%d").dt.date
    table = pa.Table.from_pandas(raw, preserve_index=False)
    entry = {
        "name": "Robert J. Shiller, Irrational Exuberance online data (ie_data.xls, sheet Data)",
        "origin": "GitHub SecondOrderEdge/Macro-Dashboard @ 3a1c36ac, data/ie_data.xls "
        "(file changed 2026-05-21), converted to one row per month",
        "url": "http://www.econ.yale.edu/~shiller/data.htm",
        "terms": "Freely published by R. J. Shiller; credit the source.",
        "adjustments": "P is the monthly average of daily closes; D and E are interpolated "
        "from quarterly figures (E missing for 2026-04 and 2026-05, D after 2026-03); real "
        "values in current dollars; the last 1-2 rows are provisional. Dates are the first "
        "of each month.",
        "first": str(raw["date"].min()),
        "last": str(raw["date"].max()),
        "rows": len(raw),
    }
    return table, entry


def _french_block(lines: list[str], title: str | None) -> pd.DataFrame:
    """The monthly block after ``title`` (the first block when None) as numbers."""
    start = 0
    if title is not None:
        start = next(i for i, line in enumerate(lines) if line.strip() == title) + 1
    header = lines[start]
    body = []
    for line in lines[start + 1 :]:
        head = line.split(",", 1)[0].strip()
        if not (head.isdigit() and len(head) == 6):
            break
        body.append(line)
    frame = pd.read_csv(io.StringIO("\n".join([header, *body])), skipinitialspace=True)
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.rename(columns={frame.columns[0]: "month"})
    frame["month"] = frame["month"].astype(str).str.strip()
    return frame.set_index("month").astype(np.float64)


def build_french(shared: Path) -> tuple[pa.Table, dict[str, Any]]:
    """Ken French's 49 industries: value-weighted monthly returns, firm counts, firm sizes."""
    path = shared / "ken_french" / "49_Industry_Portfolios_monthly_1926-2025.csv"
    lines = path.read_text(encoding="latin-1").splitlines()
    vw = _french_block(lines, None)
    n = _french_block(lines, "Number of Firms in Portfolios")
    size = _french_block(lines, "Average Firm Size")
    if not (vw.index.equals(n.index) and vw.index.equals(size.index)):
        raise SystemExit("French file: the monthly blocks cover different months")
    long = pd.DataFrame(
        {
            "month": np.repeat(vw.index.to_numpy(), vw.shape[1]),
            "industry": np.tile(vw.columns.to_numpy(), vw.shape[0]),
            "vw_return_pct": vw.to_numpy().ravel(),
            "n_firms": n.to_numpy().ravel(),
            "firm_size": size.to_numpy().ravel(),
        }
    )
    missing = np.isclose(long["vw_return_pct"], -99.99) | np.isclose(long["vw_return_pct"], -999)
    long.loc[missing, "vw_return_pct"] = np.nan
    long.loc[long["firm_size"] <= -99.99, "firm_size"] = np.nan
    long.loc[long["n_firms"] < 0, "n_firms"] = np.nan
    long["month"] = long["month"].astype(np.int32)
    table = pa.Table.from_pandas(long, preserve_index=False)
    entry = {
        "name": "Kenneth R. French Data Library, 49 Industry Portfolios (monthly)",
        "origin": "GitHub huzaifahp7/sector_rotation_strategy @ 100cd3e0, "
        "data/49_Industry_Portfolios.csv (unmodified French text file)",
        "url": "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/data_library.html",
        "terms": "Copyright Kenneth R. French; freely published for research, credit the source.",
        "adjustments": "Value-weighted total returns in percent (-99.99 = missing, stored as "
        "missing); number of firms and average firm size ($ million, from market equity at the "
        "end of the previous month).",
        "first": f"{vw.index[0][:4]}-{vw.index[0][4:]}",
        "last": f"{vw.index[-1][:4]}-{vw.index[-1][4:]}",
        "rows": len(long),
        "industries": list(vw.columns),
    }
    return table, entry


def build_fundamentals(shared: Path) -> tuple[pa.Table, dict[str, Any]]:
    """SEC fundamentals of the firms the shared files cover (annual and quarterly)."""
    from bubblescope.data.fundamentals import (
        ITEMS,
        fundamentals_from_companyfacts,
        fundamentals_from_ixbrl,
    )
    from bubblescope.data.sec import parse_companyfacts

    folder = shared / "sec_xbrl"
    parts = []
    for file in sorted(folder.glob("*_companyfacts_CIK*.json.gz")):
        ticker = file.name.split("_", 1)[0]
        with gzip.open(file, "rt", encoding="utf-8") as handle:
            payload = json.load(handle)
        facts = parse_companyfacts(payload, ticker=ticker)
        parts.append(fundamentals_from_companyfacts(facts, source=f"sec companyfacts {file.name}"))
    covered = pd.concat(parts, ignore_index=True)[["symbol", "item"]].drop_duplicates()
    ixbrl = fundamentals_from_ixbrl(
        pd.read_csv(folder / "ixbrl_10k_facts_AMZN_META_GOOGL_NVDA_ORCL.csv.gz")
    )
    # a filer with companyfacts takes from its inline XBRL only the items companyfacts cannot
    # carry (company-extension tags such as Alphabet's leases not yet commenced)
    has = ixbrl.merge(covered, on=["symbol", "item"], how="left", indicator=True)["_merge"]
    from_companyfacts = set(covered["symbol"])
    ixbrl = ixbrl[
        ~ixbrl["symbol"].isin(sorted(from_companyfacts)).to_numpy()
        | (has == "left_only").to_numpy()
    ]
    parts.append(ixbrl)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["symbol", "item", "period", "end", "filed"], kind="stable")
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    entry = {
        "name": "SEC EDGAR XBRL financial data (companyfacts API and inline-XBRL 10-K/10-Q facts)",
        "origin": "MSFT and GOOGL companyfacts from GitHub koonkayma/stock-batch; NVDA "
        "companyfacts from a recorded SEC response in GitHub dgunning/edgartools @ ca5a7009; "
        "AMZN, META and ORCL inline-XBRL facts parsed from 10-K/10-Q HTML in the same "
        "edgartools commit (and, for GOOGL and NVDA, the items companyfacts lacks)",
        "url": "https://www.sec.gov/search-filings/edgar-application-programming-interfaces",
        "terms": "U.S. public-domain filings data (SEC EDGAR).",
        "adjustments": "As filed (USD; shares in shares, not split-adjusted). Each value "
        "carries its filing (form, filed, accession). Annual values as last filed (restatements "
        "win); quarterly values as first reported (point in time). Quarterly flows are "
        "three-month values; where a filing gives only year-to-date values the quarter is the "
        "year to date less the earlier quarters, and a fourth quarter not reported on its own "
        "is the fiscal year less the first three quarters (derived=True). Inline-XBRL facts "
        "carry no accession number; Oracle's 10-Q file name has no filing date (filed empty). "
        "Items: revenue, operating and net income, capex, D&A, operating cash flow, cash and "
        "short-term securities, debt, operating and finance lease liabilities, leases not yet "
        "commenced (company-extension tags, inline XBRL only), remaining performance "
        "obligations, stockholders' equity, shares outstanding.",
        "items": list(ITEMS),
        "symbols": sorted({str(s) for s in frame["symbol"].unique()}),
        "first": str(pd.to_datetime(frame["end"]).min().date()),
        "last": str(pd.to_datetime(frame["end"]).max().date()),
        "rows": len(frame),
    }
    return table, entry


def main() -> None:
    """Build every shipped file and the data card."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--version", default="2026.08.1")
    args = parser.parse_args()
    shared: Path = args.shared
    OUT.mkdir(parents=True, exist_ok=True)

    files: dict[str, dict[str, Any]] = {}
    prices, price_sources = build_prices(shared)
    path = _write(prices, "prices.parquet")
    files["prices.parquet"] = {
        "description": "Daily closes: NASDAQ Composite, S&P 500 and the 62-ticker universe "
        "(columns symbol, date, close, volume)",
        "rows": prices.num_rows,
        "sha256": _sha256(path),
        "sources": price_sources,
    }
    for name, builder, description in (
        ("shiller.parquet", build_shiller, "Shiller's monthly table (columns as in ie_data.xls)"),
        (
            "french49.parquet",
            build_french,
            "French 49 industries, monthly (columns month, industry, vw_return_pct, n_firms, "
            "firm_size)",
        ),
        (
            "fundamentals.parquet",
            build_fundamentals,
            "SEC fundamentals, annual and quarterly (one row per value, with its filing)",
        ),
    ):
        table, entry = builder(shared)
        path = _write(table, name)
        files[name] = {
            "description": description,
            "rows": table.num_rows,
            "sha256": _sha256(path),
            "sources": [entry],
        }
    card = {
        "dataset": "bubblescope shipped data",
        "version": args.version,
        "built_by": "scripts/build_dataset.py from ../shared/data (see its PROVENANCE.md)",
        "prices_as_of": max(s["last"] for s in files["prices.parquet"]["sources"]),
        "files": files,
    }
    with (OUT / "datacard.yaml").open("w", encoding="utf-8") as handle:
        yaml.safe_dump(card, handle, sort_keys=False, allow_unicode=True, width=100)
    total = sum((OUT / f).stat().st_size for f in files)
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, to {OUT}")


if __name__ == "__main__":
    main()
