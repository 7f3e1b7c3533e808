"""
Who falls if OpenAI can't pay?
==============================

The AI build-out is financed in loops: Nvidia invests in OpenAI, OpenAI buys compute from
Oracle, Oracle buys Nvidia chips. Each deal is a row of the fact base's deal list, with its
source. This example reads the network those deals form, then asks what happens to the other
firms in a year in which OpenAI pays only part of what it owes.

The stress test clears one year of obligations with the Eisenberg and Noe (2001) clearing
vector: every firm pays what it owes or all it has, and a firm that receives less than it is
owed may in turn fall short. Only true payment obligations (compute and chip purchases) still
due are cleared; a commitment whose schedule ended before the network's reference date (the
latest date in the deal list) is settled, listed but not cleared; equity investments are
funding that may not arrive, never a default. Losses then
spread to shareholders by DebtRank (Battiston et al. 2012). Amounts are USD bn a year.
"""  # noqa: D205, D400 - sphinx-gallery's title block

# %%
# The network
# -----------
# Firms, commitments and the loops they close, from the shipped deal list (non-binding deals
# left out; deals stated in GW priced at fact GWC-01).
from bubblescope.economy import PaymentShock, analyze_network, load_network, stress

network = load_network()
analysis = analyze_network(network)
print(analysis.summary())
network_figure = analysis.plot()

# %%
# OpenAI pays nothing this year
# -----------------------------
# The extreme case: OpenAI is in default by assumption and pays none of its obligations. The
# table shows each firm's liquid assets, what it is owed by OpenAI, what it receives, its
# equity loss and, for a firm that cannot cover its own debts, the clearing round in which it
# defaults.
no_payment = stress(network, [PaymentShock("OpenAI", 0.0)])
print(no_payment.summary().split("\nCommitments by kind")[0])
stress_figure = no_payment.plot()

# %%
# How much must OpenAI pay for nobody else to default?
# ----------------------------------------------------
# The same year with OpenAI paying a share of what it owes. OpenAI itself is one of the firms
# counted in default whenever it pays less than all it owes.
for paid in (0.0, 0.25, 0.5, 0.75, 1.0):
    result = stress(network, [PaymentShock("OpenAI", paid)])
    line = next(text for text in result.summary().split("\n") if "in default" in text)
    print(f"OpenAI pays {paid:4.0%}: {line}")

# %%
# Reading it
# ----------
# A firm falls when what OpenAI owes it is large against its own liquid assets and its own
# debts fall due in the same year; the hyperscalers with large cash piles take equity losses
# but stay solvent. The shortfall shrinks as OpenAI pays more: Oracle stands once OpenAI pays
# a quarter of what it owes, and with OpenAI paying in full nobody defaults. CoreWeave stands
# even when OpenAI pays nothing: its only debt, its GPU purchases from Nvidia in 2023-2025, is
# settled before the reference date, so it owes nothing this year. Every input, from each deal's
# amount to the cash assumed for private firms (marked ``*``), is listed with its source in the
# full summary; ``bubblescope network stress --shock OpenAI=0.5`` runs the same test from the
# command line.
