"""Make the reference files the tests read, from ``../shared`` (the project's real-data folder).

A clean clone has no ``../shared/data``; the tests read these committed files instead. Run::

    .venv/bin/python tests/results/make_reference_copies.py            # rewrite the files
    .venv/bin/python tests/results/make_reference_copies.py --check    # compare, change nothing

What it writes (``tests/results/README.md`` gives each file's origin, terms and tests):

``shared_data/``
    Verbatim copies of files of ``../shared/data`` at the same relative paths; files over
    20 kB are xz-compressed (``<name>.xz``; ``tests/reference.py`` decompresses them).
``shared_data/SHA256SUMS``
    SHA-256 of every file the tests ask for by its ``../shared/data`` path (``sha256sum -c``
    format): the copies above, and the price and Shiller files that the tests rebuild from the
    shipped dataset instead (``yahoo_dsturdy/*.csv``, ``shiller/shiller_monthly_tidy.csv``,
    ``fred/NASDAQCOM_daily_1971-2026_combined.csv``). ``tests/reference.py`` checks every file it
    hands to a test against this list, so a test reads exactly the bytes it was written against.
``spec/``
    Verbatim copies of ``../shared/spec/facts.csv``, ``edges.csv`` and ``ai-economy-facts.md``
    (the research notes the bundled fact base was transcribed from).
``trimmed/``
    Cut-down files: SEC companyfacts JSON of MSFT, GOOGL and NVDA keeping the concepts
    :mod:`bubblescope.data.fundamentals` and :mod:`bubblescope.data.sec` read (the script checks
    that the fundamentals table and every tag-chain series are identical to the full file's); the
    inline-XBRL facts file (verbatim); the MSFT capex rows of the key-concepts CSV
    with an annual SEC frame; the
    ``date,MKT_RF,RF`` columns of the Fama-French daily factors.

The output is deterministic (xz and gzip without timestamps).
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import hashlib
import json
import lzma
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_SHARED = REPO.parent / "shared"

#: Files of ../shared/data copied verbatim (compressed with xz when over COMPRESS_ABOVE bytes).
COPIES = (
    "fred/NASDAQCOM_1971-2025_iandonaldson.csv",
    "fred/NASDAQCOM_2021-2026_xinyuliu.csv",
    "backtrader_datas/yhoo-1996-2015.csv",
    "ml4t/JAVA.csv",
    "reference/SP_DV.csv",
    *(
        f"reference/pyexuber_golden/{case}_{part}.csv"
        for case in ("small_lag0", "small_lag1", "medium_lag0", "medium_lag2")
        for part in ("params", "input", "output")
    ),
    "reference/pyexuber_golden/small_lag0_y.txt",
    "ken_french/49_Industry_Portfolios_monthly_1926-2025.csv",
    "epoch_ai/ai-chip-counts/LICENSE_MIT_epoch-research_ai-chip-counts.txt",
    "epoch_ai/ai-chip-counts/data_inputs/Nvidia_annual_prices.csv",
    "epoch_ai/ai-chip-counts/owners_csv_export/coreweave/coreweave_owners_cumulative_by_chip.csv",
)
COMPRESS_ABOVE = 20_000

#: Files of ../shared/data that tests/reference.py rebuilds from the shipped dataset.
REBUILT_GLOBS = ("yahoo_dsturdy/[A-Z]*.csv",)
REBUILT = ("shiller/shiller_monthly_tidy.csv", "fred/NASDAQCOM_daily_1971-2026_combined.csv")

SPEC = ("facts.csv", "edges.csv", "ai-economy-facts.md")

SEC_FILES = {
    "MSFT": "MSFT_companyfacts_CIK0000789019",
    "GOOGL": "GOOGL_companyfacts_CIK0001652044",
    "NVDA": "NVDA_companyfacts_CIK0001045810",
}
IXBRL = "ixbrl_10k_facts_AMZN_META_GOOGL_NVDA_ORCL.csv.gz"
KEY_CONCEPTS = "companyfacts_key_concepts_MSFT_GOOGL_NVDA.csv"

#: Concepts kept in the trimmed companyfacts: every tag of bubblescope.data.fundamentals'
#: formulas and of bubblescope.data.sec.TAG_CHAINS, the R&D and operating-cash-flow tags the
#: tests and bubblescope.economy.valuation ask for, and two NVIDIA repurchase concepts whose
#: forward-dated facts move a filing's report-period end in fundamentals' fiscal calendar (without
#: them NVIDIA's FY2014 Q1 would be labelled differently from the full file's; see main()).
KEEP = {
    "dei": ("EntityCommonStockSharesOutstanding",),
    "us-gaap": (
        "Revenues",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        "RevenueFromContractWithCustomerIncludingAssessedTax",
        "SalesRevenueNet",
        "OperatingIncomeLoss",
        "NetIncomeLoss",
        "ProfitLoss",
        "NetIncomeLossAvailableToCommonStockholdersBasic",
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
        "DepreciationDepletionAndAmortization",
        "DepreciationAndAmortization",
        "DepreciationAmortizationAndAccretionNet",
        "Depreciation",
        "AmortizationOfIntangibleAssets",
        "FinanceLeaseRightOfUseAssetAmortization",
        "NetCashProvidedByUsedInOperatingActivities",
        "CashCashEquivalentsAndShortTermInvestments",
        "CashAndCashEquivalentsAtCarryingValue",
        "ShortTermInvestments",
        "MarketableSecuritiesCurrent",
        "AvailableForSaleSecuritiesDebtSecuritiesCurrent",
        "DebtSecuritiesCurrent",
        "AvailableForSaleSecuritiesCurrent",
        "LongTermDebtNoncurrent",
        "LongTermNotesAndLoans",
        "LongTermDebtAndCapitalLeaseObligations",
        "LongTermDebtCurrent",
        "NotesPayableCurrent",
        "LongTermDebtAndCapitalLeaseObligationsCurrent",
        "CommercialPaper",
        "ShortTermBorrowings",
        "LongTermDebt",
        "OperatingLeaseLiability",
        "OperatingLeaseLiabilityCurrent",
        "OperatingLeaseLiabilityNoncurrent",
        "FinanceLeaseLiability",
        "FinanceLeaseLiabilityCurrent",
        "FinanceLeaseLiabilityNoncurrent",
        "RevenueRemainingPerformanceObligation",
        "StockholdersEquity",
        "StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest",
        "CommonStockSharesOutstanding",
        "PropertyPlantAndEquipmentNet",
        "PropertyPlantAndEquipmentAndFinanceLeaseRightOfUseAssetAfterAccumulatedDepreciation"
        "AndAmortization",
        "PropertyPlantAndEquipmentGross",
        "PropertyPlantAndEquipmentAndFinanceLeaseRightOfUseAssetBeforeAccumulatedDepreciation"
        "AndAmortization",
        "ResearchAndDevelopmentExpense",
        "StockRepurchaseProgramRemainingAuthorizedRepurchaseAmount",
        "StockRepurchasedDuringPeriodShares",
    ),
}


def _xz(data: bytes) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME)


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def copy_shared(shared: Path, out: Path) -> list[str]:
    """Verbatim copies of COPIES; returns the SHA256SUMS lines of copied and rebuilt files."""
    data = shared / "data"
    names = list(COPIES)
    for rel in COPIES:
        content = (data / rel).read_bytes()
        if len(content) > COMPRESS_ABOVE:
            _write(out / "shared_data" / f"{rel}.xz", _xz(content))
        else:
            _write(out / "shared_data" / rel, content)
    for pattern in REBUILT_GLOBS:
        names += sorted(str(p.relative_to(data)) for p in data.glob(pattern))
    names += REBUILT
    return [f"{hashlib.sha256((data / rel).read_bytes()).hexdigest()}  {rel}" for rel in names]


def copy_spec(shared: Path, out: Path) -> None:
    for name in SPEC:
        _write(out / "spec" / name, (shared / "spec" / name).read_bytes())


def trim_companyfacts(doc: dict) -> dict:  # type: ignore[type-arg]
    """The document with only the KEEP concepts (values, units and key order unchanged)."""
    facts = {}
    for taxonomy, concepts in doc["facts"].items():
        kept = {c: body for c, body in concepts.items() if c in KEEP.get(taxonomy, ())}
        if kept:
            facts[taxonomy] = kept
    return {**doc, "facts": facts}


def check_trimmed(full: dict, trimmed: dict, ticker: str) -> None:  # type: ignore[type-arg]
    """The trimmed document gives the full one's fundamentals and tag-chain series, exactly."""
    import pandas as pd

    from bubblescope.data.fundamentals import fundamentals_from_companyfacts
    from bubblescope.data.sec import TAG_CHAINS, annual_series, parse_companyfacts

    a = parse_companyfacts(full, ticker=ticker)
    b = parse_companyfacts(trimmed, ticker=ticker)
    pd.testing.assert_frame_equal(
        fundamentals_from_companyfacts(a, source="s"), fundamentals_from_companyfacts(b, source="s")
    )
    chains = {item: None for item in TAG_CHAINS}
    chains |= {
        "rnd": ["ResearchAndDevelopmentExpense"],
        "operating_cash_flow": ["NetCashProvidedByUsedInOperatingActivities"],
    }
    for item, tags in chains.items():
        pd.testing.assert_frame_equal(
            annual_series(a, item, tags=tags), annual_series(b, item, tags=tags)
        )


