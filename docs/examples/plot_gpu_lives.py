"""
Burry vs Bernstein on GPU lives
===============================

How long does an AI accelerator earn its keep? The hyperscalers depreciate their servers over
five to six years (facts DEP-06 to DEP-09). Michael Burry argues that the product cycle is two
to three years, so their earnings are overstated (DEP-01); Bernstein answers that an old GPU
keeps earning as long as its rent covers the cash cost of running it (DEP-12). Both can be
right: they answer different questions.

* **Bernstein's life** is a *cash* life: run the GPU while rent exceeds power and colocation.
* **Burry's life** is an *investment* life: the GPU must repay its purchase price within the
  years it is depreciated over.

Every number below is a row of the fact base or a labelled assumption
(``economy/assumptions/gpu.yaml``, ``economy/depreciation/cases.yaml``); the summaries list
each input with its fact id or reason.
"""  # noqa: D205, D400 - sphinx-gallery's title block

# %%
# Two readings of the same GPUs
# -----------------------------
# H100s and A100s bought at launch (when rents were high) and at the latest rental price:
# Bernstein's cash life next to Burry's payback, full-cost break-even rent and NPV over the
# book life.
from bubblescope.economy import bernstein_vs_burry, burry_case, gpu_economics

readings = bernstein_vs_burry()
print(readings.summary())
readings_figure = readings.plot()

# %%
# One H100, year by year
# ----------------------
# An H100 bought in 2023: its rent path through the sourced observations, its cash cost, the
# margin it earns each year and the NPV if it were retired after each year. The cash rule
# retires it at the first year its margin turns negative.
h100 = gpu_economics("H100", purchase_time=2023.0, rule="cash")
print(h100.summary())
h100_figure = h100.plot()

# %%
# What a shorter life does to earnings
# ------------------------------------
# Burry's claim: the big five's capex depreciated over its economic life rather than the book
# life understates depreciation by $176 billion over 2026-2028. :func:`burry_case` restates the
# capex path and finds the economic life that gives his number; the same restatement at other
# lives shows how much of the claim rests on the life chosen.
burry = burry_case()
print(burry.summary().split("\nInputs")[0])
burry_figure = burry.plot()

for life in (3.0, 4.0, 5.0, 6.0):
    restated = burry_case(economic_life=life)
    print(f"economic life {life:.0f} yrs: understated by {restated.total():,.1f} USD bn, 2026-2028")

# %%
# Reading them together
# ---------------------
# A GPU can stay cash-positive for many years (Bernstein) and still fail to repay its price
# within a short product cycle once rents fall (Burry): the first says old chips keep running,
# the second that the capex behind them earned less than the books assume. The restatement
# shows the understatement shrinks quickly as the assumed economic life approaches the book
# life, so the argument is about that one number.
