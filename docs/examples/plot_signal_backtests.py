"""
How good are bubble signals, really?
====================================

A signal that called the dot-com peak may also have called crashes that never came. This
example scores the signals bubblescope computes on two long histories that ship with it, the
S&P 500 since 1871 (Shiller's monthly table) and the NASDAQ Composite since 1971 (weekly
closes), each signal computed as it was knowable on each date, against every fall of 20% or
more within two years of a peak.

The scores (see :doc:`/concepts/backtest`): the share of crashes with an alarm in the 24
months before the peak (hit rate) and how early it came, false alarms per year, the share of
alarm episodes that preceded a crash (precision), and the Brier score of the signal with its
skill against the base rate (below 0: worse than always saying the base rate). Two naive
baselines, a two-year return above 100% and Shiller's CAPE above 30, set the bar.
"""  # noqa: D205, D400 - sphinx-gallery's title block

# %%
# The S&P 500 since 1871
# ----------------------
# Monthly prices from Shiller's table: GSY's run-up rule and crash odds, the bubble gauge
# (point-in-time percentiles of Shiller's valuation proxies), the CUSUM monitor and the two
# baselines.
import pandas as pd

from bubblescope.backtest import EventSpec, SignalConfig, backtest
from bubblescope.backtest.histories import to_weekly
from bubblescope.data.bundled import load_bundled, load_shiller
from bubblescope.status.records import month_end_shiller

shiller = month_end_shiller(load_shiller())
sp500 = backtest(
    shiller["P"].rename("SP500"),
    signals="runup,crash_probability,gauge,cusum,baseline_return,baseline_cape",
    shiller=shiller,
    events=EventSpec.index(),
    config=SignalConfig(psy_reps=199),
)
print(sp500.summary())
sp500_figure = sp500.plot()

# %%
# The NASDAQ Composite since 1971
# -------------------------------
# Weekly closes: the PSY monitor (trained on the first ten years, family-wise critical value
# from a Phillips-Shi bootstrap on them alone), the CUSUM monitor, the run-up rule and its
# crash odds, and the return baseline.
nasdaq = to_weekly(load_bundled("NASDAQ")["close"]).rename("NASDAQ")
nasdaq_result = backtest(
    nasdaq,
    signals="psy,cusum,runup,crash_probability,baseline_return",
    events=EventSpec.index(),
    config=SignalConfig(psy_reps=199),
)
print(nasdaq_result.summary())
nasdaq_figure = nasdaq_result.plot()

# %%
# The leaderboard
# ---------------
# Both histories side by side: for each signal, its hit rate, false alarms per year and Brier
# skill.
columns = ["events", "hits", "hit_rate", "false_alarms_per_year", "brier_skill"]
board = pd.concat(
    {"S&P 500": sp500.scores.table[columns], "NASDAQ": nasdaq_result.scores.table[columns]}
)
print(board.round(3).to_string())

# %%
# Reading it
# ----------
# No signal warns of most crashes: the best hit rates here are below a third, and almost every
# signal has a negative Brier skill, so as forecasts of *when* a crash comes they do worse than
# the base rate. What they can do is flag the rare, large episodes they were built for: the
# test suite checks that CAPE above 30 warned before the 1929 and 2000 peaks and that the PSY
# monitor's family-wise alarm fired before the NASDAQ's 2000 peak. That is why the status page
# shows each signal's record next to its reading.
