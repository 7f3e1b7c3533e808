"""The firms as they stand, in one view: balance sheets, a stress's exposures, runway, restated P/E.

:func:`firms_view` gathers, for the firms of the financing network and :data:`EXTRA_FIRMS`:

* **balance sheets** — :func:`bubblescope.data.financials.firm_financials`: cash and marketable
  securities, total debt, operating and finance leases, leases not yet commenced, remaining
  performance obligations, stockholders' equity, operating cash flow, capex and free cash flow
  of a listed firm; revenue, loss or burn, cash raised and committed funding of a private lab;
* **exposures** — :func:`bubblescope.economy.clearing.stress` after the payment shocks: per
  firm its liquid assets, its exposure to the shocked firms, the payments it owes in the year
  and its shortfall, each in USD bn and as a share of its liquid assets;
* **runway** — :func:`bubblescope.economy.firms.runway.runway` (the ``runway`` entry);
* **restated P/E** — :func:`bubblescope.economy.depreciation.flattered.flattered` (the
  ``flattered`` entry).

Every number carries its links: a filed value links to its filing's index on SEC EDGAR
(``https://www.sec.gov/Archives/edgar/data/<CIK>/<accession without dashes>/``), built from the
filer's CIK (:data:`bubblescope.data.universe.SEC_CIK`) and the accession number; a filed value
without an accession number (an inline-XBRL extract) links to the filer's list of filings of that
form. A sourced value links to its fact's (or deals') primary source. A value no source gives is
shown as missing with its reason — for a firm whose filings are not shipped, the command that
fetches them — never as zero.

References
----------
U.S. Securities and Exchange Commission, "EDGAR Full Text Search and filing index",
https://www.sec.gov/search-filings (the ``/Archives/edgar/data/<CIK>/<accession>/`` index pages).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import JSONDict
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.data.financials import (
    FINANCIAL_ITEMS,
    LAB_ITEMS,
    FiledValue,
    FirmFinancials,
    FirmValue,
    MissingValue,
    SourcedValue,
)
from bubblescope.result import ResultMixin

if TYPE_CHECKING:
    from bubblescope.economy.clearing import StressResult
    from bubblescope.economy.depreciation.flattered import FlatteredResult
    from bubblescope.economy.firms.runway import RunwayResult

__all__ = ["FirmsResult", "edgar_url", "firms_view"]

#: EDGAR's filing index of one filing (CIK without leading zeros, accession without dashes).
EDGAR_INDEX: Final = "https://www.sec.gov/Archives/edgar/data/{cik}/{accn}/"
#: EDGAR's list of a filer's filings of one form (where the accession number is not known).
EDGAR_LIST: Final = (
    "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK={cik:010d}&type={form}"
    "&dateb=&owner=include&count=40"
)
#: Listed firms shown although the network holds no binding deal of theirs (name, ticker):
#: Alphabet for the restated P/E, Broadcom for its non-binding OpenAI chip deal.
EXTRA_FIRMS: Final = (("Alphabet", "GOOGL"), ("Broadcom", "AVGO"))

_ACCESSION = re.compile(r"\b\d{10}-\d{2}-\d{6}\b")
_FORM = re.compile(r"\b10-[KQ]\b")
_FACT_ID = re.compile(r"\b(?:[A-Z]{2,4}-\d{2}[a-z]?|E\d{2}[a-z]?)\b")
#: Exposure columns: (value, its share of liquid assets, the deals behind it).
_EXPOSURE_COLUMNS: Final = (
    ("exposure_to_shocked", "exposure_share", "exposure_links"),
    ("due", "due_share", "due_links"),
    ("shortfall", "shortfall_share", "due_links"),
)
_ITEM_TITLES: Final[Mapping[str, str]] = {
    "cash_and_securities": "cash and marketable securities",
    "debt": "total debt",
    "operating_lease_liability": "operating leases",
    "finance_lease_liability": "finance leases",
    "leases_not_commenced": "leases not yet commenced",
    "remaining_performance_obligations": "remaining performance obligations (RPO)",
    "stockholders_equity": "stockholders' equity",
    "operating_cash_flow": "operating cash flow (FY)",
    "capex": "capex (FY)",
    "free_cash_flow": "free cash flow (FY)",
    "revenue": "revenue",
    "revenue_run_rate": "revenue run-rate",
    "operating_loss": "operating loss",
    "cash_burn": "cash burn",
    "cash_raised": "cash raised",
    "committed_funding": "committed funding",
}


def edgar_url(cik: int | None, value: FiledValue) -> str | None:
    """The EDGAR page of the filing behind ``value``.

    Parameters
    ----------
    cik : int or None
        The filer's central index key (None: not known, no link).
    value : FiledValue

    Returns
    -------
    str or None
        The filing index (``.../data/<cik>/<accession without dashes>/``) where the accession is
        known, else the filer's list of filings of that form.

    Examples
    --------
    >>> v = FiledValue("debt", 1.0, "LongTermDebt", "10-K", "FY2025", "2025-06-30", "", "0000950170-25-100235", "")
    >>> edgar_url(789019, v)
    'https://www.sec.gov/Archives/edgar/data/789019/000095017025100235/'
    """  # noqa: E501
    if cik is None:
        return None
    if value.accn:
        return EDGAR_INDEX.format(cik=cik, accn=value.accn.replace("-", ""))
    return EDGAR_LIST.format(cik=cik, form=value.form)


def _sources(factbase: Any) -> dict[str, tuple[str, str]]:
    """Fact and deal id -> (source title, source ref)."""
    out = {f.id: (str(f.source_title), str(f.source_ref)) for f in factbase.facts}
    out.update({d.id: (str(d.source_title), str(d.source_ref)) for d in factbase.deals})
    return out


def _fact_links(ids: Sequence[str], sources: Mapping[str, tuple[str, str]]) -> list[JSONDict]:
    links: list[JSONDict] = []
    for fid in ids:
        title, ref = sources.get(fid, ("", ""))
        url = ref if ref.startswith("http") else None
        links.append({"text": f"{'deal' if fid.startswith('E') else 'fact'} {fid}", "url": url,
                      "title": title})  # fmt: skip
    return links


def _links(v: FirmValue, cik: int | None, sources: Mapping[str, tuple[str, str]]) -> list[JSONDict]:
    if isinstance(v, FiledValue):
        url = edgar_url(cik, v)
        text = v.label if v.accn else f"{v.label} (no accession in the extract: filings list)"
        return [{"text": text, "url": url, "title": v.tag}]
    if isinstance(v, SourcedValue):
        return _fact_links(v.fact_id.split("+"), sources)
    return []


def _fallback(firm: FirmFinancials) -> str | None:
    """Why a firm shows no value at all (every item missing for one reason), else None."""
    if firm.ticker is None or not all(isinstance(v, MissingValue) for v in firm.values):
        return None
    reasons = {v.reason for v in firm.values if isinstance(v, MissingValue)}
    return reasons.pop() if len(reasons) == 1 else None


def _cell(v: JSONDict) -> str:
    return "n/a" if v["value_usd_bn"] is None else f"{v['value_usd_bn']:,.2f}"


def _share(x: Any) -> str:
    return "n/a" if x is None else f"{100.0 * float(x):,.0f}%"


def _num(x: Any, digits: int = 2) -> str:
    return "n/a" if x is None else f"{float(x):,.{digits}f}"


@dataclass(frozen=True)
class FirmsResult(ResultMixin):
    """The firms as they stand: balance sheets, exposures, runway and restated P/E.

    Attributes
    ----------
    financials : tuple of FirmFinancials
        One per firm: the network's (in network order), then :data:`EXTRA_FIRMS`.
    in_network : tuple of str
        The firms of the financing network.
    ciks : mapping
        Ticker -> SEC CIK (the filers whose filings are linked).
    stress : StressResult
        The stress after the payment shocks (exposures and shortfalls).
    runway : RunwayResult
    flattered : FlatteredResult
    sources : mapping
        Fact and deal id -> (source title, source ref): where each sourced value links.
    """

    financials: tuple[FirmFinancials, ...]
    in_network: tuple[str, ...]
    ciks: Mapping[str, int]
    stress: StressResult
    runway: RunwayResult
    flattered: FlatteredResult
    sources: Mapping[str, tuple[str, str]]

    def firm(self, name: str) -> FirmFinancials:
        """The financials of ``name`` (:class:`~bubblescope.errors.InputError` if not shown)."""
        from bubblescope.errors import InputError

        for f in self.financials:
            if f.name == name:
                return f
        names = ", ".join(f.name for f in self.financials)
        raise InputError(f"no firm {name!r} in the firms view", hint=f"firms: {names}")

    # --- the parts, as JSON-ready rows ------------------------------------------------------------

    def balance_sheets(self) -> list[JSONDict]:
        """One dict per firm: its values, each with its label and links, and any fallback."""
        out: list[JSONDict] = []
        for f in self.financials:
            cik = self.ciks.get(f.ticker) if f.ticker else None
            values = [
                {**v.to_dict(), "label": v.label, "links": _links(v, cik, self.sources)}
                for v in f.values
            ]
            out.append(
                {
                    "name": f.name,
                    "ticker": f.ticker,
                    "kind": "private" if f.ticker is None else "listed",
                    "in_network": f.name in self.in_network,
                    "cik": cik,
                    "fallback": _fallback(f),
                    "values": values,
                }
            )
        return out

    def exposures(self) -> list[JSONDict]:
        """One dict per firm of the stress: USD bn and shares of liquid assets, with sources.

        ``liquid_basis`` is ``"filed"`` (the cash and securities of the balance sheet, linked to
        its filing) or ``"assumed"`` (the stress's listed buffer assumption; the reason says why
        no filing gives it). A share is None where the liquid assets are zero.
        ``exposure_links`` and ``due_links`` link the deals behind the exposure (the debts the
        shocked firms owe the firm this year) and the payments due (the firm's own debts).
        """
        from bubblescope.economy.clearing import PaymentShock

        f = self.stress.firms
        c = self.stress.commitments
        debts = c[(c["treatment"] == "debt") & (c["year_usd_bn"] > 0)] if not c.empty else c
        shocked = {s.firm for s in self.stress.scenarios if isinstance(s, PaymentShock)}

        def deals(mask: Any) -> list[JSONDict]:
            return _fact_links([str(i) for i in debts.index[mask]], self.sources)

        rows: list[JSONDict] = []
        names = {x.name: x for x in self.financials}
        for name, r in f.iterrows():
            firm = names.get(str(name))
            filed = str(r["external_basis"]) != "assumed"
            cash = firm.get("cash_and_securities") if firm and firm.ticker else None
            if filed and cash is not None:
                cik = self.ciks.get(str(firm.ticker)) if firm else None
                links = _links(cash, cik, self.sources)
                why = cash.label
            else:
                links = []
                why = (
                    (cash.reason if isinstance(cash, MissingValue) else "")
                    or "no balance sheet is sourced for this firm"
                ) + "; the stress assumes its cash (see the stress's assumptions)"
            dround = r["default_round"]
            rows.append(
                {
                    "firm": str(name),
                    "ticker": None if pd.isna(r["ticker"]) else str(r["ticker"]),
                    "liquid_assets": r["liquid_assets"],
                    "liquid_basis": "filed" if filed else "assumed",
                    "liquid_source": why,
                    "links": links,
                    "exposure_to_shocked": r["exposure_to_shocked"],
                    "exposure_links": deals(
                        debts["payer"].isin(shocked) & (debts["payee"] == name)
                    ),
                    "due_links": deals(debts["payer"] == name),
                    "exposure_share": r["exposure_share"],
                    "due": r["due"],
                    "due_share": r["due_share"],
                    "shortfall": r["shortfall"],
                    "shortfall_share": r["shortfall_share"],
                    "default_round": None if pd.isna(dround) else int(dround),
                }
            )
        out: list[JSONDict] = to_jsonable(rows)
        return out

    def runway_rows(self) -> list[JSONDict]:
        """Per lab and scenario: the year funding runs short, new money and payments (USD bn).

        ``links`` are the facts behind the revenue path and the raises, ``payment_links`` the
        deals whose payments the lab owes.
        """
        rows = self.runway.short_year.reset_index().to_dict(orient="records")
        c = self.stress.commitments
        debts = c[c["treatment"] == "debt"] if not c.empty else c
        out: list[JSONDict] = []
        for r in ({str(k): v for k, v in row.items()} for row in rows):
            ids = [str(i) for i in debts.index[debts["payer"] == r["lab"]]]
            r["payment_links"] = _fact_links(ids, self.sources)
            own = [
                s
                for s in self.runway.sources
                if str(s["name"]).startswith(str(r["lab"]))
                or s["name"] == f"growth ({r['scenario']})"
            ]
            ids = [fid for s in own for fid in _FACT_ID.findall(str(s["source"]))]
            out.append({**r, "links": _fact_links(list(dict.fromkeys(ids)), self.sources)})
        jsonable: list[JSONDict] = to_jsonable(out)
        return jsonable

    def pe_rows(self) -> list[JSONDict]:
        """Per hyperscaler: overstatement, Burry's figure, P/E at book and restated, links."""
        frame = self.flattered.to_frame().reset_index()
        rows: list[JSONDict] = []
        for firm, (_, r) in zip(self.flattered.firms, frame.iterrows(), strict=True):
            links: list[JSONDict] = []
            cik = self.ciks.get(firm.ticker)
            for i in sorted(firm.inputs, key=lambda i: "capex" in i.name):
                name = i.name.removeprefix(f"{firm.ticker} ")
                accn = _ACCESSION.search(i.source)
                form = _FORM.search(i.source)
                if i.kind in ("filing", "assumption") and accn and cik is not None:
                    url = EDGAR_INDEX.format(cik=cik, accn=accn.group(0).replace("-", ""))
                    links.append({"text": name, "url": url, "title": i.source})
                elif i.kind in ("filing", "assumption") and form and cik is not None:
                    # no accession in the extract or the row: the filer's list of that form
                    url = EDGAR_LIST.format(cik=cik, form=form.group(0))
                    note = "list" if i.kind == "filing" else "list; row not checked here"
                    links.append({"text": f"{name} ({form.group(0)} {note})", "url": url,
                                  "title": f"{i.kind}: {i.source}"})  # fmt: skip
                elif i.kind == "fact":
                    ids = _FACT_ID.findall(i.source)[:1]
                    links += [{**link, "text": f"{name} ({link['text']})"}
                              for link in _fact_links(ids, self.sources)]  # fmt: skip
            if firm.published is not None:
                ids = _FACT_ID.findall(firm.published.source)[:1]
                links += [{**link, "text": f"Burry ({link['text']})"}
                          for link in _fact_links(ids, self.sources)]  # fmt: skip
            rows.append(
                {
                    "ticker": firm.ticker,
                    "overstated_pct": r["overstated_pct"],
                    "published_pct": r["published_pct"],
                    "pe_book": r["pe_book"],
                    "pe_restated": r["pe_restated"],
                    "reported_net_income_usd_bn": r["reported_net_income_usd_bn"],
                    "restated_net_income_usd_bn": r["restated_net_income_usd_bn"],
                    "price_usd": r["price_usd"],
                    "price_date": firm.price_date,
                    "links": links,
                }
            )
        out: list[JSONDict] = to_jsonable(rows)
        return out

    # --- the result contract ----------------------------------------------------------------------

    def to_dict(self) -> JSONDict:
        """JSON-ready: balance sheets, exposures, runway, restated P/E and their notes."""
        out: JSONDict = to_jsonable(
            {
                "unit": "USD bn",
                "items": {"listed": list(FINANCIAL_ITEMS), "private": list(LAB_ITEMS)},
                "item_titles": dict(_ITEM_TITLES),
                "firms": self.balance_sheets(),
                "stress": {
                    "scenarios": [s.label for s in self.stress.scenarios],
                    "year": self.stress.year if self.stress.year is not None else "run-rate",
                    "exposures": self.exposures(),
                    "assumptions": [a.to_dict() for a in self.stress.assumptions],
                },
                "runway": {
                    "short_year": self.runway_rows(),
                    "framing": self.runway.framing,
                },
                "flattered": {
                    "window": list(self.flattered.window),
                    "economic_life_years": self.flattered.economic_life.value,
                    "firms": self.pe_rows(),
                },
                "notes": list(self.notes()),
            }
        )
        return out

    def notes(self) -> tuple[str, ...]:
        """How to read the view, and every firm shown without filings and why."""
        lines = [
            "A listed firm's value links to its filing's index on SEC EDGAR; a private lab's "
            "or a fact-filled value to its fact's source. n/a: no source gives it (never 0).",
        ]
        lines += [
            f"{f['name']} ({f['ticker']}): {f['fallback']}"
            for f in self.balance_sheets()
            if f["fallback"]
        ]
        return tuple(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per firm and item: value (USD bn, NaN = missing), basis, label, link."""
        rows = [
            {
                "firm": f["name"],
                "ticker": f["ticker"],
                "item": v["item"],
                "value_usd_bn": np.nan if v["value_usd_bn"] is None else v["value_usd_bn"],
                "basis": v["basis"],
                "label": v["label"],
                "url": next((link["url"] for link in v["links"] if link["url"]), None),
            }
            for f in self.balance_sheets()
            for v in f["values"]
        ]
        return pd.DataFrame(rows).set_index(["firm", "item"])

    def summary(self) -> str:
        """The balance sheets, the exposures, the runway and the restated P/E, as text."""
        lines = ["Firms as they stand (USD bn; n/a: no source gives it)"]
        for f in self.balance_sheets():
            head = f"{f['name']} ({f['ticker'] or 'private'})"
            if f["fallback"]:
                lines.append(f"{head}: n/a: {f['fallback']}")
                continue
            lines.append(head)
            lines.extend(
                f"  {_ITEM_TITLES[v['item']]:<42}{_cell(v):>10}  "
                f"{v['label'] if v['basis'] != 'missing' else v['reason'].split(' (')[0]}"
                for v in f["values"]
            )
        s = self.stress
        lines.append(
            f"Exposures when {'; '.join(x.label for x in s.scenarios) or 'no firm is shocked'} "
            "(USD bn a year; % of liquid assets):"
        )
        lines.append(
            f"  {'firm':<11}{'liquid':>17}  {'exposure':>15}{'due':>15}{'shortfall':>15}  default"
        )
        for r in self.exposures():
            basis = "(assumed)" if r["liquid_basis"] == "assumed" else "(filed)"
            dflt = "-" if r["default_round"] is None else f"round {r['default_round']}"
            lines.append(
                f"  {r['firm']:<11}{_num(r['liquid_assets']):>8} {basis:<9} "
                + "".join(
                    f"{_num(r[k]):>9} {_share(r[share]):>5}" for k, share, _ in _EXPOSURE_COLUMNS
                )
                + f"  {dflt}"
            )
        lines.append(
            "  assumed: no balance sheet shipped, the stress's listed buffer assumption "
            "(see the notes); n/a: a share of zero liquid assets"
        )
        lines.append("Runway (the year funding runs short; new money needed, USD bn):")
        for r in self.runway_rows():
            short = "never within the contracts" if r["short_year"] is None else r["short_year"]
            lines.append(
                f"  {r['lab']:<10}{r['scenario']:<6}short in {short}; "
                f"new money {_num(r['new_money_total'], 1)}"
            )
        lo, hi = self.flattered.window
        lines.append(f"Restated P/E (earnings {lo}-{hi} at book and at restated depreciation):")
        for r in self.pe_rows():
            pub = "" if r["published_pct"] is None else f" (Burry {r['published_pct']:.1f}%)"
            lines.append(
                f"  {r['ticker']:<6} overstated {r['overstated_pct']:+.1f}%{pub}; P/E "
                f"{_num(r['pe_book'], 1)} at book -> {_num(r['pe_restated'], 1)} restated"
            )
        lines.append(f"note: {self.notes()[0]}")
        return "\n".join(lines)

    def chart_spec(self) -> ChartSpec:
        """Per firm: cash, debt, leases and RPO; then exposure, payments due and shortfall."""
        sheets = self.balance_sheets()
        names = [f["name"] for f in sheets]

        def item(key: str) -> list[float]:
            out = []
            for f in sheets:
                v = next((x for x in f["values"] if x["item"] == key), {"value_usd_bn": None})
                out.append(np.nan if v["value_usd_bn"] is None else v["value_usd_bn"])
            return out

        leases = [
            a + b if np.isfinite(a) and np.isfinite(b) else (a if np.isfinite(a) else b)
            for a, b in zip(
                item("operating_lease_liability"), item("finance_lease_liability"), strict=True
            )
        ]
        by_firm = {r["firm"]: r for r in self.exposures()}

        def stressed(key: str) -> list[float]:
            return [
                np.nan if n not in by_firm or by_firm[n][key] is None else by_firm[n][key]
                for n in names
            ]

        def liquid(basis: str) -> list[float]:
            return [
                v if n in by_firm and by_firm[n]["liquid_basis"] == basis else np.nan
                for n, v in zip(names, stressed("liquid_assets"), strict=True)
            ]

        missing = [f["name"] for f in sheets if f["fallback"]]
        return ChartSpec(
            "Firms as they stand: balance sheets and a stress's exposures",
            (
                Panel(
                    "balance sheet, latest filing (USD bn; no bar: not filed, or a private lab)",
                    "USD bn",
                    bars=(
                        Bar(
                            names,
                            item("cash_and_securities"),
                            "cash and securities",
                            color="#0072B2",
                        ),
                        Bar(names, item("debt"), "total debt", color="#D55E00"),
                        Bar(names, leases, "leases (operating + finance)", color="#CC79A7"),
                        Bar(
                            names,
                            item("leases_not_commenced"),
                            "leases not yet commenced",
                            color="#E69F00",
                        ),
                        Bar(
                            names,
                            item("remaining_performance_obligations"),
                            "RPO (backlog)",
                            color="#009E73",
                        ),
                    ),
                ),
                Panel(
                    f"stress: {'; '.join(x.label for x in self.stress.scenarios)} (USD bn a year)",
                    "USD bn",
                    bars=(
                        Bar(names, liquid("filed"), "liquid assets, filed", color="#56B4E9"),
                        Bar(
                            names,
                            liquid("assumed"),
                            "liquid assets, assumed (nothing filed)",
                            color="#C9E4F5",
                        ),
                        Bar(
                            names,
                            stressed("exposure_to_shocked"),
                            "exposure to shocked",
                            color="#F0E442",
                        ),
                        Bar(names, stressed("due"), "payments due", color="#999999"),
                        Bar(names, stressed("shortfall"), "shortfall", color="#000000"),
                    ),
                ),
            ),
            source="SEC filings (EDGAR) and the fact base; stress: bubblescope.economy.clearing"
            + (f"; no filing shipped: {', '.join(missing)}" if missing else ""),
        )

    def to_html(self) -> str:
        """The tables with every number linked to its filing or fact (escaped HTML)."""
        return _html(self)

    def _repr_html_(self) -> str:
        return self.to_html()


def _a(link: JSONDict, text: str | None = None) -> str:
    label = html.escape(str(text if text is not None else link["text"]))
    title = html.escape(str(link.get("title") or link["text"]))
    if not link.get("url"):
        return f'<span title="{title}">{label}</span>'
    return f'<a href="{html.escape(str(link["url"]))}" title="{title}" rel="noreferrer">{label}</a>'


def _linked(text: str, links: Sequence[JSONDict]) -> str:
    """``text`` linked to the first source, the others as numbered superscripts."""
    body = _a(links[0], text) if links else html.escape(text)
    return body + "".join(f"<sup> {_a(x, str(k))}</sup>" for k, x in enumerate(links[1:], 2))


def _value_td(v: JSONDict) -> str:
    if v["basis"] == "missing":
        return f'<td class="missing" title="{html.escape(v["reason"])}">n/a</td>'
    return f'<td class="num">{_linked(_cell(v), v["links"])}</td>'


def _html(res: FirmsResult) -> str:
    d = res.to_dict()
    titles = d["item_titles"]
    parts = [
        '<div class="firms"><style>.firms td.num { text-align: right; } '
        ".firms td.missing { color: #8a4b00; } .firms sup a { margin-left: .15em; }</style>"
    ]
    for kind, caption in (
        ("listed", "Balance sheets of the listed firms (USD bn; latest filing)"),
        ("private", "The private labs (USD bn; from graded facts)"),
    ):
        items = d["items"][kind]
        firms = [f for f in d["firms"] if f["kind"] == kind]
        parts.append(f'<table class="firms-table"><caption>{html.escape(caption)}</caption><tr>')
        parts.append("<th>firm</th>" + "".join(f"<th>{html.escape(titles[i])}</th>" for i in items))
        parts.append("</tr>")
        for f in firms:
            name = html.escape(f"{f['name']} ({f['ticker'] or 'private'})")
            if f["fallback"]:
                parts.append(
                    f'<tr><th>{name}</th><td class="missing" colspan="{len(items)}">n/a: '
                    f"{html.escape(f['fallback'])}</td></tr>"
                )
                continue
            by_item = {v["item"]: v for v in f["values"]}
            cells = "".join(_value_td(by_item[i]) for i in items)
            parts.append(f"<tr><th>{name}</th>{cells}</tr>")
        parts.append("</table>")
    s = d["stress"]
    parts.append(
        '<table class="firms-table"><caption>Exposures when '
        f"{html.escape('; '.join(s['scenarios']))} (USD bn a year and % of liquid assets; "
        "assumed: no balance sheet shipped)</caption><tr><th>firm</th><th>liquid assets</th>"
        "<th>exposure to shocked</th><th>%</th><th>payments due</th><th>%</th><th>shortfall</th>"
        "<th>%</th><th>default</th></tr>"
    )
    for r in s["exposures"]:
        liquid = _num(r["liquid_assets"])
        cell = (
            _a(r["links"][0], liquid)
            if r["links"]
            else f'<span title="{html.escape(r["liquid_source"])}">{liquid} assumed</span>'
        )
        shares = "".join(
            f'<td class="num">{_linked(_num(r[k]), r[links] if r[k] else [])}</td>'
            f'<td class="num">{_share(r[share])}</td>'
            for k, share, links in _EXPOSURE_COLUMNS
        )
        dflt = "-" if r["default_round"] is None else f"round {r['default_round']}"
        parts.append(
            f'<tr><th>{html.escape(r["firm"])}</th><td class="num">{cell}</td>{shares}'
            f"<td>{dflt}</td></tr>"
        )
    parts.append("</table>")
    parts.append(
        '<table class="firms-table"><caption>Runway: the year funding runs short (USD bn)'
        "</caption><tr><th>lab</th><th>scenario</th><th>short in</th><th>new money</th>"
        "<th>payments</th><th>sources</th></tr>"
    )
    for r in d["runway"]["short_year"]:
        short = "never within the contracts" if r["short_year"] is None else str(r["short_year"])
        srcs = ", ".join(_a(x) for x in r["links"])
        parts.append(
            f"<tr><th>{html.escape(r['lab'])}</th><td>{html.escape(r['scenario'])}</td>"
            f'<td>{short}</td><td class="num">{_num(r["new_money_total"], 1)}</td>'
            f'<td class="num">{_linked(_num(r["payments_total"], 1), r["payment_links"])}</td>'
            f"<td>{srcs}</td></tr>"
        )
    parts.append("</table>")
    lo, hi = d["flattered"]["window"]
    parts.append(
        f'<table class="firms-table"><caption>Restated P/E (earnings {lo}-{hi}, servers over '
        f"{d['flattered']['economic_life_years']:.2f} years)</caption><tr><th>firm</th>"
        "<th>earnings overstated</th><th>Burry</th><th>P/E at book</th><th>P/E restated</th>"
        "<th>sources</th></tr>"
    )
    for r in d["flattered"]["firms"]:
        pub = "-" if r["published_pct"] is None else f"{r['published_pct']:.1f}%"
        srcs = ", ".join(_a(x) for x in r["links"])
        parts.append(
            f"<tr><th>{html.escape(r['ticker'])}</th>"
            f'<td class="num">{r["overstated_pct"]:+.1f}%</td><td class="num">{pub}</td>'
            f'<td class="num">{_num(r["pe_book"], 1)}</td>'
            f'<td class="num">{_num(r["pe_restated"], 1)}</td><td>{srcs}</td></tr>'
        )
    parts.append("</table>")
    parts.append(
        '<ul class="notes">' + "".join(f"<li>{html.escape(n)}</li>" for n in d["notes"]) + "</ul>"
    )
    parts.append("</div>")
    return "\n".join(parts)


def firms_view(
    shocks: Sequence[str] = ("OpenAI=0.5",),
    *,
    year: int | None = None,
    scenarios: Sequence[str] = ("low", "mid", "high"),
) -> FirmsResult:
    """The firms as they stand: balance sheets, exposures in a stress, runway and restated P/E.

    Parameters
    ----------
    shocks : sequence of str
        ``"FIRM=FRACTION"``: the firm pays that fraction of its obligations
        (:func:`~bubblescope.economy.clearing.parse_shock`).
    year : int, optional
        Calendar year the stress clears (default the run-rate year).
    scenarios : sequence of {"low", "mid", "high"}
        Revenue growth scenarios of the runway.

    Returns
    -------
    FirmsResult

    Raises
    ------
    InputError
        For a shock on a firm the network does not hold, or a malformed shock.

    Examples
    --------
    >>> res = firms_view()
    >>> res.firm("Microsoft").get("cash_and_securities").accn
    '0001193125-26-027207'
    >>> res.balance_sheets()[3]["fallback"].startswith("no SEC filings of AMD")
    True
    """
    from bubblescope.data.facts import load_factbase
    from bubblescope.data.financials import firm_financials
    from bubblescope.data.universe import SEC_CIK
    from bubblescope.economy.clearing import parse_shock, stress
    from bubblescope.economy.depreciation.flattered import flattered
    from bubblescope.economy.firms.runway import runway
    from bubblescope.economy.network import LISTED_TICKERS, load_network
    from bubblescope.errors import InputError

    net = load_network()
    parsed = [parse_shock(text) for text in shocks]
    unknown = sorted({s.firm for s in parsed} - set(net.names))
    if unknown:
        raise InputError(f"unknown firm(s) {unknown}", hint=f"choose from {list(net.names)}")
    names = [f.name for f in net.firms if not f.external]
    shown = [(n, LISTED_TICKERS.get(n)) for n in names]
    shown += [(n, t) for n, t in EXTRA_FIRMS if n not in names]
    fb = load_factbase()
    found = firm_financials(shown, factbase=fb)
    return FirmsResult(
        financials=tuple(found[n] for n, _ in shown),
        in_network=tuple(names),
        ciks=dict(SEC_CIK),
        stress=stress(net, parsed, year=year),
        runway=runway(net, scenarios=tuple(scenarios)),
        flattered=flattered(),
        sources=_sources(fb),
    )
