"""The backtest result: stored signal series, events and the scores they imply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope.backtest.events import Event, EventSpec
from bubblescope.backtest.scoring import Scores, _episodes, score
from bubblescope.charts import (
    Band,
    ChartSpec,
    HLine,
    Line,
    Panel,
    VLine,
)
from bubblescope.result import ResultMixin

__all__ = ["BacktestResult"]

#: Signal colours: the Okabe–Ito palette without the vermilion of the crash events.
_SIGNAL_COLOURS = ("#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

_SHOWN = (
    "events",
    "hits",
    "hit_rate",
    "lead_median_months",
    "false_alarms_per_year",
    "precision",
    "date_recall",
    "brier",
    "brier_skill",
)


def _iso(x: Any) -> Any:
    if x is None or x is pd.NaT:
        return None
    if isinstance(x, pd.Timestamp):
        return x.date().isoformat()
    if isinstance(x, (float, np.floating)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


@dataclass(frozen=True, eq=False)
class BacktestResult(ResultMixin):
    """Point-in-time signals on one price history, its crash events and the scores.

    Everything the scores depend on is stored: :meth:`score` recomputes :attr:`scores` from
    ``alarms``, ``values`` (probabilities), ``events`` and ``event_spec`` alone.

    Attributes
    ----------
    name : str
    prices : pandas.Series
        The price history (DatetimeIndex).
    values, alarms : pandas.DataFrame
        One column per signal on the price dates; see :class:`bubblescope.backtest.signals.Signal`.
    signals : tuple of dict
        Each signal's metadata (name, kind, threshold, description, baseline).
    events : tuple of Event
    event_spec : EventSpec
    scores : Scores
    skipped : dict
        Signal -> why it could not be computed on this history.
    settings : dict
        Signal settings, data frequency, seed.
    """

    name: str
    prices: pd.Series = field(repr=False)
    values: pd.DataFrame = field(repr=False)
    alarms: pd.DataFrame = field(repr=False)
    signals: tuple[dict[str, Any], ...]
    events: tuple[Event, ...]
    event_spec: EventSpec
    scores: Scores = field(repr=False)
    skipped: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def score(self, spec: EventSpec | None = None) -> Scores:
        """Recompute the scores from the stored series and events (optionally another spec)."""
        prob = [s["name"] for s in self.signals if s["kind"] == "probability"]
        return score(
            self.alarms,
            self.events,
            spec or self.event_spec,
            probabilities=self.values[prob],
            kinds={s["name"]: s["kind"] for s in self.signals},
            baselines=[s["name"] for s in self.signals if s["baseline"]],
        )

    def latest(self) -> pd.DataFrame:
        """Each signal's reading on the last date (value and alarm) next to its record."""
        last = self.values.index[-1]
        t = self.scores.table
        return pd.DataFrame(
            {
                "value": self.values.loc[last],
                "alarm": self.alarms.loc[last],
                "hit_rate": t["hit_rate"],
                "false_alarms_per_year": t["false_alarms_per_year"],
                "lead_median_months": t["lead_median_months"],
            }
        )

    def eras(self, eras: dict[str, tuple[str, str]] | None = None) -> pd.DataFrame:
        """Each signal within each era side by side (default: the dot-com and AI eras).

        Returns one row per (era, signal): first alarm date, share of dates alarming, the
        maximum value and the value on the era's last date (NaN where not covered).
        """
        from bubblescope.backtest.histories import ERAS

        rows = []
        for era, (start, end) in (eras or ERAS).items():
            for info in self.signals:
                name = info["name"]
                a = self.alarms[name].loc[start:end].dropna()
                v = self.values[name].loc[start:end].dropna()
                on = a[a > 0.5]
                rows.append(
                    {
                        "era": era,
                        "signal": name,
                        "first_alarm": on.index[0] if len(on) else None,
                        "alarm_share": float((a > 0.5).mean()) if len(a) else np.nan,
                        "max_value": float(v.max()) if len(v) else np.nan,
                        "last_value": float(v.iloc[-1]) if len(v) else np.nan,
                    }
                )
        return pd.DataFrame(rows).set_index(["era", "signal"])

    def summary(self) -> str:
        """Text: the events, the score table, and today's readings against each record."""
        spec = self.event_spec
        p = self.prices
        lines = [
            f"Backtest {self.name}: {p.index[0].date()}..{p.index[-1].date()} "
            f"({len(p)} obs, {self.settings.get('frequency')})",
            f"events: >= {spec.drawdown:.0%} fall within {spec.horizon_months} months of a peak; "
            f"warning window {spec.warning_months} months before the peak",
            "  " + (", ".join(f"{e.peak.date()} ({e.depth:.0%})" for e in self.events) or "none"),
        ]
        t = self.scores.table
        lines.append(f"{'signal':<18}" + "".join(f"{c[:12]:>13}" for c in _SHOWN))
        for name, row in t.iterrows():
            cells = []
            for c in _SHOWN:
                v = row[c]
                shown = "-" if pd.isna(v) else (f"{v:.3g}" if isinstance(v, float) else str(v))
                cells.append(f"{shown:>13}")
            tag = " (baseline)" if row["baseline"] else ""
            lines.append(f"{str(name) + tag:<18}"[:18] + "".join(cells))
        lines.append(f"latest readings ({self.values.index[-1].date()}):")
        for name, row in self.latest().iterrows():
            state = "n/a" if pd.isna(row["alarm"]) else ("ALARM" if row["alarm"] > 0.5 else "quiet")
            lines.append(f"  {name:<18} value {row['value']:.4g}  {state}")
        for name, why in self.skipped.items():
            lines.append(f"  skipped {name}: {why}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Price, every signal's value (``value:<name>``) and alarm (``alarm:<name>``) by date."""
        out = pd.concat(
            [
                self.prices.rename("price"),
                self.values.add_prefix("value:"),
                self.alarms.add_prefix("alarm:"),
            ],
            axis=1,
        )
        out.index.name = "date"
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, events, scores, lead times and the latest readings."""
        table = self.scores.table
        scores = {name: {c: _iso(v) for c, v in row.items()} for name, row in table.iterrows()}
        leads = {
            name: {_iso(k): _iso(v) for k, v in row.items()}
            for name, row in self.scores.leads.iterrows()
        }
        latest = {
            name: {c: _iso(v) for c, v in row.items()} for name, row in self.latest().iterrows()
        }
        out: dict[str, Any] = to_jsonable(
            {
                "name": self.name,
                "start": _iso(self.prices.index[0]),
                "end": _iso(self.prices.index[-1]),
                "observations": len(self.prices),
                "event_spec": self.event_spec.to_dict(),
                "events": [e.to_dict() for e in self.events],
                "signals": [dict(s) for s in self.signals],
                "scores": scores,
                "lead_months": leads,
                "unscored_events": {
                    k: [_iso(x) for x in v] for k, v in self.scores.unscored.items()
                },
                "latest": latest,
                "eras": [
                    {k: _iso(v) for k, v in r.items()}
                    for r in self.eras().reset_index().to_dict(orient="records")
                ],
                "skipped": dict(self.skipped),
                "settings": self.settings,
            }
        )
        return out

    def chart_spec(self) -> ChartSpec:
        """Price with its crash events, then one strip per signal with its alarm spells shaded.

        The price panel is on a log axis with its range from the data; each crash event is a
        dotted vertical line at its peak (across every panel) and a red span to its trough, its
        pre-peak warning window a grey span. Each signal strip shows the value, the alarm
        threshold (dashed) and the dates the alarm was on, shaded in the signal's colour.
        """
        p = self.prices
        x = list(p.index)
        peaks = tuple(VLine(e.peak, color="#D55E00") for e in self.events)
        labelled = tuple(
            VLine(e.peak, f"{e.peak:%Y-%m} {e.depth:.0%}", color="#D55E00") for e in self.events
        )
        crashes = tuple(Band(e.peak, e.trough, color="#D55E00", opacity=0.15) for e in self.events)
        warnings = tuple(  # clipped to the data, so they do not widen the x axis
            Band(max(e.warning_start(self.event_spec), x[0]), e.peak, color="#999999", opacity=0.2)
            for e in self.events
        )
        panels = [
            Panel(
                f"{self.name} (log scale): crash events",
                lines=(Line(x, p.to_numpy(), "price", color="#000000", width=1.0),),
                bands=warnings + crashes,
                vlines=labelled,
                logy=True,
                height=1.4,
            )
        ]
        for i, info in enumerate(self.signals):
            name = info["name"]
            colour = _SIGNAL_COLOURS[i % len(_SIGNAL_COLOURS)]
            threshold = info["threshold"]
            title = name + (" (baseline)" if info["baseline"] else "")
            if threshold is not None:
                title += f": alarm at {float(threshold):.3g} or above"
            on = self.alarms[name].to_numpy(dtype=np.float64) > 0.5
            ends = [*x[1:], x[-1]]
            spells = tuple(
                Band(x[a], ends[b], color=colour, opacity=0.25) for a, b in _episodes(on)
            )
            panels.append(
                Panel(
                    title,
                    lines=(Line(x, self.values[name].to_numpy(), name, color=colour, width=1.0),),
                    hlines=()
                    if threshold is None
                    else (HLine(float(threshold), "alarm threshold"),),
                    bands=spells,
                    vlines=peaks,
                    height=0.36,
                )
            )
        return ChartSpec(
            f"Early-warning backtest: {self.name}",
            tuple(panels),
            source="point-in-time signals. Dotted lines: crash peaks; red: peak to trough; "
            "grey: pre-peak warning windows; shaded strips: alarm on; dashed: alarm threshold",
            legend=False,
        )
