"""Bundled arch series and the canonical frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblescope.data.bundled import load_bundled
from bubblescope.data.frames import canonical_frame, check_canonical
from bubblescope.errors import DataError, UnknownSymbolError


def test_bundled_nasdaq_has_the_dotcom_peak() -> None:
    # PROVENANCE.md §4: dot-com peak 5,048.62 on 2000-03-10; arch ships 1999-01-04..2018-12-31.
    frame = load_bundled("nasdaq")
    assert len(frame) == 5031
    assert frame.index[0] == pd.Timestamp("1999-01-04")
    assert frame.index[-1] == pd.Timestamp("2018-12-31")
    dotcom = frame.loc[:"2002", "close"]
    assert dotcom.idxmax() == pd.Timestamp("2000-03-10")
    assert dotcom.max() == pytest.approx(5048.62, abs=0.01)
    check_canonical(frame)
    assert set(frame["symbol"]) == {"NASDAQ"}


def test_bundled_sp500_peak_2000() -> None:
    # PROVENANCE.md §5: GSPC peaked at 1,527.46 on 2000-03-24.
    close = load_bundled("SP500").loc[:"2002", "close"]
    assert close.idxmax() == pd.Timestamp("2000-03-24")
    assert close.max() == pytest.approx(1527.46, abs=0.01)


def test_bundled_matches_the_shared_copy(shared_data) -> None:  # type: ignore[no-untyped-def]
    raw = pd.read_csv(shared_data / "pypi_packages" / "arch_nasdaq_1999-2018.csv.gz")
    frame = load_bundled("nasdaq")
    np.testing.assert_allclose(frame["close"].to_numpy(), raw["Close"].to_numpy(), rtol=0)


def test_unknown_bundled_name_lists_choices() -> None:
    with pytest.raises(UnknownSymbolError, match=r"unknown bundled series 'dow'.*nasdaq"):
        load_bundled("dow")


def test_canonical_frame_sorts_and_rejects_duplicates() -> None:
    frame = canonical_frame(
        ["2020-01-02", "2020-01-01"], [2.0, 1.0], symbol="X", source="test", adjusted=False
    )
    assert list(frame["close"]) == [1.0, 2.0]
    with pytest.raises(DataError, match="duplicated date 2020-01-01"):
        canonical_frame(
            ["2020-01-01", "2020-01-01"], [1.0, 2.0], symbol="X", source="test", adjusted=False
        )
    with pytest.raises(DataError, match="cannot parse dates"):
        canonical_frame(["not a date"], [1.0], symbol="X", source="test", adjusted=False)