def trim_sec(shared: Path, out: Path) -> None:
    folder = shared / "data" / "sec_xbrl"
    dest = out / "trimmed" / "sec_xbrl"
    for ticker, stem in SEC_FILES.items():
        with gzip.open(folder / f"{stem}.json.gz", "rt", encoding="utf-8") as handle:
            doc = json.load(handle)
        trimmed = trim_companyfacts(doc)
        check_trimmed(doc, trimmed, ticker)
        text = json.dumps(trimmed, separators=(",", ":")).encode("utf-8")
        _write(dest / f"{stem}_trimmed.json.gz", _gz(text))
    _write(dest / IXBRL, (folder / IXBRL).read_bytes())
    lines = (folder / KEY_CONCEPTS).read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [  # MSFT capex rows with an annual SEC frame (CY2008 ... CY2025)
        line
        for line in lines[1:]
        if line.startswith("MSFT,PaymentsToAcquirePropertyPlantAndEquipment,")
        and re.fullmatch(r"CY\d{4}", line.rstrip("\r\n").rsplit(",", 1)[-1])
    ]
    _write(dest / "companyfacts_key_concepts_MSFT_capex.csv", "".join(lines[:1] + keep).encode())


def trim_ff5(shared: Path, out: Path) -> None:
    """Columns date, MKT_RF and RF of the daily Fama-French factors, text unchanged."""
    lines = (shared / "data" / "ken_french" / "ff5_factors_daily_1963-2025.csv").read_text(
        encoding="utf-8"
    )
    rows = [line.split(",") for line in lines.splitlines()]
    header = rows[0]
    cols = [header.index(c) for c in ("date", "MKT_RF", "RF")]
    text = "".join(",".join(row[i] for i in cols) + "\n" for row in rows)
    _write(
        out / "trimmed" / "ken_french" / "ff5_factors_daily_1963-2025_mkt_rf.csv.gz",
        _gz(text.encode()),
    )


