import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.economy.depreciation import (
    DISCLOSED_CHANGES,
    CapexVintages,
    LifePolicy,
    burry_capex,
    burry_case,
    capex_from_companyfacts,
    change_of_estimate,
    depreciation_matrix,
    disclosed_case,
    implied_economic_life,
    implied_share,
    restatement,
)
from bubblescope.economy.inputs import assumption
from bubblescope.errors import ConvergenceError, DataError, InputError
from tests.reference import TRIMMED

TAX = assumption("tax", 0.21, "1", "test")
#: MSFT/GOOGL companyfacts cut to the concepts bubblescope reads, and the AMZN/META inline-XBRL
#: facts (tests/results/trimmed/sec_xbrl; origins in tests/results/README.md).
SEC_DIR = TRIMMED / "sec_xbrl"


# ---- acceptance: disclosed effects (published values: facts DEP-06..DEP-09) ----------------
@pytest.mark.parametrize("entity", DISCLOSED_CHANGES)
def test_disclosed_effects_within_25_percent(entity: str) -> None:
    res = disclosed_case(entity, SEC_DIR)
    cmp = res.comparison()
    assert cmp is not None
    for row in cmp["items"].values():
        assert abs(row["relative_error"]) <= 0.25, (entity, row)
    text = res.summary()
    assert "Inputs and assumptions" in text
    assert "assumption" in text
    assert "filing" in text


def test_disclosed_published_values() -> None:
    # MSFT FY2023 +$3.7B (DEP-06); Alphabet -$3.9B / +$3.0B (DEP-07);
    # Meta 2025 -$2.9B (DEP-09); Amazon 2025 -$0.7B (DEP-08)
    expected = {
        "MSFT": {"operating_income": 3.7},
        "GOOGL": {"depreciation": -3.9, "net_income": 3.0},
        "META": {"depreciation": -2.9},
        "AMZN": {"operating_income": -0.7},
    }
    for entity, items in expected.items():
        res = disclosed_case(entity, SEC_DIR)
        got = res.comparison()["items"]
        assert {k: v["disclosed_usd_bn"] for k, v in got.items()} == items
        for key, value in items.items():
            assert res.effect_in(res.disclosed.year)[key] == pytest.approx(value, rel=0.25)


def test_amazon_subset_is_a_proper_subset() -> None:
    # Amazon shortened the life of only a "subset": the share implied by -$0.7B must be
    # well below a ~60% server/network share of capex (DEP-14's assumption).
    res = disclosed_case("AMZN", SEC_DIR)
    assert 0.0 < implied_share(res) < 0.3


def test_msft_capex_comes_from_the_filing() -> None:
    res = disclosed_case("MSFT", SEC_DIR)
    capex = {i.name: i for i in res.inputs if i.kind == "filing"}
    # PROVENANCE.md §10: MSFT fiscal 2024 capex 44.48 bn is outside FY2019-23; FY2023 is
    # PaymentsToAcquirePropertyPlantAndEquipment 28.107 bn in the FY2023 10-K.
    assert capex["MSFT capex FY2023"].m_as("USD bn") == pytest.approx(28.107, abs=0.01)


def test_burry_176_and_implied_life() -> None:
    res = burry_case()
    assert res.total() == pytest.approx(176.0, abs=1e-6)  # DEP-01
    # ai-economy-facts.md §3.5: $176B corresponds to an economic life of about 3.5-4 years
    assert res.implied_life is not None
    assert 3.5 <= res.implied_life <= 4.0
    assert "3.77 yrs" in res.summary()


def test_dep14_illustration_reproduced() -> None:
    # DEP-14 [D]: 150 (4-yr vs 6-yr) and 268 (3-yr vs 6-yr), USD bn over 2026-28
    assert burry_case(4.0).total() == pytest.approx(150.0, abs=1.0)
    assert burry_case(3.0).total() == pytest.approx(268.0, abs=1.0)


# ---- mechanics ---------------------------------------------------------------------------
def test_asc250_hand_example() -> None:
    # cost 100, 4-yr life, in service at the start of 2020; at the start of 2022 (age 2,
    # NBV 50) the life becomes 6 -> 50 / (6 - 2) = 12.5 a year for 2022-2025
    policy = LifePolicy(((-math.inf, 4.0), (2022.0, 6.0)))
    d = depreciation_matrix(np.array([100.0]), [2020], range(2020, 2027), policy, "full-year")
    np.testing.assert_allclose(d[0], [25, 25, 12.5, 12.5, 12.5, 12.5, 0])


