r"""The stated model of the AI capex system, vectorised over Monte Carlo paths.

Arrays are shaped ``(n_paths, n_years)`` (years ``t = 0 .. T-1`` from the scenario's start year);
amounts are USD bn a year unless stated. Symbols match :data:`bubblescope.scenario.spec.PARAMETERS`.

Revenue and prices (before a bust)
----------------------------------
AI revenue is log-normal: :math:`R_t = R_0 \exp(\sum_{s<t} (\mu_R - \sigma_R^2/2 + \sigma_R
\varepsilon_s))`. The AI equity index starts at :math:`P_0 = 1` and follows
:math:`P_{t+1} = P_t \exp(\mu_P - \sigma_P^2/2 + \sigma_P \xi_t)` with
:math:`\xi = \rho \varepsilon + \sqrt{1-\rho^2} \zeta`. Its fundamental value tracks revenue:
:math:`F_t = R_t / (R_0 (1 + \omega))` with :math:`\omega` the initial overvaluation.

Capex, power and funding
------------------------
Planned capex :math:`K_t = K_0 (1+g_K)^t`; after a bust in year :math:`b` the plan is cut to
:math:`K_t = (1-c) K_b` and held flat. Grid connections cap deployable capex:
:math:`\bar C_t = k\, G_0 (1+g_G)^t` (``k`` in USD bn/GW, converted with
:func:`bubblescope.economy.power.capex_to_gw`). Funding capacity has three sources,

.. math::
    CF_t = CF_0 (1+g_{CF})^t + m R_t, \quad
    \bar D_t = \max(0, \lambda CF_t - (1-r) D_{t-1}), \quad
    \bar E_t = e\, W P_t,

with :math:`W` the AI equity wealth (JPMorgan: a 10% fall removes ``ai_wealth_per_10pct``, so
:math:`W = 10 \times` that). Capex is :math:`C_t = \min(K_t, \bar C_t, CF_t + \bar D_t + \bar E_t)`,
paid in pecking order: internal :math:`I_t = \min(C_t, CF_t)`, debt
:math:`B_t = \min(C_t - I_t, \bar D_t)`, equity :math:`S_t = C_t - I_t - B_t` (so
:math:`C_t = I_t + B_t + S_t` exactly); :math:`D_t = (1-r) D_{t-1} + B_t`.

Bust: herding sellers and funding failure
-----------------------------------------
Following Abreu and Brunnermeier (2003), the mispricing becomes observable at
:math:`t_0 = \min(\text{Exp}(\lambda_0), \min\{t : R_t < (1-d) R_0 e^{\mu_R t}\})`.
Each of ``N`` holders becomes aware at :math:`t_0 + \eta U_i` (:math:`U_i \sim U(0,1)`) and sells
after a further delay :math:`\tau_i \sim \text{Exp}(\text{mean } \bar\tau)`; the bubble bursts when
the share of holders who have sold exceeds :math:`\kappa`, i.e. at the :math:`\lceil \kappa N
\rceil`-th smallest selling time (a threshold model in the sense of Granovetter 1978). A
funding failure bursts it too (Minsky's financial distress): the first year in which funding
capacity cannot pay for deployable capex, :math:`CF_t + \bar D_t + \bar E_t < \min(K_t,
\bar C_t)`, dated at the start of that year. The bust is the earlier of the two, in year
:math:`b`.

Over year :math:`b` the index falls from :math:`P_b` to :math:`(1-o) \min(P_b, F_b)` and then tracks
:math:`(1-o) F_t`; depth is the largest peak-to-trough fall of the index path. The funding cut
to the firms of ``closure_firms`` is :math:`\min(1, \phi \times \text{depth})`, cleared through the
financing network by :func:`bubblescope.economy.clearing.stress` (a
:class:`~bubblescope.economy.clearing.MarketClosure`) to count firms in default.

Fleet and legacy
----------------
A share :math:`s` of each year's capex buys GPUs and servers, the rest power plant and shells.
Depreciation uses :func:`bubblescope.economy.depreciation.depreciation_matrix` (straight line,
half-year convention) on the historical vintages plus the simulated ones, with the book life
:math:`L_{book}`, the economic life :math:`L_{econ}` and the durable life :math:`L_{dur}`.
At a bust,
the legacy is the GW installed (capex / ``k``) and the durable net book value, against the GPU
value written off: book minus economic net book value of the GPU fleet.

Macro transmission
------------------
AI investment's contribution to GDP growth is :math:`100\, a (C_t - C_{t-1}) / Y` percentage
points. The wealth effect on spending is :math:`\Delta\text{Spend}_t = \text{MPC}\, W (P_t - P_0)`
with :math:`\text{MPC} = \text{spending\_gain} / \text{wealth\_gain}` (JPMorgan), of which a share
goes to the top 10% of households and is compared with their consumption (the top-10% share
of total consumption, where total consumption = spending_gain / spending_gain_share).

References
----------
Abreu, D. and Brunnermeier, M. K. (2003). Bubbles and crashes. *Econometrica* 71(1), 173-204.
Granovetter, M. (1978). Threshold models of collective behavior. *AJS* 83(6), 1420-1443.
Kindleberger, C. P. and Aliber, R. Z. (2005). *Manias, Panics and Crashes*, 5th ed. Wiley.
Perez, C. (2002). *Technological Revolutions and Financial Capital*. Edward Elgar.
Sequoia Capital (2024). AI's $600B question (revenue requirement, m = 0.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bubblescope._typing import Float64Array

__all__ = ["ModelInputs", "simulate"]


@dataclass(frozen=True)
class ModelInputs:
    """Plain float64 inputs of :func:`simulate` (built by the runner from a scenario).

    Attributes
    ----------
    p : dict of str to float
        Parameters in the model units of :data:`~bubblescope.scenario.spec.PARAMETERS`.
    n_years : int
        Horizon T.
    gw_per_usd_bn : float
        GW bought per USD bn of capex (1 / ``cost_per_gw``).
    hist_capex : ndarray
        Capex of the historical vintages (USD bn), oldest first, ending the year before start.
    dep_gpu_book, dep_gpu_econ, dep_durable : ndarray, shape (n_hist + T, n_hist + T)
        Per-unit depreciation of each vintage (rows) in each year (columns), historical years
        first, from :func:`bubblescope.economy.depreciation.depreciation_matrix`.
    """

    p: dict[str, float]
    n_years: int
    gw_per_usd_bn: float
    hist_capex: Float64Array
    dep_gpu_book: Float64Array
    dep_gpu_econ: Float64Array
    dep_durable: Float64Array


def _ab_bust_time(
    rng: np.random.Generator, n: int, p: dict[str, float], revenue: Float64Array, plan: Float64Array
) -> Float64Array:
    """Abreu-Brunnermeier bust time (years from the start) per path."""
    onset = rng.exponential(1.0 / p["onset_rate"], size=n)
    n_holders = int(p["n_holders"])
    aware = rng.random((n, n_holders)) * p["awareness_window"]
    delay = rng.exponential(p["sell_delay_mean"], size=(n, n_holders))
    miss = revenue < (1.0 - p["revenue_disappointment"]) * plan
    first_miss = np.where(miss.any(axis=1), miss.argmax(axis=1).astype(np.float64), np.inf)
    t0 = np.minimum(onset, first_miss)
    # bursts once the share sold exceeds kappa: the k-th order statistic of selling times
    k = min(n_holders, math.floor(p["kappa"] * n_holders) + 1)
    sell = np.partition(aware + delay, k - 1, axis=1)[:, k - 1]
    return np.asarray(t0 + sell, dtype=np.float64)


def simulate(inputs: ModelInputs, seed: np.random.SeedSequence, n: int) -> dict[str, Float64Array]:
    """Simulate ``n`` paths of the model (see the module docstring for the equations).

    Parameters
    ----------
    inputs : ModelInputs
    seed : numpy.random.SeedSequence
        The chunk's seed; all draws of the chunk come from it in a fixed order.
    n : int
        Number of paths.

    Returns
    -------
    dict of str to ndarray
        ``capex, internal, debt, equity, planned, power_cap, funding_cap, revenue, price``
        (n, T) — price is (n, T + 1), index at the start of each year plus the end —,
        ``bust_time`` (n,) in years from the start (``inf``: none within the horizon),
        ``bust_year`` (n,) index of the bust year or -1, ``funding_bust`` (n,) 1.0 where the
        bust came from a funding failure, ``depth`` (n,) peak-to-trough fall of the index,
        ``gw_at_bust, durable_nbv_at_bust, gpu_book_nbv_at_bust, gpu_writeoff`` (n,) (NaN
        without a bust), ``gdp_contribution_pp, spending_effect`` (n, T).
    """
    p = inputs.p
    T = inputs.n_years
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((n, T))
    zeta = rng.standard_normal((n, T))
    rho = p["revenue_price_corr"]
    xi = rho * eps + math.sqrt(max(0.0, 1.0 - rho**2)) * zeta

    steps = p["ai_revenue_growth"] - 0.5 * p["ai_revenue_vol"] ** 2 + p["ai_revenue_vol"] * eps
    log_r = np.concatenate([np.zeros((n, 1)), np.cumsum(steps, axis=1)], axis=1)  # (n, T + 1)
    revenue = p["ai_revenue_start"] * np.exp(log_r[:, :T])
    years = np.arange(T, dtype=np.float64)
    plan_revenue = p["ai_revenue_start"] * np.exp(p["ai_revenue_growth"] * years)
    fundamental = np.exp(log_r) / (1.0 + p["initial_overvaluation"])  # (n, T + 1)
    ab_time = _ab_bust_time(rng, n, p, revenue, plan_revenue[None, :])

    wealth = 10.0 * p["ai_wealth_per_10pct"] * 1000.0  # USD bn of AI equity at P = 1
    power_cap = p["cost_per_gw"] * p["grid_additions"] * (1.0 + p["grid_growth"]) ** years
    core_cash = p["internal_cash_start"] * (1.0 + p["internal_cash_growth"]) ** years
    plan0 = p["capex_start"] * (1.0 + p["capex_plan_growth"]) ** years

    out = {
        name: np.zeros((n, T))
        for name in ("capex", "internal", "debt", "equity", "planned", "funding_cap")
    }
    price = np.ones((n, T + 1))
    debt_stock = np.full(n, p["debt_start"])
    busted = np.zeros(n, dtype=bool)
    bust_year = np.full(n, -1, dtype=np.int64)
    funding_bust = np.zeros(n)
    post_plan = np.zeros(n)
    drift = p["price_drift"] - 0.5 * p["price_vol"] ** 2
    for t in range(T):
        planned = np.where(busted, post_plan, plan0[t])
        cash = core_cash[t] + p["ai_gross_margin"] * revenue[:, t]
        debt_cap = np.maximum(
            0.0, p["max_leverage"] * cash - (1.0 - p["debt_repayment"]) * debt_stock
        )
        equity_cap = p["equity_issuance_rate"] * wealth * price[:, t]
        funding = cash + debt_cap + equity_cap
        deployable = np.minimum(planned, power_cap[t])
        capex = np.minimum(deployable, funding)
        internal = np.minimum(capex, cash)
        debt = np.minimum(capex - internal, debt_cap)
        equity = capex - internal - debt
        debt_stock = (1.0 - p["debt_repayment"]) * debt_stock + debt
        for name, arr in (
            ("capex", capex),
            ("internal", internal),
            ("debt", debt),
            ("equity", equity),
            ("planned", planned),
            ("funding_cap", funding),
        ):
            out[name][:, t] = arr
        short = ~busted & (funding < deployable)
        new = ~busted & ((ab_time < t + 1.0) | short)
        funding_bust[short] = 1.0
        bust_year[new] = t
        post_plan[new] = (1.0 - p["post_bust_capex_cut"]) * plan0[t]
        grown = price[:, t] * np.exp(drift + p["price_vol"] * xi[:, t])
        after = (1.0 - p["crash_overshoot"]) * fundamental[:, t + 1]
        crash = (1.0 - p["crash_overshoot"]) * np.minimum(price[:, t], fundamental[:, t])
        price[:, t + 1] = np.where(new, crash, np.where(busted, after, grown))
        busted |= new

    # a funding failure is seen when the year's budget is set (its start); sellers act in-year
    bust_time = np.where(
        bust_year < 0, np.inf, np.where(funding_bust > 0, bust_year.astype(np.float64), ab_time)
    )
    running_peak = np.maximum.accumulate(price, axis=1)
    depth = np.max(1.0 - price / running_peak, axis=1)

    out.update(_legacy(inputs, out["capex"], bust_year))
    prev = np.concatenate([np.full((n, 1), p["capex_base"]), out["capex"][:, :-1]], axis=1)
    out["gdp_contribution_pp"] = (
        100.0 * p["domestic_content"] * (out["capex"] - prev) / (1000.0 * p["gdp"])
    )
    mpc = p["spending_gain"] / (1000.0 * p["wealth_gain"])
    out["spending_effect"] = mpc * wealth * (price[:, 1:] - 1.0)
    out.update(power_cap=np.broadcast_to(power_cap, (n, T)).copy(), revenue=revenue, price=price)
    per_path: dict[str, Float64Array] = {
        "bust_time": bust_time,
        "bust_year": bust_year.astype(np.float64),
        "funding_bust": funding_bust,
        "depth": depth,
    }
    return {**out, **per_path}


def _legacy(
    inputs: ModelInputs, capex: Float64Array, bust_year: np.ndarray
) -> dict[str, Float64Array]:
    """GW, durable net book value and GPU write-off at the end of the bust year (NaN if none)."""
    p = inputs.p
    n = capex.shape[0]
    h = inputs.hist_capex.size
    vintages = np.concatenate([np.broadcast_to(inputs.hist_capex, (n, h)), capex], axis=1)
    gpu = p["gpu_share"] * vintages
    durable = (1.0 - p["gpu_share"]) * vintages
    # cumulative cost in service and cumulative depreciation through each simulated year
    cost_to = np.cumsum(vintages, axis=1)[:, h:]
    gpu_cost_to = p["gpu_share"] * cost_to
    dur_cost_to = (1.0 - p["gpu_share"]) * cost_to
    book = np.cumsum(gpu @ inputs.dep_gpu_book, axis=1)[:, h:]
    econ = np.cumsum(gpu @ inputs.dep_gpu_econ, axis=1)[:, h:]
    dur = np.cumsum(durable @ inputs.dep_durable, axis=1)[:, h:]
    gw = cost_to * inputs.gw_per_usd_bn
    has = bust_year >= 0
    idx = np.where(has, bust_year, 0)
    rows = np.arange(n)

    def at(arr: Float64Array) -> Float64Array:
        return np.where(has, arr[rows, idx], np.nan)

    gpu_book_nbv = gpu_cost_to - book
    gpu_econ_nbv = np.maximum(gpu_cost_to - econ, 0.0)
    return {
        "gw_at_bust": at(gw),
        "durable_nbv_at_bust": at(dur_cost_to - dur),
        "gpu_book_nbv_at_bust": at(gpu_book_nbv),
        "gpu_writeoff": at(gpu_book_nbv - gpu_econ_nbv),
    }