def build(shared: Path, out: Path) -> None:
    sums = copy_shared(shared, out)
    _write(out / "shared_data" / "SHA256SUMS", ("\n".join(sums) + "\n").encode())
    copy_spec(shared, out)
    trim_sec(shared, out)
    trim_ff5(shared, out)


def _files(root: Path) -> set[str]:
    subdirs = ("shared_data", "spec", "trimmed")
    return {str(p.relative_to(root)) for d in subdirs for p in (root / d).rglob("*") if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder")
    parser.add_argument("--check", action="store_true", help="compare with the committed files")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        build(args.shared, fresh)
        made, have = _files(fresh), _files(HERE)
        differ = sorted(
            rel for rel in made & have if not filecmp.cmp(fresh / rel, HERE / rel, shallow=False)
        )
        if args.check:
            problems = [f"missing: {r}" for r in sorted(made - have)]
            problems += [f"not made by this script: {r}" for r in sorted(have - made)]
            problems += [f"differs: {r}" for r in differ]
            print("\n".join(problems) or "reference copies are up to date")
            return 1 if problems else 0
        for rel in sorted(have - made):
            (HERE / rel).unlink()
        for rel in sorted(made):
            _write(HERE / rel, (fresh / rel).read_bytes())
        print(f"wrote {len(made)} files under {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
