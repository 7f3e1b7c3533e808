"""The one gate every price series passes before an analysis.

:func:`validate_series` (one series) and :func:`validate_panel` (several columns) accept a
pandas Series/DataFrame, a numpy array, a list, or anything with ``.to_numpy()`` (polars), and
either return float64 data with a :class:`ValidationReport` of what was done, or raise an
:class:`~bubblescope.errors.InputError` that names the problem and the fix.

Checked, in this order: shape and dtype; dates (unsorted, duplicated, mixed frequencies);
NaN/inf; non-positive values (where the method takes logs); constant series; length.
With ``repair=True`` the fixable problems are fixed and reported: dates are sorted, duplicated
dates keep their last value, NaN/inf rows are dropped, mixed frequencies are resampled to the
coarsest one present (last value per period). Non-positive prices are never "repaired": no
rule is both safe and general, so they always raise.

Examples
--------
>>> import pandas as pd
>>> s = pd.Series([3.0, 1.0, 2.0], index=pd.to_datetime(["2020-01-03", "2020-01-01", "2020-01-02"]))
>>> v = validate_series(s, min_points=3, repair=True)
>>> list(v.series.to_numpy())
[1.0, 2.0, 3.0]
>>> v.report.actions
('sorted 1 out-of-order date(s)',)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._typing import FrameLike, SeriesLike
from bubblescope.errors import InputError

__all__ = [
    "ValidatedPanel",
    "ValidatedSeries",
    "ValidationReport",
    "infer_frequency",
    "require_positive",
    "validate_panel",
    "validate_series",
]

# Gap (in calendar days) ranges of each frequency; anything else is "irregular".
_FREQ_BINS: tuple[tuple[str, int, int], ...] = (
    ("D", 1, 5),
    ("W", 6, 10),
    ("M", 26, 35),
    ("Q", 85, 95),
    ("A", 360, 370),
)
_COARSENESS = {"D": 0, "W": 1, "M": 2, "Q": 3, "A": 4}
_RESAMPLE_RULE = {"D": "D", "W": "W", "M": "MS", "Q": "QS", "A": "YS"}
_FREQ_NAMES = {"D": "daily", "W": "weekly", "M": "monthly", "Q": "quarterly", "A": "annual"}


@dataclass(frozen=True)
class ValidationReport:
    """What validation found and did.

    Attributes
    ----------
    n_input : int
        Points received.
    n_output : int
        Points returned.
    frequency : str or None
        Inferred frequency code (``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"A"``), None without dates.
    actions : tuple of str
        Repairs applied, in order (empty when the input was clean).
    """

    n_input: int
    n_output: int
    frequency: str | None
    actions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def repaired(self) -> bool:
        """Whether any repair was applied."""
        return bool(self.actions)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "n_input": self.n_input,
            "n_output": self.n_output,
            "frequency": self.frequency,
            "actions": list(self.actions),
        }


@dataclass(frozen=True)
class ValidatedSeries:
    """A clean float64 series and the report of how it got clean."""

    series: pd.Series
    report: ValidationReport

    @property
    def values(self) -> np.ndarray:
        """The values as a contiguous float64 array."""
        return np.ascontiguousarray(self.series.to_numpy(dtype=np.float64))

    @property
    def index(self) -> pd.Index:
        """The index (a DatetimeIndex when the input had dates, else a RangeIndex)."""
        return self.series.index


@dataclass(frozen=True)
class ValidatedPanel:
    """A clean float64 frame (one column per series) and its report."""

    frame: pd.DataFrame
    report: ValidationReport

    @property
    def values(self) -> np.ndarray:
        """The values as a C-contiguous ``(T, N)`` float64 array (NaN only where ragged)."""
        return np.ascontiguousarray(self.frame.to_numpy(dtype=np.float64))


def infer_frequency(index: pd.DatetimeIndex) -> tuple[str | None, dict[str, int]]:
    """Classify the gaps between consecutive dates.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Sorted, unique dates.

    Returns
    -------
    frequency : str or None
        The dominant frequency code, or None when fewer than two dates.
    counts : dict
        Number of gaps in each frequency bin (``"irregular"`` for the rest).
    """
    if len(index) < 2:
        return None, {}
    seconds = index.to_numpy().astype("datetime64[s]").astype(np.int64)
    gaps = np.diff(seconds) / 86_400.0
    counts: dict[str, int] = {}
    assigned = np.zeros(gaps.shape, dtype=bool)
    for code, lo, hi in _FREQ_BINS:
        hit = (gaps >= lo - 0.5) & (gaps <= hi + 0.5)
        counts[code] = int(hit.sum())
        assigned |= hit
    counts["irregular"] = int((~assigned).sum())
    binned = {k: v for k, v in counts.items() if k != "irregular" and v > 0}
    if not binned:
        return None, counts
    return max(binned, key=lambda k: binned[k]), counts


def _significant_frequencies(counts: dict[str, int], n_gaps: int) -> list[str]:
    """Frequencies with enough gaps to be a regime rather than a holiday or closure."""
    threshold = max(5, int(np.ceil(0.02 * n_gaps)))
    return [k for k, v in counts.items() if k != "irregular" and v >= threshold]


def _coerce_to_series(data: Any, name: str) -> pd.Series:
    if isinstance(data, pd.Series):
        s = data
    elif isinstance(data, pd.DataFrame):
        if "close" in data.columns:
            s = data["close"]
        elif data.shape[1] == 1:
            s = data.iloc[:, 0]
        else:
            raise InputError(
                f"{name}: got a DataFrame with {data.shape[1]} columns and no 'close' column",
                hint="pass one column, or use validate_panel for several series",
            )
    else:
        if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):
            data = data.to_numpy()
        try:
            arr = np.asarray(data)
        except Exception as exc:
            raise InputError(f"{name}: cannot read input of type {type(data).__name__}") from exc
        if arr.ndim == 2 and 1 in arr.shape:
            arr = arr.reshape(-1)
        if arr.ndim != 1:
            raise InputError(
                f"{name}: expected a one-dimensional series, got an array of shape {arr.shape}",
                hint="use validate_panel for several series",
            )
        s = pd.Series(arr)
    try:
        return s.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name}: values are not numeric (dtype {s.dtype}); first bad value: "
            f"{_first_non_numeric(s)!r}"
        ) from exc


def _first_non_numeric(s: pd.Series) -> Any:
    coerced = pd.to_numeric(s, errors="coerce")
    bad = s[coerced.isna() & s.notna()]
    return bad.iloc[0] if len(bad) else None


def _clean_dates(
    obj: pd.Series | pd.DataFrame, name: str, repair: bool, actions: list[str]
) -> pd.Series | pd.DataFrame:
    """Check the date index for order, duplicates, NaT; repair if asked."""
    if not isinstance(obj.index, pd.DatetimeIndex):
        if isinstance(obj.index, pd.RangeIndex) or pd.api.types.is_integer_dtype(obj.index):
            return obj.reset_index(drop=True)
        try:
            obj = obj.copy()
            obj.index = pd.DatetimeIndex(pd.to_datetime(obj.index, format="mixed"))
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{name}: index is neither dates nor integer positions (dtype {obj.index.dtype})",
                hint="pass a DatetimeIndex, or a plain array",
            ) from exc
    idx = obj.index
    assert isinstance(idx, pd.DatetimeIndex)
    if idx.hasnans:
        n_nat = int(np.asarray(idx.isna()).sum())
        raise InputError(f"{name}: {n_nat} missing date(s) (NaT) in the index")
    if not idx.is_monotonic_increasing:
        n_bad = int((np.diff(idx.asi8) < 0).sum())
        if not repair:
            first = int(np.argmax(np.diff(idx.asi8) < 0))
            raise InputError(
                f"{name}: dates are not sorted ({n_bad} out-of-order, first at position "
                f"{first + 1}: {idx[first + 1].date()} after {idx[first].date()})",
                hint="sort by date, or pass repair=True",
            )
        obj = obj.sort_index(kind="stable")
        actions.append(f"sorted {n_bad} out-of-order date(s)")
    dup = obj.index.duplicated(keep="last")
    if dup.any():
        if not repair:
            first_dup = obj.index[obj.index.duplicated(keep=False)][0]
            raise InputError(
                f"{name}: {int(dup.sum())} duplicated date(s), first {first_dup.date()}",
                hint="drop the duplicates, or pass repair=True to keep the last value",
            )
        obj = obj[~dup]
        actions.append(f"dropped {int(dup.sum())} duplicated date(s), kept the last value")
    return obj


def _check_frequency(
    obj: pd.Series | pd.DataFrame,
    name: str,
    repair: bool,
    allow_mixed_frequency: bool,
    actions: list[str],
) -> tuple[pd.Series | pd.DataFrame, str | None]:
    if not isinstance(obj.index, pd.DatetimeIndex) or len(obj.index) < 3:
        freq = infer_frequency(obj.index)[0] if isinstance(obj.index, pd.DatetimeIndex) else None
        return obj, freq
    freq, counts = infer_frequency(obj.index)
    significant = _significant_frequencies(counts, len(obj.index) - 1)
    if len(significant) <= 1 or allow_mixed_frequency:
        return obj, freq
    names = "/".join(_FREQ_NAMES[k] for k in sorted(significant, key=_COARSENESS.__getitem__))
    coarsest = max(significant, key=_COARSENESS.__getitem__)
    if not repair:
        raise InputError(
            f"{name}: mixed frequencies in the dates ({names}: "
            + ", ".join(f"{counts[k]} {_FREQ_NAMES[k]} gaps" for k in significant)
            + ")",
            hint=f"resample to one frequency, or pass repair=True to resample to "
            f"{_FREQ_NAMES[coarsest]} (last value per period)",
        )
    resampled = obj.resample(_RESAMPLE_RULE[coarsest]).last().dropna(how="all")
    actions.append(
        f"resampled mixed {names} data to {_FREQ_NAMES[coarsest]} (last value per period): "
        f"{len(obj)} -> {len(resampled)} points"
    )
    return resampled, coarsest


def require_positive(prices: pd.Series, need: str) -> None:
    """Refuse a zero or negative close anywhere in ``prices`` (NaN passes), before sampling.

    A weekly or monthly sample keeps each period's last close, so a bad close on any other
    day would vanish unseen, and the method, which checks the sampled series, would run on
    corrupt data.

    Parameters
    ----------
    prices : pandas.Series
        Closes with a DatetimeIndex; the Series name labels the message.
    need : str
        What needs positive prices, ending the message (e.g. ``"a backtest needs positive
        prices"``).

    Raises
    ------
    InputError
        Naming how many closes are zero or negative, and the first one with its date.
    """
    label = str(prices.name or "prices")
    _refuse_non_positive(prices.to_numpy(dtype=np.float64), prices.index, label, "close", need)


def validate_series(
    data: SeriesLike,
    *,
    min_points: int = 2,
    positive: bool = True,
    nonconstant: bool = True,
    repair: bool = False,
    allow_mixed_frequency: bool = False,
    name: str | None = None,
    purpose: str | None = None,
) -> ValidatedSeries:
    """Validate (and on request repair) one price series.

    Parameters
    ----------
    data : SeriesLike
        The series: a pandas Series, a one-column DataFrame (or one with ``close``), an
        array-like, or an object with ``.to_numpy()``. A DatetimeIndex is kept through to the
        output.
    min_points : int
        Fewest points the calling method needs (after any repair).
    positive : bool
        Require strictly positive values (set when the method takes logs).
    nonconstant : bool
        Reject a series whose values are all equal (regressions on it are singular).
    repair : bool
        Fix what can be fixed (order, duplicates, NaN/inf, mixed frequency) instead of raising.
    allow_mixed_frequency : bool
        Skip the mixed-frequency check (irregular event data).
    name : str, optional
        Name used in messages (default: the Series name, else ``"series"``).
    purpose : str, optional
        The method that needs the data, used in the too-short message (e.g. ``"GSADF, lag 1"``).

    Returns
    -------
    ValidatedSeries

    Raises
    ------
    InputError
        Naming the problem: wrong shape or dtype, unsorted or duplicated dates, mixed
        frequencies, NaN/inf, non-positive or constant values, too few points.
    """
    label = name or (str(data.name) if isinstance(data, pd.Series) and data.name else "series")
    s = _coerce_to_series(data, label)
    n_input = len(s)
    actions: list[str] = []
    cleaned = _clean_dates(s, label, repair, actions)
    assert isinstance(cleaned, pd.Series)
    s = cleaned

    values = s.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        n_nan = int(np.isnan(values).sum())
        n_inf = int(bad.sum()) - n_nan
        where = s.index[int(np.argmax(bad))]
        if not repair:
            raise InputError(
                f"{label}: {n_nan} NaN and {n_inf} infinite value(s), first at {_fmt(where)}",
                hint="drop or fill them, or pass repair=True to drop those points",
            )
        s = s[~bad]
        actions.append(f"dropped {int(bad.sum())} NaN/inf value(s)")

    checked, freq = _check_frequency(s, label, repair, allow_mixed_frequency, actions)
    assert isinstance(checked, pd.Series)
    s = checked
    _check_values(s.to_numpy(dtype=np.float64), s.index, label, positive, nonconstant)
    if len(s) < min_points:
        what = f" for {purpose}" if purpose else ""
        raise InputError(
            f"{label}: {len(s)} point(s) is too short{what}; at least {min_points} are needed",
            hint="use a longer sample or a smaller minimum window",
        )
    s = s.rename(label)
    report = ValidationReport(n_input, len(s), freq, tuple(actions))
    return ValidatedSeries(s, report)


def validate_panel(
    data: FrameLike,
    *,
    min_points: int = 2,
    positive: bool = True,
    nonconstant: bool = True,
    repair: bool = False,
    allow_ragged: bool = True,
    allow_mixed_frequency: bool = False,
    name: str = "panel",
    purpose: str | None = None,
) -> ValidatedPanel:
    """Validate several series sharing one index (columns of a frame or a 2-d array).

    Leading and trailing NaN in a column are allowed when ``allow_ragged`` (a stock listed later
    than others); interior NaN are errors unless ``repair``, which drops rows that are NaN in
    any column. Each column must have ``min_points`` finite values.

    Parameters
    ----------
    data : FrameLike
        One column per series: a pandas DataFrame (a Series is one column), a 2-d array-like,
        or an object with ``.to_numpy()``.
    min_points, positive, nonconstant, repair, allow_mixed_frequency, purpose
        As in :func:`validate_series`, applied per column.
    allow_ragged : bool
        Accept leading/trailing NaN per column.
    name : str
        Name used in messages.

    Returns
    -------
    ValidatedPanel
    """
    if isinstance(data, pd.Series):
        data = data.to_frame()
    if not isinstance(data, pd.DataFrame):
        if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):
            data = data.to_numpy()
        arr = np.asarray(data)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise InputError(f"{name}: expected a 2-d array (T, N), got shape {arr.shape}")
        data = pd.DataFrame(arr, columns=[f"series_{i}" for i in range(arr.shape[1])])
    if data.shape[1] == 0:
        raise InputError(f"{name}: no columns")
    try:
        frame = data.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name}: some columns are not numeric") from exc
    frame.columns = [str(c) for c in frame.columns]
    n_input = len(frame)
    actions: list[str] = []
    cleaned = _clean_dates(frame, name, repair, actions)
    assert isinstance(cleaned, pd.DataFrame)
    frame = cleaned.replace([np.inf, -np.inf], np.nan)

    values = frame.to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    interior_bad = np.zeros(len(frame), dtype=bool)
    for j in range(values.shape[1]):
        ok = np.flatnonzero(finite[:, j])
        if len(ok) == 0:
            raise InputError(f"{name}: column {frame.columns[j]!r} has no finite values")
        lo, hi = ok[0], ok[-1]
        if not allow_ragged and (lo > 0 or hi < len(frame) - 1):
            interior_bad[:lo] = True
            interior_bad[hi + 1 :] = True
        interior_bad[lo : hi + 1] |= ~finite[lo : hi + 1, j]
    if interior_bad.any():
        first = int(np.argmax(interior_bad))
        if not repair:
            raise InputError(
                f"{name}: {int(interior_bad.sum())} row(s) with NaN/inf inside the data, first "
                f"at {_fmt(frame.index[first])}",
                hint="fill or drop them, or pass repair=True to drop those rows",
            )
        frame = frame[~interior_bad]
        actions.append(f"dropped {int(interior_bad.sum())} row(s) with NaN/inf")

    checked, freq = _check_frequency(frame, name, repair, allow_mixed_frequency, actions)
    assert isinstance(checked, pd.DataFrame)
    frame = checked
    for col in frame.columns:
        col_values = frame[col].to_numpy(dtype=np.float64)
        finite_values = col_values[np.isfinite(col_values)]
        label = f"{name}[{col}]"
        _check_values(
            finite_values, frame.index[np.isfinite(col_values)], label, positive, nonconstant
        )
        if len(finite_values) < min_points:
            what = f" for {purpose}" if purpose else ""
            raise InputError(
                f"{label}: {len(finite_values)} point(s) is too short{what}; at least "
                f"{min_points} are needed"
            )
    report = ValidationReport(n_input, len(frame), freq, tuple(actions))
    return ValidatedPanel(frame, report)


def _check_values(
    values: np.ndarray, index: pd.Index, label: str, positive: bool, nonconstant: bool
) -> None:
    if positive:
        _refuse_non_positive(values, index, label, "value", "this method takes logarithms")
    if nonconstant and len(values) >= 2 and np.all(values == values[0]):
        raise InputError(f"{label}: the series is constant ({values[0]:g}); nothing to test")


def _refuse_non_positive(
    values: np.ndarray, index: pd.Index, label: str, noun: str, need: str
) -> None:
    """Raise naming how many ``values`` are zero or negative and the first, with its date."""
    bad = np.flatnonzero(values <= 0.0)
    if bad.size:
        k = int(bad[0])
        raise InputError(
            f"{label}: {bad.size} non-positive {noun}(s), first {values[k]:g} at "
            f"{_fmt(index[k])}; {need}",
            hint="use prices (not returns), or a series shifted to be positive",
        )


def _fmt(x: Any) -> str:
    if isinstance(x, pd.Timestamp):
        return str(x.date()) if x == x.normalize() else str(x)
    return f"position {x}"
