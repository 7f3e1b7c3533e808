"""Data-centre water: physics, sourced inputs, and the front ends it gets from the registry.

The model's numbers are recomputed here from the fact base by hand (no model code), its
responses to its inputs are property tests (more power or a higher WUE, more water; a closed
loop, none on site), every input is a fact or a labelled assumption, and the CLI command, the
endpoint and the report section, generated from the registry entry alone, print the engine's
numbers.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bubblescope.data.facts import load_factbase
from bubblescope.economy.water import COOLING, REGIONS, water_inputs, water_use
from bubblescope.errors import DataError, InputError

FB = load_factbase()
LITRES_PER_GALLON = 3.785411784
LITRES_PER_ACRE_FOOT = 43_560 * 28.316846592


def test_mesa_by_hand() -> None:
    pue = FB.value("WAT-05", unit="x")
    mw = FB.value("WAT-15", unit="MW")
    wue = FB.value("WAT-08", unit="L/kWh")
    it_kwh = mw * 1000 / pue * 0.7 * 8760
    mesa = water_use().site("Mesa, AZ")
    assert mesa.direct_l == pytest.approx(it_kwh * wue, rel=1e-12)
    supply = (FB.value("WAT-12", unit="acre-ft") + FB.value("WAT-13", unit="acre-ft")) * (
        LITRES_PER_ACRE_FOOT
    )
    assert mesa.supply_l == pytest.approx(supply, rel=1e-12)
    assert mesa.share == pytest.approx(mesa.direct_l / supply)
    reported = FB.value("WAT-11", unit="mn gal/day") * 1e6 * LITRES_PER_GALLON * 365
    assert mesa.reported_l == pytest.approx(reported, rel=1e-12)
    # the model's evaporative Mesa campus and the centre Mesa approved are the same magnitude
    assert 0.5 < mesa.direct_l / reported < 2


def test_per_mwh_and_indirect_by_hand() -> None:
    res = water_use(indirect=True)
    pue = FB.value("WAT-05", unit="x")
    us = next(c for c in res.cooling if c.cooling == "us_average")
    assert us.direct_l_per_mwh == pytest.approx(1000 * FB.value("WAT-03", unit="L/kWh") / pue)
    assert us.indirect_l_per_mwh == pytest.approx(1000 * FB.value("WAT-27", unit="L/kWh"))
    texas = res.site("Texas")
    assert texas.direct_l == 0.0
    assert texas.indirect_l == pytest.approx(
        FB.value("WAT-24", unit="MW") * 1000 * 0.7 * 8760 * FB.value("WAT-27", unit="L/kWh")
    )
    assert [c.cooling for c in res.cooling] == list(COOLING)


@settings(max_examples=25, deadline=None)
@given(
    mw=st.floats(1.0, 5_000.0),
    more=st.floats(1.01, 10.0),
    pue=st.floats(1.0, 2.5),
    load=st.floats(0.05, 1.0),
)
def test_more_power_more_water(mw: float, more: float, pue: float, load: float) -> None:
    small = water_use(site_mw=mw, pue=pue, load_factor=load, indirect=True)
    large = water_use(site_mw=mw * more, pue=pue, load_factor=load, indirect=True)
    for a, b in zip(small.sites, large.sites, strict=True):
        assert b.indirect_l > a.indirect_l
        assert b.direct_l > a.direct_l or a.wue == b.wue == 0.0
        assert b.direct_l == pytest.approx(a.direct_l * more, rel=1e-9)


@settings(max_examples=10, deadline=None)
@given(pue=st.floats(1.0, 2.5), mw=st.floats(1.0, 5_000.0))
def test_higher_wue_more_water_and_closed_loop_none(pue: float, mw: float) -> None:
    by_cooling = {c: water_use(cooling=c, pue=pue, site_mw=mw) for c in COOLING}
    wue = {c: by_cooling[c].sites[0].wue for c in COOLING}
    order = sorted(COOLING, key=lambda c: wue[c])
    for lower, higher in itertools.pairwise(order):
        if wue[higher] > wue[lower]:
            for a, b in zip(by_cooling[lower].sites, by_cooling[higher].sites, strict=True):
                assert b.direct_l > a.direct_l
    closed = by_cooling["closed_loop"]
    assert all(s.direct_l == 0.0 and s.share == 0.0 for s in closed.sites)
    assert all(c.direct_l_per_mwh == 0.0 for c in closed.cooling if c.cooling == "closed_loop")
    assert all(s.indirect_l == 0.0 for s in closed.sites)  # indirect water is off by default


def test_a_lower_pue_sends_more_of_the_power_to_it_and_more_water_on_site() -> None:
    assert water_use(pue=1.1).site("Nevada").direct_l > water_use(pue=1.5).site("Nevada").direct_l


def test_every_input_is_a_fact_or_a_labelled_assumption() -> None:
    inputs = water_inputs()
    for key in inputs:
        item = inputs.input(key)
        assert item.kind in ("fact", "assumption"), key
        if item.kind == "fact":
            fact_id = item.source.split()[0]
            assert FB.get(fact_id).unit == str(item.quantity.unit.symbol), key
        else:
            assert len(item.source) > 20, f"{key}: an assumption needs its reason"
    for region in REGIONS:
        assert f"{region.key}_site" in inputs
        assert f"{region.key}_supply" in inputs
    shown = {i.name for i in water_use(indirect=True).inputs}
    assert shown <= {inputs.input(key).name for key in inputs}
    names = {inputs.input(k).name for k in ("pue", "load_factor", "indirect", "mesa_supply")}
    assert names <= shown


def test_user_values_and_assumption_files(tmp_path: Path) -> None:
    res = water_use(pue=1.2, load_factor=0.9)
    pue = next(i for i in res.inputs if i.name.startswith("PUE"))
    assert (pue.kind, pue.value) == ("user", 1.2)
    assert water_use(assumptions={"wue_us_average": 0.1}).site("Nevada").wue == 0.1
    own = tmp_path / "water.yaml"
    own.write_text(
        "wue_us_average:\n  name: WUE, a dry-cooled fleet\n  value: 0.1\n  unit: L/kWh\n"
        "  why: every site of this fleet cools with dry coolers in a test\n"
    )
    assert water_use(assumptions=own).site("Nevada").wue == 0.1
    # a supply in gallons a year converts exactly like the shipped acre-feet
    own.write_text(
        "nevada_supply:\n  name: Nevada's supply in gallons\n  value: 1.0e11\n  unit: gal\n"
        "  why: a round supply in another volume unit, in a test\n"
    )
    nevada = water_use(assumptions=own).site("Nevada")
    assert nevada.supply_l == pytest.approx(1e11 * LITRES_PER_GALLON, rel=1e-12)
    own.write_text("nope:\n  name: x\n  value: 1\n  unit: '1'\n  why: a row the model lacks\n")
    with pytest.raises(DataError, match="not a row of water.yaml"):
        water_use(assumptions=own)
    own.write_text("pue:\n  name: PUE\n  value: 1.2\n  unit: x\n")
    with pytest.raises(DataError, match="exactly one of fact"):
        water_use(assumptions=own)
    own.write_text("mesa_supply:\n  name: Mesa\n  value: 5\n  unit: MW\n  why: a wrong unit here\n")
    with pytest.raises(DataError, match="mesa_supply"):
        water_use(assumptions=own)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pue": 0.9}, "PUE must be at least 1"),
        ({"load_factor": 1.5}, r"load factor must lie in \(0, 1\]"),
        ({"site_mw": -5.0}, "site power must be positive"),
        ({"cooling": "ice"}, "unknown cooling"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        water_use(**kwargs)  # type: ignore[arg-type]


# --- the front ends it gets from its registry entry ----------------------------------------------


def _engine() -> dict[str, object]:
    out: dict[str, object] = json.loads(json.dumps(water_use(cooling="evaporative").to_dict()))
    return out


def test_generated_cli_command_prints_the_engines_numbers() -> None:
    from bubblescope.cli.main import app

    out = CliRunner().invoke(app, ["run", "water", "--cooling", "evaporative", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["result"] == _engine()
    text = CliRunner().invoke(app, ["run", "water"])
    assert "Mesa, AZ" in text.output
    assert "WAT-08" in text.output


def test_generated_endpoint_returns_the_engines_numbers() -> None:
    from fastapi.testclient import TestClient

    from bubblescope.web import create_app

    client = TestClient(create_app(), raise_server_exceptions=False)
    r = client.post("/api/analyses/water", json={"cooling": "evaporative"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["result"] == _engine()
    assert body["chart"]["data"]
    assert body["settings"]["cooling"] == "evaporative"


def test_generated_report_section_shows_the_engines_numbers() -> None:
    from bubblescope.report.context import ReportContext
    from bubblescope.report.sections import SECTIONS

    build = dict(SECTIONS)["water"]
    section = build(ReportContext())
    assert section.title == "Data-centre water"
    assert section.data == water_use().to_dict()
    assert section.charts[0].spec == water_use().chart_spec()
    assert {"WAT-05", "WAT-08", "WAT-14", "WAT-20"} <= set(section.fact_ids())
    assert "Mesa, AZ" in section.html
