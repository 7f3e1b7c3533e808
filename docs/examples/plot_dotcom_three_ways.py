"""
The dot-com bubble, dated three ways
====================================

The NASDAQ Composite rose about fivefold from 1995 to its close of 5,048.62 on 10 March 2000,
then lost 78% by October 2002. Three methods, each with its own idea of a bubble, read the
same shipped closes (FRED NASDAQCOM):

1. **PSY** (Phillips, Shi and Yu 2015) dates the stretch in which the log price grew
   explosively;
2. **LPPLS** (Johansen, Ledoit and Sornette; Filimonov and Sornette 2013) fits the
   faster-than-exponential rise of the last three years to the peak and estimates its
   critical time;
3. **GSY** (Greenwood, Shleifer and You 2019) flags the two-year run-up, net of the S&P 500,
   and says whether a crash of 40% followed.

The concepts, conventions and references are in :doc:`/concepts/psy`, :doc:`/concepts/lppls`
and :doc:`/concepts/gsy`.
"""  # noqa: D205, D400 - sphinx-gallery's title block

# %%
# The data
# --------
# Daily closes of the NASDAQ Composite and of the S&P 500, as shipped.
import numpy as np

from bubblescope.data.bundled import load_bundled
from bubblescope.detect import MonteCarloCV, SearchSpace, lppls_fit, psy, runup

nasdaq = load_bundled("NASDAQ")["close"].rename("NASDAQ")
sp500 = load_bundled("SP500")["close"].rename("SP500")
print(f"NASDAQ peak: {nasdaq.max():,.2f} on {nasdaq.idxmax().date()} (to 2003)")

# %%
# 1. PSY: when was the growth explosive?
# --------------------------------------
# Weekly log closes from 1992 to 2003 (the last close of each week), critical values by Monte
# Carlo under PSY's null (199 replications, seeded), episodes against the family-wise 95%
# value, so that a random walk shows any episode with probability 5%.
weekly = nasdaq.loc["1992":"2003"].resample("W-FRI").last().dropna()
psy_result = psy(np.log(weekly), cv=MonteCarloCV(reps=199, rng=2000))
print(psy_result.summary())
psy_figure = psy_result.plot()

# %%
# 2. LPPLS: a faster-than-exponential rise towards a critical time
# ----------------------------------------------------------------
# One fit of the log price over the last 750 trading days to the peak, inside the stylised
# bounds (:math:`0.1 \le m \le 0.9`, :math:`2 \le \omega \le 25`). :math:`t_c` is the most
# probable end of the regime, reported in trading days after the last date and as a date; it
# is not a crash date.
fit = lppls_fit(nasdaq, t2="2000-03-10", window=750, space=SearchSpace.stylised())
print(fit.summary())
lppls_figure = fit.plot()

# %%
# 3. GSY: the run-up and what followed
# ------------------------------------
# Two-year returns at month ends, raw and net of the S&P 500; a run-up is a return above 100%
# on both, and a crash a 40% drawdown within the next two years. ``P(crash)`` is the shipped
# logit's probability at the run-up's net size (fitted on Ken French's 49 industries,
# 1928-2014).
runup_result = runup(nasdaq.loc[:"2004"], sp500.loc[:"2004"], name="NASDAQ")
print(runup_result.summary())
runup_figure = runup_result.plot()

# %%
# Three dates for one bubble
# --------------------------
# PSY dates the explosive stretch and finds its BSADF highest at the peak itself; LPPLS, fitted
# at the peak, puts the critical time a few weeks later; GSY flags the run-up at the end of
# 1999 and labels it a crash. The methods agree on the episode, and each adds what the others
# cannot: a statistical test with a controlled false-alarm rate, a model of the rise, and the
# base rate of crashes after run-ups of that size.
episode = psy_result.episodes[-1]
print(f"PSY episode: {episode.start.date()} to {episode.end.date()}")
print(f"LPPLS critical time: {fit.tc_date.date()}")
print(f"GSY run-up flagged: {runup_result.episodes['start'].iloc[0].date()}")
