import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope.economy.inputs import assumption
from bubblescope.economy.valuation import (
    NoSolutionError,
    dcf_value,
    history_multiples,
    multiple,
    nadella_test,
    nvidia_fcf_from_filing,
    reverse_dcf,
    sequoia_2023,
    sequoia_2024,
    sequoia_gap,
)
from bubblescope.errors import ConvergenceError, InputError, UnitError
from tests.reference import TRIMMED


def test_sequoia_exact() -> None:
    # VAL-07: $200B (Sept 2023); VAL-08: $600B and a ~$500B gap (June 2024)
    assert sequoia_2023().required_revenue == 200.0
    s24 = sequoia_2024()
    assert s24.required_revenue == 600.0
    assert s24.gap == 500.0
    assert s24.published is not None
    assert s24.published.value == 600.0


def test_sequoia_bad_input() -> None:
    with pytest.raises(InputError, match="GPU share must be in"):
        sequoia_gap(10.0, gpu_share=assumption("s", 0.0, "1", "t"))


def test_computed_multiples_match_published() -> None:
    rows = {(m.label, m.kind): m.value for m in history_multiples().rows}
    # VAL-02 [D]: $207-212 / $3.51 = ~58-60x; VAL-06: Yahoo 3,264x ($114B / $34.9M)
    assert 58.0 <= rows[("Nvidia 2025-10-29", "trailing P/E (computed)")] <= 60.5
    assert rows[("Yahoo 1999-12-31", "trailing P/E (computed)")] == pytest.approx(3264, rel=0.01)


def test_multiple_unit_checks() -> None:
    with pytest.raises(InputError, match="positive denominator"):
        multiple("x", "P/E", assumption("p", 10, "USD", "t"), assumption("e", -1, "USD", "t"))
    with pytest.raises(UnitError):
        multiple("x", "P/E", assumption("p", 10, "USD", "t"), assumption("e", 1, "GW", "t"))


def test_reverse_dcf_gordon_consistency() -> None:
    # with terminal growth equal to the implied growth the price is a Gordon perpetuity:
    # g = r - FCF1/EV (Mauboussin-Rappaport quick form); FCF0=10, g=4%, r=9% -> P = 10.4/0.05
    price = 10.0 * 1.04 / 0.05
    res = reverse_dcf(price, 10.0, discount_rate=0.09, terminal_growth=0.04, horizon=7)
    assert res.implied_growth == pytest.approx(0.04, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(g=st.floats(-0.3, 0.8), r=st.floats(0.05, 0.15), n=st.integers(1, 15))
def test_reverse_dcf_round_trip(g: float, r: float, n: int) -> None:
    # closed-form geometric sum, independent of dcf_value's explicit sum
    q = (1 + g) / (1 + r)
    tg = 0.02
    pv = 10.0 * (n * q if np.isclose(q, 1.0) else q * (1 - q**n) / (1 - q))
    price = pv + 10.0 * (1 + g) ** n * (1 + tg) / (r - tg) / (1 + r) ** n
    assert dcf_value(10.0, g, r, n, tg) == pytest.approx(price, rel=1e-10)
    res = reverse_dcf(price, 10.0, discount_rate=r, horizon=n, terminal_growth=tg)
    assert res.implied_growth == pytest.approx(g, abs=1e-7)


def test_reverse_dcf_errors() -> None:
    with pytest.raises(NoSolutionError, match="no FCF growth"):
        reverse_dcf(1e12, 1.0, horizon=1)
    assert issubclass(NoSolutionError, ConvergenceError)
    with pytest.raises(InputError, match="terminal growth"):
        reverse_dcf(100.0, 1.0, discount_rate=0.03, terminal_growth=0.03)
    with pytest.raises(InputError, match="must be positive"):
        reverse_dcf(100.0, -1.0)


def test_nvidia_from_filing() -> None:
    # NVIDIA's companyfacts cut to the concepts bubblescope reads (tests/results/README.md)
    fcf = nvidia_fcf_from_filing(
        TRIMMED / "sec_xbrl" / "NVDA_companyfacts_CIK0001045810_trimmed.json.gz", 2025
    )
    # NVIDIA FY2025 10-K: operating cash flow $64.089B, capex $3.236B -> FCF ~ $60.85B
    assert fcf.m_as("USD bn") == pytest.approx(60.85, abs=0.05)
    res = reverse_dcf(5050.0, fcf, label="Nvidia at $5T")  # VAL-01 market cap
    assert res.implied_growth > 0.1
    assert "implies FCF growth" in res.summary()


def test_nadella() -> None:
    res = nadella_test()
    # VAL-09 thresholds 10 / 7 / 5 %; MAC-02 note: US real GDP ~1.2% annualised in H1-2025
    assert res.shortfalls()["world"] == pytest.approx(8.8)
    assert not res.passed()
    assert nadella_test(5.5).passed()


def test_valuation_plots() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    for res in (history_multiples(), sequoia_2024(), nadella_test(), reverse_dcf(1000.0, 20.0)):
        assert isinstance(res.plot(), Figure)
        assert isinstance(res.to_dict(), dict)