def test_shortening_below_age_charges_remaining_book_value_at_once() -> None:
    # 6-yr life, shortened to 3 at age 4 -> remaining NBV (1/3 of cost) charged in that year
    policy = LifePolicy(((-math.inf, 6.0), (2024.0, 3.0)))
    d = depreciation_matrix(np.array([60.0]), [2020], range(2020, 2027), policy, "full-year")
    np.testing.assert_allclose(d[0], [10, 10, 10, 10, 20, 0, 0])


@settings(max_examples=60, deadline=None)
@given(
    cost=st.floats(1.0, 1e3),
    short=st.floats(1.0, 6.0),
    extra=st.floats(0.25, 6.0),
    half=st.booleans(),
)
def test_longer_life_lower_now_higher_later(
    cost: float, short: float, extra: float, half: bool
) -> None:
    long = short + extra
    years = list(range(2020, 2040))
    conv = "half-year" if half else "full-year"
    d_short = depreciation_matrix(
        np.array([cost]), [2020], years, LifePolicy.constant(short), conv
    )[0]
    d_long = depreciation_matrix(np.array([cost]), [2020], years, LifePolicy.constant(long), conv)[
        0
    ]
    assert d_long[0] < d_short[0]  # lower now
    # slower throughout: cumulative depreciation never runs ahead of the shorter life's
    assert (np.cumsum(d_long) <= np.cumsum(d_short) + 1e-9 * cost).all()
    last = int(np.flatnonzero(d_long > 0)[-1])
    assert d_long[last] > d_short[last]  # higher later


@settings(max_examples=60, deadline=None)
@given(
    cost=st.floats(0.5, 1e3),
    lives=st.lists(st.floats(0.5, 8.0), min_size=1, max_size=4),
    gaps=st.lists(st.floats(0.1, 3.0), min_size=3, max_size=3),
    half=st.booleans(),
)
def test_total_depreciation_equals_cost(
    cost: float, lives: list[float], gaps: list[float], half: bool
) -> None:
    times = [-math.inf, *np.cumsum([2019.0 + gaps[0], *gaps[1:]])[: len(lives) - 1]]
    policy = LifePolicy(tuple(zip(times, lives, strict=False)))
    d = depreciation_matrix(
        np.array([cost]), [2019], range(2019, 2045), policy, "half-year" if half else "full-year"
    )
    assert d.sum() == pytest.approx(cost, rel=1e-12)
    assert (d >= -1e-12).all()


def test_restatement_aggregates_entities() -> None:
    a = CapexVintages("A", (2020, 2021), (10.0, 20.0))
    b = CapexVintages("B", (2021,), (30.0,))
    res = restatement(
        [a, b],
        assumption("share", 0.5, "1", "t"),
        LifePolicy.constant(6),
        LifePolicy.constant(3),
        list(range(2020, 2026)),
        TAX,
    )
    frame = res.to_frame()
    np.testing.assert_allclose(
        frame.loc["all", "understated_usd_bn"].to_numpy(), res.understated.sum(axis=0)
    )
    assert res.understated.sum() == pytest.approx(0.0, abs=1e-9) or res.total() > 0
    d = res.to_dict()
    assert d["understated_total_usd_bn"] == pytest.approx(res.total())


def test_plots_return_figures() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    assert isinstance(burry_case().plot(), Figure)
    assert isinstance(disclosed_case("MSFT", SEC_DIR).plot(), Figure)


# ---- bad input ---------------------------------------------------------------------------
def test_bad_inputs_raise_typed_errors(tmp_path) -> None:
    with pytest.raises(InputError, match="capex must be finite and >= 0"):
        CapexVintages("X", (2020,), (-1.0,))
    with pytest.raises(InputError, match="must increase strictly"):
        CapexVintages("X", (2021, 2020), (1.0, 1.0))
    with pytest.raises(InputError, match="change times must increase"):
        LifePolicy(((2022.0, 4.0), (2021.0, 5.0)))
    with pytest.raises(InputError, match="positive number of years"):
        LifePolicy.constant(0.0)
    with pytest.raises(InputError, match="short-lived share must be within"):
        change_of_estimate(
            burry_capex(),
            assumption("s", 1.5, "1", "t"),
            LifePolicy.constant(4),
            LifePolicy.constant(6),
            [2025],
            TAX,
        )
    with pytest.raises(InputError, match="no disclosed useful-life change for 'ORCL'"):
        disclosed_case("ORCL", tmp_path)
    with pytest.raises(DataError, match="no file matching"):
        disclosed_case("MSFT", tmp_path)
    with pytest.raises(ConvergenceError, match="no economic life"):
        implied_economic_life(
            1e6,
            [burry_capex()],
            assumption("s", 0.6, "1", "t"),
            LifePolicy.constant(6),
            (2026, 2028),
        )


