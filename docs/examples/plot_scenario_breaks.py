"""
What would break the AI boom?
=============================

A Monte Carlo of the AI capex system, 2026-2035 (:mod:`bubblescope.scenario`). The AI index
is valued by discounting the cash flows of its revenue path; its price stands above that value
by a starting mispricing, and the price implies a faster growth than expected. When the
revenue actually served falls short of the priced path, the gap becomes public at a hazard
that grows with it, holders sell, and funding that depends on the price dries up: a bust.
Power and funding shortfalls cap the revenue that can be served. Without a revenue gap, only
the base rate of 40% crashes in the S&P 500 since 1927 remains.

Every default is a YAML row with its source or a labelled reason; the summary lists them.
Here a modest number of paths (2,000, seeded) keeps the build quick;
:func:`~bubblescope.scenario.run_scenario` defaults to 10,000.
"""  # noqa: D205, D400 - sphinx-gallery's title block

# %%
# The base case
# -------------
from bubblescope.scenario import run_scenario

base = run_scenario("base", n_paths=2000, rng=2026)
print(base.summary())
base_figure = base.plot()

# %%
# Three ways to break it
# ----------------------
# The presets change one part of the system each: ``funding_squeeze`` makes funding fail
# sooner as prices fall, ``power_bound`` caps the capacity the grid can connect.
for name in ("base", "funding_squeeze", "power_bound"):
    result = run_scenario(name, n_paths=2000, rng=2026)
    bust = result.to_frame()["bust_share_cumulative"].iloc[-1]
    print(f"{name:16s} bust by 2035: {bust:.0%}; median bust year {result.median_bust_year()}")

# %%
# How much does the mispricing matter?
# ------------------------------------
# The starting overvaluation :math:`\omega` (the price over the DCF value, minus one) and the
# realised growth of AI demand against the expected growth drive the gap. The same seed for
# every run, so the differences come from the settings alone.
for omega in (0.0, 0.5, 1.0):
    for surprise in (-0.1, 0.0, 0.1):
        result = run_scenario(
            "base",
            n_paths=2000,
            rng=2026,
            overrides={"initial_overvaluation": omega, "revenue_growth_surprise": surprise},
        )
        bust = result.to_frame()["bust_share_cumulative"].iloc[-1]
        print(f"omega {omega:.1f}, demand growth {surprise:+.1f} a year: bust by 2035 {bust:.0%}")

# %%
# Reading it
# ----------
# The bust rate rises with the mispricing and falls when demand grows faster than expected,
# and over these ranges the growth of demand moves it more than the mispricing: a gap opens
# whenever the revenue served falls behind the path the price assumes. The model is a stated
# set of mechanisms with sourced inputs, not a forecast: its use is to show which assumption
# the answer hangs on. ``bubblescope scenario run --set NAME=VALUE`` changes any parameter, and
# the scenario's sensitivity analysis ranks them all.
