"""The firms view (registry entry ``firms``): links, fallbacks, and one value on every surface.

* Every value links to its source: a filed value to the EDGAR filing index built from the
  filer's CIK and the accession number, read here from the shipped parquet with plain pandas;
  a sourced value to the URL of its fact's row in ``facts.csv``, read with :mod:`csv`.
* Firms without shipped SEC data (AMD, Broadcom, CoreWeave, Nebius) show a labelled fallback on
  every output (summary, frame, JSON, HTML, exposures), never a zero; the command it names is
  the one that fetches them (``data update TICKER --no-prices``: the four are in ``SEC_CIK``),
  and once the store holds their filings the fallback goes
  (tests/data/test_update_network_firms.py runs the update on replayed companyfacts). SoftBank,
  no SEC filer, has its cash from facts (tests/data/test_financials_softbank.py).
* One number, one value: ``bubblescope network firms --json``, the ``firms`` result, its
  report section and ``POST /api/analyses/firms`` give the same balance-sheet values.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bubblescope.cli.main import app
from bubblescope.economy.clearing import PaymentShock, stress
from bubblescope.economy.firms.view import FirmsResult, firms_view
from bubblescope.economy.network import load_network
from bubblescope.errors import InputError

SRC = Path(__file__).resolve().parents[2] / "src" / "bubblescope"
#: Firms of the view whose SEC data the package does not ship.
UNSHIPPED = {"AMD": "AMD", "Broadcom": "AVGO", "CoreWeave": "CRWV", "Nebius": "NBIS"}


@pytest.fixture(scope="module")
def view() -> FirmsResult:
    return firms_view()


def _facts_csv() -> dict[str, str]:
    with (SRC / "data" / "factbase" / "facts.csv").open(newline="", encoding="utf-8") as fh:
        return {row["id"]: row["source_ref"] for row in csv.DictReader(fh)}


def _values(payload_firms: list[dict[str, Any]]) -> dict[tuple[str, str], float | None]:
    return {(f["name"], v["item"]): v["value_usd_bn"] for f in payload_firms for v in f["values"]}


def test_filed_values_link_to_their_filing_index(view: FirmsResult) -> None:
    """The link is EDGAR's index of the filing that reported the value: the CIK and the
    accession of the latest row in the shipped parquet (read here without bubblescope's reader)."""
    raw = pd.read_parquet(SRC / "data" / "shipped" / "fundamentals.parquet")
    ciks = {"MSFT": 789019, "NVDA": 1045810, "GOOGL": 1652044}
    checked = 0
    for name, ticker in (("Microsoft", "MSFT"), ("Nvidia", "NVDA"), ("Alphabet", "GOOGL")):
        firm = next(f for f in view.balance_sheets() if f["name"] == name)
        for item in ("cash_and_securities", "debt", "remaining_performance_obligations"):
            rows = raw[(raw["symbol"] == ticker) & (raw["item"] == item)]
            latest = rows[rows["end"] == rows["end"].max()]
            accns = set(latest["accn"].astype(str))
            v = next(x for x in firm["values"] if x["item"] == item)
            assert v["accn"] in accns
            assert np.isclose(latest["value"].astype(float), v["value_usd_bn"] * 1e9).any()
            digits = v["accn"].replace("-", "")
            assert re.fullmatch(r"\d{18}", digits)
            url = f"https://www.sec.gov/Archives/edgar/data/{ciks[ticker]}/{digits}/"
            assert v["links"][0]["url"] == url
            checked += 1
    assert checked == 9


def test_every_value_links_to_a_filing_or_a_fact(view: FirmsResult) -> None:
    refs = _facts_csv()
    for firm in view.balance_sheets():
        for v in firm["values"]:
            if v["basis"] == "missing":
                assert v["value_usd_bn"] is None
                assert v["links"] == []
                assert v["reason"]
            elif v["basis"] == "filed":
                url = v["links"][0]["url"]
                assert url.startswith("https://www.sec.gov/"), (firm["name"], v["item"])
                if not v["accn"]:  # an inline-XBRL extract: the filer's list of that form
                    assert f"type={v['form']}" in url
                    assert f"CIK={firm['cik']:010d}" in url
            else:
                for link, fid in zip(v["links"], v["fact_id"].split("+"), strict=True):
                    if fid in refs:  # a fact's row; deal sums link each deal's source
                        assert link["url"] == refs[fid], fid
                    assert link["url"] is None or link["url"].startswith("http")
    oracle = view.firm("Oracle").get("remaining_performance_obligations")
    assert oracle.basis == "fact"
    assert oracle.label.startswith("fact CIR-02")


def test_firms_without_shipped_filings_show_a_labelled_fallback(view: FirmsResult) -> None:
    """n/a with the command that fetches them, on every output; never 0."""
    sheets = {f["name"]: f for f in view.balance_sheets()}
    summary = view.summary()
    frame = view.to_frame()
    page = view.to_html()
    notes = "\n".join(view.notes())
    for name, ticker in UNSHIPPED.items():
        f = sheets[name]
        command = f"`bubblescope data update {ticker} --no-prices` fetches it"
        assert command in f["fallback"], f["fallback"]
        assert all(v["value_usd_bn"] is None for v in f["values"])
        assert f"{name} ({ticker}): n/a: no SEC filings of {ticker}" in summary
        assert frame.loc[name, "value_usd_bn"].isna().all()
        assert command in notes
        assert f"n/a: no SEC filings of {ticker}" in page
    exposures = {r["firm"]: r for r in view.exposures()}
    for name in ("AMD", "CoreWeave", "Nebius"):
        row = exposures[name]
        assert row["liquid_basis"] == "assumed"
        assert row["links"] == []
        assert "the stress assumes its cash" in row["liquid_source"]
        assert f"{row['liquid_assets']:,.2f} assumed" in page
    # AMD is owed 42 a year but holds no sourced cash: its share is undefined, not 0%
    assert exposures["AMD"]["exposure_to_shocked"] > 0
    assert exposures["AMD"]["exposure_share"] is None
    assert re.search(r"AMD\s+0\.00 \(assumed\)\s+42\.00\s+n/a", summary)


def test_data_update_fetches_the_firms_the_fallback_names(store_home: Path) -> None:
    """Why the fallback names ``data update``: the four firms are in ``SEC_CIK``, so
    ``data update AMD --no-prices`` asks SEC for AMD's companyfacts (refused here: offline, it
    is a failed step naming the CIK), while a ticker outside ``SEC_CIK`` is refused at once."""
    import httpx
    import respx

    from bubblescope.data import http
    from bubblescope.data.universe import SEC_CIK
    from bubblescope.data.update import update_universe

    assert set(UNSHIPPED.values()) <= set(SEC_CIK)
    with respx.mock(assert_all_called=True) as mock:
        mock.get("https://data.sec.gov/api/xbrl/companyfacts/CIK0000002488.json").mock(
            side_effect=httpx.ConnectError("offline")
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(http, "_sleep", lambda seconds: None)
            result = update_universe(["AMD"], sources=["fundamentals"])
    (entry,) = result.entries
    assert (entry.symbol, entry.source, entry.ok) == ("AMD", "sec CIK0000002488", False)
    with pytest.raises(InputError, match="no SEC fundamentals ship for SPY"):
        update_universe(["SPY"], sources=["fundamentals"])


def test_fetched_filings_replace_the_fallback(store_home: Path) -> None:
    """With a fundamentals table for AMD in the store (what ``data fetch AMD --source sec``
    writes), AMD's values are filed ones and the stress pays from them."""
    from bubblescope.data import store
    from bubblescope.data.bundled import load_fundamentals

    table = load_fundamentals("NVDA").assign(symbol="AMD")
    store.import_frame(table, "fundamentals", symbol="AMD")
    res = firms_view()
    amd = next(f for f in res.balance_sheets() if f["name"] == "AMD")
    nvda = next(f for f in res.balance_sheets() if f["name"] == "Nvidia")
    assert amd["fallback"] is None
    assert [v["value_usd_bn"] for v in amd["values"]] == [v["value_usd_bn"] for v in nvda["values"]]
    row = next(r for r in res.exposures() if r["firm"] == "AMD")
    assert row["liquid_basis"] == "filed"
    assert row["liquid_assets"] == pytest.approx(amd["values"][0]["value_usd_bn"])


def test_exposures_are_the_stress_on_filed_balance_sheets(view: FirmsResult) -> None:
    """Peer output: the stress run on its own gives the same rows; shares recomputed."""
    peer = stress(load_network(), [PaymentShock("OpenAI", 0.5)]).firms
    for r in view.exposures():
        p = peer.loc[r["firm"]]
        for key in ("liquid_assets", "exposure_to_shocked", "due", "shortfall"):
            assert r[key] == pytest.approx(float(p[key]), abs=1e-12), (r["firm"], key)
        for key, share in (("exposure_to_shocked", "exposure_share"), ("due", "due_share")):
            expected = r[key] / r["liquid_assets"] if r["liquid_assets"] > 0 else None
            assert r[share] == pytest.approx(expected), (r["firm"], share)
        if r["liquid_basis"] == "filed":
            cash = view.firm(r["firm"]).value("cash_and_securities")
            assert r["liquid_assets"] == pytest.approx(cash)
    defaults = [r["firm"] for r in view.exposures() if r["default_round"] is not None]
    assert defaults == ["OpenAI"]


def test_exposures_link_the_deals_they_sum(view: FirmsResult) -> None:
    """The deals linked to an exposure (or to the payments due) add up to it this year."""
    year = view.stress.commitments["year_usd_bn"]
    for r in view.exposures():
        for key, links in (("exposure_to_shocked", "exposure_links"), ("due", "due_links")):
            ids = [link["text"].removeprefix("deal ") for link in r[links]]
            assert float(year.loc[ids].sum()) == pytest.approx(r[key], abs=1e-9), (r["firm"], key)
    amount = view.stress.commitments["amount_usd_bn"]
    for r in view.runway_rows():  # the runway's payments are these deals in full
        ids = [link["text"].removeprefix("deal ") for link in r["payment_links"]]
        assert float(amount.loc[ids].sum()) == pytest.approx(r["payments_total"]), r["lab"]
    amazon = next(r for r in view.exposures() if r["firm"] == "Amazon")
    assert [link["text"] for link in amazon["exposure_links"]] == ["deal E22", "deal E23"]


def test_runway_and_pe_are_their_entries_results(view: FirmsResult) -> None:
    from bubblescope.analyses.registry import REGISTRY

    entries = {e.name: e for e in REGISTRY}
    runway = entries["runway"].run(None, entries["runway"].settings.preset("standard"))
    flat = entries["flattered"].run(None, entries["flattered"].settings.preset("standard"))
    short = runway.short_year.reset_index()
    for r, (_, p) in zip(view.runway_rows(), short.iterrows(), strict=True):
        assert (r["lab"], r["scenario"], r["new_money_total"]) == (
            p["lab"], p["scenario"], pytest.approx(p["new_money_total"])
        )  # fmt: skip
        assert all(link["url"] for link in r["links"]), r
    for r, f in zip(view.pe_rows(), flat.firms, strict=True):
        assert (r["ticker"], r["pe_book"], r["pe_restated"]) == (
            f.ticker, pytest.approx(f.pe_book), pytest.approx(f.pe_restated)
        )  # fmt: skip
        assert r["links"]
        assert all(link["url"] for link in r["links"])


def test_a_shock_on_an_unknown_firm_is_refused() -> None:
    with pytest.raises(InputError, match="unknown firm"):
        firms_view(("Nobody=0.5",))


def test_one_number_one_value_on_every_surface(view: FirmsResult) -> None:
    """CLI ``network firms --json``, the result, its report section and the endpoint agree."""
    from fastapi.testclient import TestClient

    from bubblescope.report import ReportContext
    from bubblescope.report.sections import firms as firms_section
    from bubblescope.web import create_app

    ours = _values(view.to_dict()["firms"])
    cli = CliRunner().invoke(app, ["network", "firms", "--json"])
    assert cli.exit_code == 0, cli.output
    from_cli = _values(json.loads(cli.output)["firms"])
    assert set(from_cli) <= set(ours)
    assert len(from_cli) >= 100
    assert {k: ours[k] for k in from_cli} == from_cli

    section = firms_section.build(ReportContext())
    assert _values(section.data["firms"]) == ours
    for firm in section.data["firms"]:
        for v in firm["values"]:
            if v["value_usd_bn"] is not None and v["links"] and v["links"][0]["url"]:
                href = v["links"][0]["url"].replace("&", "&amp;")
                assert f'href="{href}"' in section.html
                assert f">{v['value_usd_bn']:,.2f}</a>" in section.html

    client = TestClient(create_app())
    out = client.post("/api/analyses/firms", json={})
    assert out.status_code == 200, out.text
    assert _values(out.json()["result"]["firms"]) == ours
    filed = [v for v in ours.values() if v is not None]
    assert np.isfinite(filed).all()
