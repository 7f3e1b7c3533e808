"""Early-warning backtest: every signal as it was knowable on each date, scored against crashes.

>>> from bubblescope.backtest import backtest, EventSpec  # doctest: +SKIP
>>> res = backtest(prices, signals="psy,runup,baseline", events=EventSpec.index())  # doctest: +SKIP
>>> print(res.summary())  # doctest: +SKIP
"""

from bubblescope.backtest.events import Event, EventSpec, detect_events
from bubblescope.backtest.result import BacktestResult
from bubblescope.backtest.run import (
    UniverseBacktest,
    backtest,
    backtest_universe,
    cached_signals,
    parse_signals,
)
from bubblescope.backtest.scoring import Scores, score
from bubblescope.backtest.signals import (
    ALL_SIGNALS,
    BASELINES,
    SIGNAL_SOURCES,
    Signal,
    SignalConfig,
)

__all__ = [
    "ALL_SIGNALS",
    "BASELINES",
    "SIGNAL_SOURCES",
    "BacktestResult",
    "Event",
    "EventSpec",
    "Scores",
    "Signal",
    "SignalConfig",
    "UniverseBacktest",
    "backtest",
    "backtest_universe",
    "cached_signals",
    "detect_events",
    "parse_signals",
    "score",
]
