"""The status page: is the AI boom a bubble, how far along, what would change the reading.

:func:`run_status` reads every series of the watchlist now (PSY on log prices and levels, LPPLS
Confidence on three window scales, the two-year run-up and GSY crash odds, the drawdown from
the peak, valuation against its own history), next to each signal's backtest record on the
longest history that fits, then the market view (the gauge against Dalio's reading, the AI
basket against the dot-com basket) and a synthesis that counts signals. Every surface (overview,
report, dashboard, API, ``bubblescope status``) renders the same
:class:`~bubblescope.status.result.StatusResult`.
"""

from bubblescope.status.log import (
    append_readings,
    load_readings,
    logged_alarms,
    readings_hash,
    score_readings,
)
from bubblescope.status.readings import Reading
from bubblescope.status.records import Record
from bubblescope.status.result import SIGNALS, StatusResult, StatusRow, status_table_html
from bubblescope.status.run import run_status
from bubblescope.status.watchlist import WatchItem, basket_index, default_watchlist

__all__ = [
    "SIGNALS",
    "Reading",
    "Record",
    "StatusResult",
    "StatusRow",
    "WatchItem",
    "append_readings",
    "basket_index",
    "default_watchlist",
    "load_readings",
    "logged_alarms",
    "readings_hash",
    "run_status",
    "score_readings",
    "status_table_html",
]
