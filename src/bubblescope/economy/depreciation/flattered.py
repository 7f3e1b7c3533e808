r"""Who is flattered, firm by firm: each hyperscaler's earnings at book and at economic lives.

Burry put the big five's understated depreciation at $176B over 2026–28 [DEP-01] and named
two firms: Oracle's earnings overstated by 26.9% and Meta's by 20.8% [DEP-02, DEP-03]. His
method is undisclosed. This module rebuilds the per-firm figures from each firm's own capex:

* **Capex** by fiscal year from the shipped SEC fundamentals (``capex``: PP&E purchases, each
  year a ``filing`` input with its tag, form and accession); years the filings lack come from
  ``flattered.yaml`` (a fact such as CAP-02, or a labelled row), then held at the last year
  grown at ``capex_growth`` to 2028. A row copied from a 10-K the shipped data lack names the
  filing (accession, URL) and where it was read; one whose reason starts with
  :data:`UNVERIFIED` was not read in its filing, and :attr:`FlatteredResult.unverified`
  lists it in every output.
* **Depreciation** of the short-lived share (60%, DEP-14) straight line with half-year
  convention at the firm's book life (DEP-06..10) and at the economic life that reproduces
  Burry's $176B on the DEP-14 capex path (:func:`~bubblescope.economy.depreciation.burry_case`,
  3.77 years); the pre-tax understatement is :math:`u_y = D_y(N_{econ}) - D_y(N_{book})`.
* **Earnings path** :math:`E_y`: the latest filed fiscal year's net income (the fundamentals'
  ``net_income``; a labelled row where the filings lack it), grown at ``earnings_growth`` a
  year (0 by default: no forecast is sourced).
* **Overstatement** over the window :math:`W` (2026–28):
  :math:`\sum_W E_y / \sum_W (E_y - (1-τ) u_y) - 1`, reported earnings against earnings at
  the economic life.
* **P/E** at the last shipped close: market value (close × filed shares) over the window's
  first year's earnings, at book (:math:`E`) and restated (:math:`E - (1-τ) u`).

Fiscal years are each firm's own (Oracle's ends in May, Microsoft's in June), as Burry's
"2026–28" does not say which. Prices are the shipped split- and dividend-adjusted closes, so a
market value is a little below one at the unadjusted close for a dividend payer.

References
----------
M. Burry, X post 2025-11-10 [DEP-01, DEP-02, DEP-03].
FASB ASC 360-10-35 (depreciation over the useful life).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.economy.assumptions import AssumptionSet, assumptions_for
from bubblescope.economy.depreciation.cases import load_cases
from bubblescope.economy.depreciation.schedule import (
    OFFSET,
    CapexVintages,
    LifePolicy,
    depreciation_matrix,
)
from bubblescope.economy.inputs import Input, format_inputs, inputs_to_dicts
from bubblescope.economy.units import Q
from bubblescope.errors import DataError, InputError
from bubblescope.result import ResultMixin

__all__ = [
    "FIRMS",
    "UNVERIFIED",
    "FirmFlattery",
    "FlatteredResult",
    "flattered",
    "overstatement",
]

#: The hyperscalers of Burry's $176B, in the order shown.
FIRMS: tuple[str, ...] = ("ORCL", "META", "MSFT", "GOOGL", "AMZN")

#: How a ``flattered.yaml`` row copied from a filing says that the filing itself was not read.
UNVERIFIED: Final = "not verified against the filing"


def overstatement(
    capex: CapexVintages,
    share: float,
    book_life: float,
    economic_life: float,
    earnings: Sequence[float],
    window: tuple[int, int],
    tax_rate: float,
) -> tuple[float, Float64Array, Float64Array]:
    r"""Window overstatement of earnings when servers are depreciated over their book life.

    Parameters
    ----------
    capex : CapexVintages
        Capex by fiscal year, USD bn (vintages through the window's last year).
    share : float
        Short-lived fraction of capex, in [0, 1].
    book_life, economic_life : float
        Straight-line lives, years (half-year convention).
    earnings : sequence of float
        Reported net income in each window year, USD bn.
    window : (int, int)
        First and last fiscal year, inclusive.
    tax_rate : float
        τ, fraction.

    Returns
    -------
    overstated : float
        :math:`\sum E / \sum (E - (1-τ) u) - 1`, a fraction.
    understated : ndarray
        Pre-tax understatement :math:`u_y` per window year, USD bn.
    restated : ndarray
        Net income at the economic life per window year, USD bn.

    Raises
    ------
    InputError
        When the earnings do not cover the window, or the restated earnings are not positive
        (an overstatement of a loss has no meaning).
    """
    years = list(range(window[0], window[1] + 1))
    if len(earnings) != len(years):
        raise InputError(f"earnings cover {len(earnings)} years, the window {len(years)}")
    cost = np.asarray(capex.capex, dtype=np.float64) * share
    book = depreciation_matrix(cost, capex.years, years, LifePolicy.constant(book_life)).sum(0)
    econ = depreciation_matrix(cost, capex.years, years, LifePolicy.constant(economic_life))
    understated = econ.sum(axis=0) - book
    reported = np.asarray(earnings, dtype=np.float64)
    restated = reported - (1.0 - tax_rate) * understated
    if restated.sum() <= 0.0:
        raise InputError(
            f"{capex.entity}: earnings at the economic life are not positive over {window}",
            hint="the overstatement of a loss is undefined",
        )
    return float(reported.sum() / restated.sum() - 1.0), understated, restated


@dataclass(frozen=True)
class FirmFlattery:
    r"""One firm: its lives, understatement, earnings and P/E (USD bn unless stated).

    Attributes
    ----------
    ticker : str
    book_life, economic_life : float
        Years.
    understated : ndarray
        Pre-tax understated depreciation per window year.
    reported, restated : ndarray
        Net income per window year at book and at the economic life.
    overstated : float
        Window overstatement of earnings, fraction.
    published : Input or None
        Burry's figure for the firm (DEP-02/03), in %.
    price : float
        Last shipped close, USD (split- and dividend-adjusted).
    price_date : str
    market_value : float
        Close × shares, USD bn.
    pe_book, pe_restated : float or None
        Market value over the window's first year's earnings (None when not positive).
    inputs : tuple of Input
    filed_depreciation : Input or None
        The latest filed fiscal year's D&A (``depreciation``), None where not filed.
    servers_book : float or None
        The model's book depreciation of the short-lived share in that year, USD bn: a check
        against the filing (D&A also covers buildings and intangibles, so this stays below it
        unless the share or the lives are too high).
    implied_earnings : float or None
        For a firm with a published figure: the flat net income a year over the window at
        which this understatement gives exactly that figure, USD bn
        (:math:`(1-τ)\sum u \,(1+p) / (p\,n)`), to set against the earnings path.
    """

    ticker: str
    book_life: float
    economic_life: float
    understated: Float64Array
    reported: Float64Array
    restated: Float64Array
    overstated: float
    published: Input | None
    price: float
    price_date: str
    market_value: float
    pe_book: float | None
    pe_restated: float | None
    inputs: tuple[Input, ...]
    filed_depreciation: Input | None
    servers_book: float | None
    implied_earnings: float | None


@dataclass(frozen=True)
class FlatteredResult(ResultMixin):
    """Each hyperscaler's earnings overstatement 2026–28 and its P/E at book and restated.

    Attributes
    ----------
    firms : tuple of FirmFlattery
    window : (int, int)
    tax_rate, share, economic_life : Input
    assumptions : tuple of Input
        The earnings and capex growth rows.
    """

    firms: tuple[FirmFlattery, ...]
    window: tuple[int, int]
    tax_rate: Input
    share: Input
    economic_life: Input
    assumptions: tuple[Input, ...]

    def firm(self, ticker: str) -> FirmFlattery:
        """The row of ``ticker`` (:class:`InputError` for a firm not modelled)."""
        for f in self.firms:
            if f.ticker == ticker.upper():
                return f
        raise InputError(f"{ticker!r} is not modelled", hint=f"firms: {', '.join(FIRMS)}")

    @property
    def inputs(self) -> tuple[Input, ...]:
        """Every input: the shared ones, then each firm's."""
        shared = (self.economic_life, self.share, self.tax_rate, *self.assumptions)
        return (*shared, *(i for f in self.firms for i in f.inputs))

    @property
    def unverified(self) -> tuple[Input, ...]:
        """Inputs whose row was not checked against its filing (source: :data:`UNVERIFIED`...)."""
        rows = {i.name: i for i in self.inputs if i.source.startswith(UNVERIFIED)}
        return tuple(rows.values())

    def to_frame(self) -> pd.DataFrame:
        """One row per firm: lives, window sums, overstatement vs published, P/E."""
        rows = [
            {
                "ticker": f.ticker,
                "book_life_years": f.book_life,
                "economic_life_years": f.economic_life,
                "understated_usd_bn": float(f.understated.sum()),
                "reported_net_income_usd_bn": float(f.reported.sum()),
                "restated_net_income_usd_bn": float(f.restated.sum()),
                "overstated_pct": f.overstated * 100.0,
                "published_pct": None if f.published is None else f.published.m_as("%"),
                "implied_net_income_a_year_usd_bn": f.implied_earnings,
                "price_usd": f.price,
                "market_value_usd_bn": f.market_value,
                "pe_book": f.pe_book,
                "pe_restated": f.pe_restated,
                "filed_da_usd_bn": _usd(f.filed_depreciation),
                "servers_book_in_that_year_usd_bn": f.servers_book,
            }
            for f in self.firms
        ]
        return pd.DataFrame(rows).set_index("ticker")

    def summary(self) -> str:
        """Headline, the firm table, and every input."""
        lo, hi = self.window
        frame = self.to_frame()
        lines = [
            f"Earnings overstated {lo}-{hi} with servers on their book lives instead of "
            f"{self.economic_life.value:.2f} years (the life behind Burry's $176B):",
        ]
        for f in self.firms:
            pub = (
                ""
                if f.published is None or f.implied_earnings is None
                else f" (Burry {f.published.m_as('%'):.1f}%, which on this understatement "
                f"needs {f.implied_earnings:.1f} bn of net income a year)"
            )
            lines.append(
                f"  {f.ticker}: {f.overstated:+.1%}{pub}; P/E {_pe(f.pe_book)} at book, "
                f"{_pe(f.pe_restated)} restated{_check(f)}"
            )
        lines.append("USD bn over the window; P/E on the window's first year at the last close:")
        lines.append(frame.round(2).to_string())
        lines.append(
            "Earnings path: the latest filed fiscal year's net income grown at "
            f"{self.assumptions[0].value:g} a year ({self.assumptions[0].source})."
        )
        unchecked = self.unverified
        if unchecked:
            lines.append(
                f"Not verified against the filing ({len(unchecked)} rows of flattered.yaml; "
                "reasons under Inputs): " + "; ".join(f"{i.name} = {i.quantity}" for i in unchecked)
            )
        lines.append(format_inputs(self.inputs))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the firm table, per-year paths and inputs."""
        years = list(range(self.window[0], self.window[1] + 1))
        out: dict[str, Any] = to_jsonable(
            {
                "window": list(self.window),
                "economic_life_years": self.economic_life.value,
                "firms": self.to_frame().reset_index().to_dict(orient="records"),
                "by_year": [
                    {
                        "ticker": f.ticker,
                        "fiscal_year": y,
                        "understated_usd_bn": float(f.understated[i]),
                        "reported_usd_bn": float(f.reported[i]),
                        "restated_usd_bn": float(f.restated[i]),
                    }
                    for f in self.firms
                    for i, y in enumerate(years)
                ],
                "price_dates": {f.ticker: f.price_date for f in self.firms},
                "inputs": inputs_to_dicts(self.inputs),
                "unverified_inputs": inputs_to_dicts(self.unverified),
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Overstatement per firm against Burry's, and P/E at book and restated."""
        names = [f.ticker for f in self.firms]
        published = [np.nan if f.published is None else f.published.m_as("%") for f in self.firms]
        lo, hi = self.window
        return ChartSpec(
            f"Who is flattered: earnings {lo}-{hi} at book server lives vs "
            f"{self.economic_life.value:.2f} years",
            (
                Panel(
                    f"earnings overstated {lo}-{hi}, %",
                    "%",
                    bars=(
                        Bar(
                            names,
                            [f.overstated * 100.0 for f in self.firms],
                            "this model",
                            color="#009E73",
                        ),
                        Bar(names, published, "Burry (DEP-02/03)", color="#D55E00"),
                    ),
                ),
                Panel(
                    f"P/E on {lo} earnings at the last shipped close",
                    "x",
                    bars=(
                        Bar(names, [_nan(f.pe_book) for f in self.firms], "P/E at book", "#0072B2"),
                        Bar(
                            names,
                            [_nan(f.pe_restated) for f in self.firms],
                            "P/E restated",
                            "#CC79A7",
                        ),
                    ),
                ),
            ),
            source="bubblescope.economy.depreciation.flattered; SEC fundamentals (shipped), "
            "flattered.yaml; Burry DEP-01..03",
        )


def _pe(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _check(f: FirmFlattery) -> str:
    """The model's server book depreciation against the filed D&A of that year, as text."""
    if f.filed_depreciation is None or f.servers_book is None:
        return "; no annual D&A filed"
    filed = f.filed_depreciation
    return f"; servers at book {f.servers_book:.1f} of {filed.name} {filed.m_as('USD bn'):.1f}"


def _usd(item: Input | None) -> float | None:
    return None if item is None else item.m_as("USD bn")


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _filed(rows: pd.DataFrame, ticker: str, item: str) -> tuple[int, Input] | None:
    """The latest filed value of ``item`` (annual for flows) and its fiscal year, or None."""
    sel = rows[rows["item"] == item]
    if item != "shares_outstanding":
        sel = sel[sel["period"] == "FY"]
    if sel.empty:
        return None
    row = sel.sort_values(["end", "filed"]).iloc[-1]
    accn = str(row["accn"] or "")
    where = f"accession {accn}" if accn else str(row["source"])
    year = int(row["fiscal_year"])
    source = f"{row['form']} {row['tag']} FY{year} to {pd.Timestamp(row['end']).date()}, {where}"
    if item == "shares_outstanding":
        return year, Input(
            f"{ticker} shares outstanding", Q(float(row["value"]), "1").to("bn"), "filing", source
        )
    quantity = Q(float(row["value"]), "USD").to("USD bn")
    return year, Input(f"{ticker} {item.replace('_', ' ')} FY{year}", quantity, "filing", source)


def _capex(
    rows: pd.DataFrame,
    ticker: str,
    rows_in: AssumptionSet,
    oldest: float,
    last: int,
    growth: Input,
) -> CapexVintages:
    """Filed capex, the file's rows for the years the filings lack, then the projection.

    Vintages placed in service before ``oldest`` (a fractional fiscal time: fully depreciated
    before any year the model charges) are left out; a year from there to ``last`` that no
    source gives is a DataError naming it.
    """
    from bubblescope.economy.depreciation.filings import capex_from_companyfacts

    items: dict[int, Input] = {}
    if not rows[(rows["item"] == "capex") & (rows["period"] == "FY")].empty:
        filed = capex_from_companyfacts(rows, ticker)
        items = dict(zip(filed.years, filed.sources, strict=True))
    key = f"capex_{ticker.lower()}"
    if key in rows_in:
        for at, item in rows_in.series(key):
            items.setdefault(int(at), item)
    if not items:
        raise DataError(f"{ticker}: no capex filed and none in flattered.yaml")
    year = max(items)
    g = growth.m_as("1")
    while year < last:
        prev = items[year]
        year += 1
        value = prev.m_as("USD bn") * (1.0 + g)
        items[year] = Input(
            f"{ticker} capex {year} (projected)",
            Q(value, "USD bn"),
            "assumption",
            f"{prev.name} grown at {g:g} ({growth.name})",
        )
    missing = [y for y in range(math.floor(oldest) + 1, last + 1) if y not in items]
    if missing:
        raise DataError(
            f"{ticker}: capex of fiscal years {missing} is neither filed nor in flattered.yaml",
            hint=f"the lives depreciate vintages from {math.floor(oldest) + 1} on: add rows",
        )
    return CapexVintages.from_inputs(ticker, {y: v for y, v in items.items() if y > oldest})


def _required(
    rows: pd.DataFrame, ticker: str, item: str, key: str, rows_in: AssumptionSet
) -> tuple[int | None, Input]:
    """A filed value, else the file's labelled row, else a DataError naming the gap."""
    filed = _filed(rows, ticker, item)
    if filed is not None:
        return filed
    if key in rows_in:
        at = rows_in.row(key).at
        return (None if at is None else int(at)), rows_in.input(key)
    raise DataError(
        f"{ticker}: {item} is neither in the shipped filings nor in flattered.yaml ({key})"
    )


def flattered(
    economic_life: float | None = None,
    *,
    firms: Sequence[str] = FIRMS,
    assumptions: AssumptionSet | Mapping[str, Any] | None = None,
    fundamentals: pd.DataFrame | None = None,
) -> FlatteredResult:
    """Each firm's earnings overstatement over Burry's window and its P/E, book vs restated.

    Parameters
    ----------
    economic_life : float, optional
        Economic server life, years (default: the life at which the DEP-14 capex path gives
        Burry's $176B, :func:`~bubblescope.economy.depreciation.burry_case`).
    firms : sequence of str
        Tickers, each with rows in ``flattered.yaml`` or filings (default :data:`FIRMS`).
    assumptions : AssumptionSet or mapping, optional
        Overrides of ``flattered.yaml`` (``{"earnings_growth": 0.1}``).
    fundamentals : DataFrame, optional
        A fundamentals table (default: the shipped one, ``load_fundamentals()``).

    Returns
    -------
    FlatteredResult

    Raises
    ------
    InputError
        A non-positive economic life, or an unknown firm.
    DataError
        A firm whose capex, earnings or shares neither the filings nor the file give.
    """
    from bubblescope.data.bundled import load_fundamentals
    from bubblescope.data.catalog import load_series
    from bubblescope.economy.depreciation.published import burry_case
    from bubblescope.economy.inputs import assumption, user_input

    cases = load_cases()
    window = cases.burry.window
    if economic_life is None:
        implied = burry_case().implied_life
        if implied is None:
            raise DataError("Burry's case gave no implied economic life")
        life = assumption(
            "economic server life",
            implied,
            "year",
            "the life at which the DEP-14 capex path gives Burry's $176B 2026-28 (DEP-01)",
        )
    else:
        if not economic_life > 0.0:
            raise InputError(f"economic life must be positive, got {economic_life}")
        life = user_input("economic server life", float(economic_life), "year")
    rows_in = assumptions_for("flattered", assumptions)
    table = load_fundamentals() if fundamentals is None else fundamentals
    share = cases.burry.share.build()
    tax = cases.tax_rate.build()
    e_growth = rows_in.input("earnings_growth")
    c_growth = rows_in.input("capex_growth")
    years = np.arange(window[0], window[1] + 1)
    out = []
    for raw in firms:
        ticker = raw.upper()
        key = ticker.lower()
        if f"book_life_{key}" not in rows_in:
            raise InputError(f"no book life for {raw!r}", hint=f"firms: {', '.join(FIRMS)}")
        rows = table[table["symbol"] == ticker]
        book = rows_in.input(f"book_life_{key}")
        start = OFFSET["half-year"]
        oldest = window[0] - start - max(book.m_as("year"), life.m_as("year"))
        dep = _filed(rows, ticker, "depreciation")
        if dep is not None:
            oldest = min(oldest, dep[0] - start - book.m_as("year"))
        capex = _capex(rows, ticker, rows_in, oldest, window[1], c_growth)
        servers_book = None
        if dep is not None:
            cost = np.asarray(capex.capex, dtype=np.float64) * share.m_as("1")
            policy = LifePolicy.constant(book.m_as("year"))
            servers_book = float(depreciation_matrix(cost, capex.years, [dep[0]], policy).sum())
        ni_year, ni = _required(rows, ticker, "net_income", f"net_income_{key}", rows_in)
        base_year = window[0] if ni_year is None else ni_year
        growth = (1.0 + e_growth.m_as("1")) ** (years - base_year)
        reported = np.asarray(ni.m_as("USD bn") * growth, dtype=np.float64)
        over, understated, restated = overstatement(
            capex,
            share.m_as("1"),
            book.m_as("year"),
            life.m_as("year"),
            reported.tolist(),
            window,
            tax.m_as("1"),
        )
        _, shares = _required(rows, ticker, "shares_outstanding", f"shares_{key}", rows_in)
        prices = load_series(ticker)["close"].dropna()
        price = float(prices.iloc[-1])
        value = price * shares.m_as("bn")
        published = f"published_{key}"
        burry = rows_in.input(published) if published in rows_in else None
        implied = None
        if burry is not None and burry.m_as("1") > 0.0:
            after_tax = (1.0 - tax.m_as("1")) * float(understated.sum())
            p = burry.m_as("1")
            implied = after_tax * (1.0 + p) / p / len(years)
        out.append(
            FirmFlattery(
                ticker,
                book.m_as("year"),
                life.m_as("year"),
                understated,
                reported,
                restated,
                over,
                burry,
                price,
                str(pd.Timestamp(prices.index[-1]).date()),
                value,
                value / reported[0] if reported[0] > 0.0 else None,
                value / restated[0] if restated[0] > 0.0 else None,
                (*capex.sources, book, ni, shares, *(() if dep is None else (dep[1],))),
                None if dep is None else dep[1],
                servers_book,
                implied,
            )
        )
    return FlatteredResult(tuple(out), window, tax, share, life, (e_growth, c_growth))