def test_disclosed_case_reads_filings_from_the_store(store_home) -> None:  # type: ignore[no-untyped-def]
    """Without sec_dir, the companyfacts fetched into the store give the same result."""
    from bubblescope.data.sec import parse_companyfacts
    from bubblescope.data.store import import_frame

    with pytest.raises(DataError, match="no SEC filings for MSFT in the local store"):
        disclosed_case("MSFT")
    path = SEC_DIR / "MSFT_companyfacts_CIK0000789019_trimmed.json.gz"
    import_frame(parse_companyfacts(path, ticker="MSFT"), "fundamentals", symbol="MSFT")
    from_store = disclosed_case("MSFT").comparison()
    from_files = disclosed_case("MSFT", SEC_DIR).comparison()
    assert from_store == from_files


TRIMMED_MSFT = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "fixtures"
    / "sec"
    / "companyfacts_CIK0000789019_trimmed.json"
)


def test_stored_fundamentals_table_gives_the_capex_of_the_raw_facts(store_home) -> None:  # type: ignore[no-untyped-def]
    """`data fetch --source sec` stores the fundamentals table; its capex is the raw facts'."""
    from bubblescope.data.fundamentals import fundamentals_from_companyfacts
    from bubblescope.data.sec import parse_companyfacts
    from bubblescope.data.store import import_frame, load_dataset

    raw = parse_companyfacts(TRIMMED_MSFT, ticker="MSFT")
    table = fundamentals_from_companyfacts(raw, source="SEC companyfacts MSFT")
    import_frame(table, "fundamentals", symbol="MSFT")

    from_store = capex_from_companyfacts(load_dataset("fundamentals", "MSFT"), "MSFT")
    from_raw = capex_from_companyfacts(raw, "MSFT")
    # the trimmed file holds the 10-K capex of FY2023-25 (USD 28.107, 44.477, 64.551 bn)
    assert from_store.years == from_raw.years == (2023, 2024, 2025)
    assert from_store.capex == from_raw.capex
    assert from_store.capex[0] == pytest.approx(28.107, abs=1e-3)
    fy2025 = from_store.sources[2].source
    assert fy2025.startswith("SEC companyfacts MSFT: PaymentsToAcquirePropertyPlantAndEquipment")
    assert "FY2025 (10-K accn " in fy2025
    two = pd.concat([table, table.assign(symbol="MSFT2")])
    with pytest.raises(InputError, match="holds 2 symbols"):
        capex_from_companyfacts(two, "MSFT")

    # disclosed_case reads the same table: the years the trimmed file lacks are named,
    # rather than the table being rejected for its columns
    with pytest.raises(DataError, match="2019"):
        disclosed_case("MSFT")


def test_disclosed_case_from_the_stored_fundamentals_table(store_home) -> None:  # type: ignore[no-untyped-def]
    from bubblescope.data.fundamentals import fundamentals_from_companyfacts
    from bubblescope.data.sec import parse_companyfacts
    from bubblescope.data.store import import_frame

    path = SEC_DIR / "MSFT_companyfacts_CIK0000789019_trimmed.json.gz"
    raw = parse_companyfacts(path, ticker="MSFT")
    import_frame(
        fundamentals_from_companyfacts(raw, source=path.name), "fundamentals", symbol="MSFT"
    )
    from_store = disclosed_case("MSFT")
    from_files = disclosed_case("MSFT", SEC_DIR)
    assert from_store.comparison() == from_files.comparison()
    filings = [(i.name, i.m_as("USD bn")) for i in from_store.inputs if i.kind == "filing"]
    assert filings == [(i.name, i.m_as("USD bn")) for i in from_files.inputs if i.kind == "filing"]
    assert len(filings) == 5  # FY2019-23


def test_burry_capex_cites_the_fact_base() -> None:
    from bubblescope.data.facts import load_factbase

    capex = burry_capex()
    facts = load_factbase()
    assert capex.years == tuple(range(2020, 2029))
    for item, letter in zip(capex.sources, "cdefghijk", strict=True):
        # read from the fact, not repeated as an assumption citing it (issue #17)
        assert item.kind == "fact"
        assert item.source.startswith(f"DEP-14{letter} ")
        assert "ai-economy-facts" not in item.source
        assert item.m_as("USD bn") == facts.value(f"DEP-14{letter}", unit="USD bn")
