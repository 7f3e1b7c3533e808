"""SoftBank Group's cash from sourced facts: the yen fact, the sourced rate, and the typed refusals.

SoftBank files with the Tokyo Stock Exchange, not the SEC, so its cash and cash equivalents come
from fact ``SBG-01`` (yen billions, its consolidated financial report for the fiscal year ended
2026-03-31) converted at the rate fact ``SBG-03`` (yen per US dollar). The expected values are
recomputed here from ``facts.csv`` with :mod:`csv` and plain arithmetic, not bubblescope's reader.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from bubblescope.data.facts import load_factbase
from bubblescope.data.financials import (
    FX_RATE_FACTS,
    FirmFinancials,
    MissingValue,
    firm_financials,
)
from bubblescope.economy.clearing import PaymentShock, stress
from bubblescope.economy.firms.view import firms_view
from bubblescope.economy.network import load_network
from bubblescope.errors import UnitError

FACTBASE = Path(__file__).resolve().parents[2] / "src" / "bubblescope" / "data" / "factbase"
#: Billions of the currency per unit, as the unit names it (independent of financials.py).
_BILLIONS = {"bn": 1.0, "tn": 1000.0, "mn": 0.001}


def _rows() -> dict[str, dict[str, str]]:
    with (FACTBASE / "facts.csv").open(newline="", encoding="utf-8") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def _softbank_cash_usd_bn(rows: dict[str, dict[str, str]]) -> float:
    """SBG-01 in USD bn: yen amount / (yen per dollar), both read from the CSV rows."""
    cash, rate = rows["SBG-01"], rows["SBG-03"]
    currency, size = cash["unit"].split(" ")
    assert rate["unit"] == f"{currency}/USD"
    return float(cash["value"]) * _BILLIONS[size] / float(rate["value"])


def _softbank() -> FirmFinancials:
    return firm_financials([("SoftBank", "9984.T")])["SoftBank"]


def test_softbank_cash_is_the_yen_fact_at_the_sourced_rate() -> None:
    """5,362,150 million yen at 157.42 yen per dollar is USD 34.06 bn, carrying both facts."""
    rows = _rows()
    assert rows["SBG-01"]["unit"] == "JPY bn"
    assert FX_RATE_FACTS["JPY"] == "SBG-03"
    v = _softbank().get("cash_and_securities")
    assert v.basis == "fact"
    assert v.value_usd_bn == pytest.approx(_softbank_cash_usd_bn(rows), rel=1e-12)
    assert v.value_usd_bn == pytest.approx(5_362_150e6 / 157.42 / 1e9, rel=1e-9)
    assert v.fact_id == "SBG-01+SBG-03"
    assert set(v.grade.split("/")) == {rows["SBG-01"]["grade"], rows["SBG-03"]["grade"]}
    assert v.as_of == rows["SBG-01"]["as_of"]
    assert rows["SBG-01"]["source_ref"] in v.source_ref
    assert rows["SBG-03"]["source_ref"] in v.source_ref


def test_softbank_items_without_a_fact_stay_missing() -> None:
    """Only cash is sourced: debt (SBG-02 is the current portion alone) is not filled, never 0."""
    debt = _softbank().get("debt")
    assert isinstance(debt, MissingValue)
    assert debt.value_usd_bn is None
    assert "not an SEC filer" in debt.reason


def _edited_factbase(tmp_path: Path, edit: dict[str, dict[str, str]], drop: str = "") -> Path:
    """A copy of the shipped fact base with some fields of some rows changed (or a row dropped)."""
    folder = tmp_path / "fb"
    shutil.copytree(FACTBASE, folder)
    path = folder / "facts.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = [r for r in reader if r["id"] != drop]
    for r in rows:
        r.update(edit.get(r["id"], {}))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_a_fact_in_no_currency_with_a_rate_is_refused(tmp_path: Path) -> None:
    fb = load_factbase(_edited_factbase(tmp_path, {"SBG-01": {"unit": "GW"}}))
    with pytest.raises(UnitError, match=r"SBG-01 is in 'GW', not a USD amount"):
        firm_financials([("SoftBank", "9984.T")], factbase=fb)


def test_a_rate_fact_in_another_unit_is_refused(tmp_path: Path) -> None:
    fb = load_factbase(_edited_factbase(tmp_path, {"SBG-03": {"unit": "%"}}))
    with pytest.raises(UnitError, match=r"rate fact SBG-03 .* not a positive JPY/USD rate"):
        firm_financials([("SoftBank", "9984.T")], factbase=fb)


def test_without_the_rate_fact_the_cash_is_missing_not_unconverted(tmp_path: Path) -> None:
    fb = load_factbase(_edited_factbase(tmp_path, {}, drop="SBG-03"))
    v = firm_financials([("SoftBank", "9984.T")], factbase=fb)["SoftBank"].get(
        "cash_and_securities"
    )
    assert isinstance(v, MissingValue)
    assert v.value_usd_bn is None


def test_the_firms_view_links_softbank_cash_to_both_facts() -> None:
    rows = _rows()
    view = firms_view()
    sheet = next(f for f in view.balance_sheets() if f["name"] == "SoftBank")
    assert sheet["fallback"] is None
    cash = next(v for v in sheet["values"] if v["item"] == "cash_and_securities")
    assert [link["url"] for link in cash["links"]] == [
        rows["SBG-01"]["source_ref"],
        rows["SBG-03"]["source_ref"],
    ]
    assert [link["text"] for link in cash["links"]] == ["fact SBG-01", "fact SBG-03"]
    exposure = next(r for r in view.exposures() if r["firm"] == "SoftBank")
    assert exposure["liquid_basis"] == "filed"
    assert exposure["liquid_assets"] == pytest.approx(_softbank_cash_usd_bn(rows))
    assert [link["text"] for link in exposure["links"]] == ["fact SBG-01", "fact SBG-03"]


def test_the_stress_assumes_no_liquid_assets_for_softbank() -> None:
    """SoftBank's liquid assets are its sourced cash, and no assumption is listed for them."""
    res = stress(load_network(), [PaymentShock("OpenAI", 0.5)])
    row = res.firms.loc["SoftBank"]
    assert row["external_basis"] == "balance sheet"
    assert row["liquid_assets"] == pytest.approx(_softbank_cash_usd_bn(_rows()))
    assert "SBG-01+SBG-03" in row["liquid_source"]
    assert all("SoftBank" not in a.name for a in res.assumptions)
