"""
Is NVDA in a bubble?
====================

Three readings of Nvidia's price, each from a different idea of what a bubble is, all on the
closes that ship with bubblescope (Yahoo Finance, split- and dividend-adjusted):

1. **Explosiveness** (Phillips, Shi and Yu 2015): did the log price grow faster than a random
   walk allows, and when?
2. **Run-up and crash odds** (Greenwood, Shleifer and You 2019): how large is the two-year
   run-up, net of the S&P 500, and how often did run-ups that large crash?
3. **Drawdowns**: how far has the price fallen from its peaks, then and now?

Each is an analysis of the registry run with its ``quick`` preset, as ``bubblescope run psy
NVDA --preset quick`` would; the ``standard`` preset, the status page's, uses more
replications for the critical values. See :doc:`/concepts/psy` and :doc:`/concepts/gsy` for
the conventions.
"""  # noqa: D205, D400 - sphinx-gallery's title block

# %%
# The data
# --------
# The shipped daily closes; every output names the data it read.
from bubblescope.analyses import get
from bubblescope.data.bundled import load_bundled

frame = load_bundled("NVDA")
nvda = frame["close"].rename("NVDA")
print(frame.attrs["vintage"], "closes from", nvda.index[0].date(), "to", nvda.index[-1].date())


# %%
# 1. Explosiveness: PSY on weekly log closes
# ------------------------------------------
# The last 20 years of weekly closes, their logs tested against the family-wise 95% critical
# value: any episode dated here would occur by chance on a random walk with probability 5%.
# Each episode comes with its explosive root and the doubling time it implies.
psy = get("psy")
psy_result = psy.run(nvda, psy.settings.preset("quick"))
print(psy_result.summary())
psy_figure = psy_result.plot()

# %%
# 2. Run-ups and crash odds
# -------------------------
# Two-year returns of Nvidia and of the S&P 500 at each month end; a run-up is a return above
# 100%, raw and net of the market. ``P(crash)`` is the share of industry run-ups of that net
# size that fell 40% within two years (the logit fitted on Ken French's 49 industries,
# 1928-2014).
runup = get("runup")
runup_result = runup.run(nvda, runup.settings.preset("quick"))
print(runup_result.summary())
runup_figure = runup_result.plot()

# %%
# 3. Drawdowns
# ------------
# The deepest falls from a peak, and the current one.
drawdown = get("drawdown")
drawdown_result = drawdown.run(nvda, drawdown.settings.preset("quick"))
print(drawdown_result.summary())
drawdown_figure = drawdown_result.plot()

# %%
# Reading them together
# ---------------------
# The three tests ask different questions. PSY dates stretches of explosive growth in the log
# price; the run-up table says how unusual the latest two years are against a century of
# industry booms and how often such booms crashed; the drawdowns show what the earlier ones
# cost. None is a forecast of a date. The status page (``bubblescope status``) reads the same
# tests, with LPPLS Confidence and valuation, for every series it watches, and the backtests
# (``bubblescope backtest``) score how each signal did on past crashes.
n_crashes = int(runup_result.episodes["crash"].eq(True).sum())
print(f"PSY episodes: {len(psy_result.episodes)}; run-ups that crashed: {n_crashes}")
