r"""The stated model of the AI capex system, vectorised over Monte Carlo paths.

Arrays are shaped ``(n_paths, n_years)`` (years ``t = 0 .. T-1`` from the scenario's start year);
amounts are USD bn a year unless stated. Symbols match :data:`bubblescope.scenario.spec.PARAMETERS`.

Revenue, valuation and the priced path
--------------------------------------
Demand for AI services is log-normal times the demand side's ratio of realised to expected
demand: :math:`Q_t = R_0 e^{L_t} X_t`, :math:`L_0 = 0`,
:math:`L_{t+1} = L_t + \mu_R + \delta - \sigma_R^2/2 + \sigma_R \varepsilon_t`, where
:math:`\mu_R` is the growth the market expects (:math:`E[Q_t] = R_0 e^{\mu_R t}` when
:math:`\delta = 0` and :math:`X_t = 1`) and :math:`\delta` the realised surprise on it. Revenue
served is demand
scaled by the capacity deployed against the plan the price assumes,

.. math::
    R_t = Q_t u_t, \quad u_t = \min\Bigl(1, \frac{H + \sum_{s<t} C_s}{H + \sum_{s<t} K_s}\Bigr),

with :math:`H` the historical capex and :math:`K_s` the pre-bust plan (so a power or funding
shortfall against the plan caps revenue and is seen by holders; :math:`u_0 = 1`).

The AI equity index is valued by discounted cash flow with
:func:`bubblescope.economy.valuation.dcf_value`: free cash flow is :math:`m R`, growing at the
expected rate :math:`g_e = e^{\mu_R} - 1` for :math:`T_{DCF}` years, then at :math:`g_\infty`,
discounted at :math:`i`. The fundamental value is :math:`F_0 = \mathrm{DCF}(m R_0, g_e)` and the
market value :math:`V_0 = (1 + \omega) F_0`, :math:`\omega` the initial overvaluation. The reverse
DCF (:func:`bubblescope.economy.valuation.reverse_dcf`) gives the growth :math:`g^*` that
:math:`V_0` implies, :math:`\mathrm{DCF}(m R_0, g^*) = V_0` (:math:`g^* = g_e` when
:math:`\omega = 0`), and so the priced revenue path :math:`R^*_t = R_0 (1 + g^*)^t`. The gap is
the log shortfall of cash flow (revenue served times the margin :math:`m_t` of the demand
side below) below the median of the revenue the market expects on
that path (the mean path less the log-normal's variance term, so a path that meets what was
priced has no gap),

.. math::
    \Gamma_t = \max\bigl(0, \ln R^*_t - \sigma_R^2 t / 2 - \ln R_t - \ln(m_t / m)\bigr)

(gaps below :math:`10^{-9}`, rounding of the reverse DCF's root, count as none).

Demand side
-----------
(:mod:`bubblescope.scenario.demand`.) Enterprise adoption :math:`a_t` is logistic, fitted
through the Census readings ADO-01a and ADO-02 under the ceiling :math:`\bar a`; the market
expects the fitted rate :math:`k`, a path diffuses at
:math:`k_i = k e^{\alpha + \sigma_k z_i}`, :math:`z_i \sim N(0, 1)`, from the same
:math:`a_0`: :math:`a_{it} = \bar a / (1 + (\bar a / a_0 - 1) e^{-k_i t})`. Enterprise revenue
moves with the share of firms using AI, so the expected enterprise share of demand is
:math:`w_t = \min(1, w_E\, \bar a_t / a_0\, e^{-\mu_R t})` (:math:`\bar a_t` the expected
curve) and the rest is consumer/API revenue, tokens times a price per token. The price falls
at :math:`\pi` a year, the inference cost per token (H100 rent over the tokens a GPU-hour
serves, :func:`bubblescope.economy.gpu.generation`) at :math:`\gamma`; volume answers the price
with elasticity :math:`\varepsilon`. An efficiency shock :math:`\xi` cuts the cost per token
from the second year and, passed on in the share :math:`\phi`, the price, so consumer revenue
is scaled by :math:`P^C_t = (1 - \phi\xi)^{1 - \varepsilon}` (:math:`t \ge 1`). Then

.. math::
    X_t = w_t\, a_{it} / \bar a_t + (1 - w_t) P^C_t, \quad
    s^E_t = w_t\, a_{it} / \bar a_t / X_t,

the realised enterprise share :math:`s^E_t`. The gross margin on a token is
:math:`m^C_t = 1 - (c_0/p_0) ((1-\gamma)/(1-\pi))^t (1-\xi)/(1-\phi\xi)` (a price war,
:math:`\pi > \gamma`, squeezes it) and the cash margin on AI revenue
:math:`m_t = \min(1, \max(0, m + (1 - s^E_t)(m^C_t - m^C_0)))`, so :math:`m_0 = m`. The gap
below is a cash-flow gap: it adds :math:`-\ln(m_t/m)`, a margin below the one the price
discounts.

Before a bust the index (:math:`P_0 = 1` is :math:`V_0`) keeps the multiple it started with,
so it moves with revenue served times a valuation-multiple noise,
:math:`P_t = (R_t / R_0) M_t`, :math:`\ln M_{t+1} = \ln M_t + \sigma_M \zeta_t - \sigma_M^2/2`;
the fundamental value is :math:`F_t = (R_t / R_0) / (1 + \omega)` (the DCF is linear in cash
flow).

Capex, power and funding
------------------------
Planned capex :math:`K_t = K_0 (1+g_K)^t (1 - s \xi)`, where :math:`\xi` is an efficiency
shock: the share of GPU spend per dollar of AI revenue no longer needed (a DeepSeek-style jump
in compute per dollar; :math:`\xi = 0` in the base case), applied to the GPU share :math:`s`
of the plan, so the same revenue is served by a smaller plan (:math:`u_t` compares capacity
built with that plan), and through the demand side it cheapens tokens (:math:`P^C_t`,
:math:`m^C_t`); after a bust in year :math:`b` the plan is cut to
:math:`K_t = (1-c) K_b` and held flat. Grid connections cap deployable capex:
:math:`\bar C_t = k\, G_0 (1+g_G)^t` (``k`` in USD bn/GW, converted with
:func:`bubblescope.economy.power.capex_to_gw`). Funding capacity has three sources,

.. math::
    CF_t = CF_0 (1+g_{CF})^t + m_t R_t, \quad
    \bar D_t = \max(0, \lambda CF_t - (1-r) D_{t-1}), \quad
    \bar E_t = e\, W P_t,

with :math:`W` the AI equity wealth (JPMorgan: a 10% fall removes ``ai_wealth_per_10pct``, so
:math:`W = 10 \times` that; it is the market value of the whole AI complex, larger than
:math:`V_0`, which values the AI revenue's cash flow alone). Capex is
:math:`C_t = \min(K_t, \bar C_t, CF_t + \bar D_t + \bar E_t)`, paid in pecking order:
internal :math:`I_t = \min(C_t, CF_t)`, debt
:math:`B_t = \min(C_t - I_t, \bar D_t)`, equity :math:`S_t = C_t - I_t - B_t` (so
:math:`C_t = I_t + B_t + S_t` exactly); :math:`D_t = (1-r) D_{t-1} + B_t`.

Bust: the gap, herding sellers, funding failure and the base rate
------------------------------------------------------------------
The gap makes the mispricing public. The onset :math:`t_0` is the first time the cumulative
hazard :math:`\Lambda(t) = \int_0^t \lambda_g \Gamma_{\lfloor s \rfloor} ds` (piecewise constant
within a year) reaches a draw :math:`E_g \sim \text{Exp}(1)`, or the start of the first year in
which revenue served is a share :math:`d` below that median, :math:`\Gamma_t \ge -\ln(1-d)`,
whichever comes first (:math:`t_0 = \infty` while :math:`\Gamma = 0`). Following Abreu and
Brunnermeier (2003), each of ``N`` holders becomes aware at :math:`t_0 + \eta U_i`
(:math:`U_i \sim U(0,1)`) and sells after a further delay :math:`\tau_i \sim
\text{Exp}(\text{mean } \bar\tau)`; the bubble bursts when the share of holders who have sold
exceeds :math:`\kappa`, at :math:`t_{AB} = t_0 + \tau_{(\lceil \kappa N \rceil)}`, the order
statistic of the selling times (a threshold model in the sense of Granovetter 1978). A funding
failure bursts it too once the gap is visible (Minsky's financial distress): in the first year
:math:`t` with :math:`t + 1 > t_0` in which funding cannot pay for the planned capex,
:math:`CF_t + \bar D_t + \bar E_t < K_t`, at :math:`t_F = \max(t, t_0)`. Whatever the gap, a
crash comes at the historical base rate :math:`h_0` of
:func:`bubblescope.scenario.base_rate.base_crash_rate` (S&P 500 falls of at least
:math:`\theta` a year since 1927): :math:`t_h = E_h / h_0`, :math:`E_h \sim \text{Exp}(1)`. The
bust time is :math:`\min(t_h, t_{AB}, t_F)`, in year :math:`b`; with no gap the bust odds over
:math:`T` years are the base rate's :math:`1 - e^{-h_0 T}`.

Over year :math:`b` the index falls from :math:`P_b` to
:math:`\min((1-o) \min(P_b, F_b), (1-\theta) P_b)`, a crash by the base rate's definition,
and then tracks :math:`(1-o) F_t`; depth is the largest peak-to-trough fall of the index path.
The funding cut to the firms of ``closure_firms`` is :math:`\min(1, \phi \times \text{depth})`,
cleared through the financing network by :func:`bubblescope.economy.clearing.stress` (a
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
Greenwood, R., Shleifer, A. and You, Y. (2019). Bubbles for Fama. *JFE* 131(1), 20-43.
Granovetter, M. (1978). Threshold models of collective behavior. *AJS* 83(6), 1420-1443.
Kindleberger, C. P. and Aliber, R. Z. (2005). *Manias, Panics and Crashes*, 5th ed. Wiley.
Mauboussin, M. J. and Rappaport, A. (2001). *Expectations Investing*. Harvard Business School
Press (the reverse DCF: read the expectations a price implies).
Perez, C. (2002). *Technological Revolutions and Financial Capital*. Edward Elgar.
Sequoia Capital (2024). AI's $600B question (revenue requirement, m = 0.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.scenario.demand import api_margin

__all__ = ["ModelInputs", "simulate"]

#: Log gaps up to this size are rounding, not a shortfall: the reverse DCF's root is solved to
#: 1e-12 a year and the priced and realised log paths are summed differently over T years.
_GAP_ROUNDING = 1e-9


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
    implied_growth : float
        :math:`g^*`, the revenue growth a year the starting price implies (reverse DCF).
    base_rate : float
        :math:`h_0`, crashes a year at the historical base rate.
    adoption_start : float
        :math:`a_0`, the fitted share of US firms using AI in the first year (fraction).
    adoption_rate : float
        :math:`k`, the fitted logistic diffusion rate a year (0: adoption stays at
        :math:`a_0`, the demand side's enterprise part then moves nothing).
    api_cost_ratio : float
        :math:`c_0 / p_0`, inference cost over price of a token in the first year (0: the
        consumer/API margin stays at 100% and no price war shows).
    """

    p: dict[str, float]
    n_years: int
    gw_per_usd_bn: float
    hist_capex: Float64Array
    dep_gpu_book: Float64Array
    dep_gpu_econ: Float64Array
    dep_durable: Float64Array
    implied_growth: float
    base_rate: float
    adoption_start: float = 1.0
    adoption_rate: float = 0.0
    api_cost_ratio: float = 0.0


def _sell_order_statistic(rng: np.random.Generator, n: int, p: dict[str, float]) -> Float64Array:
    """Years from the onset to the sale that bursts the bubble (Abreu-Brunnermeier), per path."""
    n_holders = int(p["n_holders"])
    aware = rng.random((n, n_holders)) * p["awareness_window"]
    delay = rng.exponential(p["sell_delay_mean"], size=(n, n_holders))
    # bursts once the share sold exceeds kappa: the k-th order statistic of selling times
    k = min(n_holders, math.floor(p["kappa"] * n_holders) + 1)
    return np.asarray(np.partition(aware + delay, k - 1, axis=1)[:, k - 1], dtype=np.float64)


def simulate(inputs: ModelInputs, seed: np.random.SeedSequence, n: int) -> dict[str, Float64Array]:
    r"""Simulate ``n`` paths of the model (see the module docstring for the equations).

    Parameters
    ----------
    inputs : ModelInputs
    seed : numpy.random.SeedSequence
        The chunk's seed; all draws of the chunk come from it in a fixed order, and their
        number does not depend on the parameters (except ``n_holders``), so two runs with the
        same seed share their random numbers.
    n : int
        Number of paths.

    Returns
    -------
    dict of str to ndarray
        ``capex, internal, debt, equity, planned, power_cap, funding_cap, demand, revenue,
        priced_revenue, gap`` (n, T) — ``revenue`` is revenue served :math:`R_t`, ``gap``
        :math:`\Gamma_t` up to the bust year, NaN after it —, ``price`` (n, T + 1), the index at
        the start of each year plus the end, ``bust_time`` (n,) in years from the start
        (``inf``: none within the horizon),
        ``bust_year`` (n,) index of the bust year or -1, ``onset_time`` (n,) :math:`t_0`
        (``inf`` if the gap never became public), ``funding_bust``, ``base_rate_bust``,
        ``herding_bust`` (n,) 1.0 for the mechanism that set the bust time, ``depth`` (n,)
        peak-to-trough fall of the index, ``gw_at_bust, durable_nbv_at_bust,
        gpu_book_nbv_at_bust, gpu_writeoff`` (n,) (NaN without a bust),
        ``gdp_contribution_pp, spending_effect`` (n, T), and the demand side (n, T):
        ``enterprise_revenue, consumer_revenue`` (revenue served split by :math:`s^E_t`),
        ``gross_margin`` :math:`m_t`, ``adoption`` :math:`a_{it}` and ``api_margin``
        :math:`m^C_t`; ``capacity_share`` (n, T) :math:`u_t`, the share of the demand that the
        capacity built (power and funding permitting) can serve.
    """
    p = inputs.p
    T = inputs.n_years
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((n, T))
    zeta = rng.standard_normal((n, T))
    e_gap = rng.exponential(1.0, size=n)
    e_base = rng.exponential(1.0, size=n)
    sell = _sell_order_statistic(rng, n, p)
    z_adopt = rng.standard_normal(n)  # drawn last: earlier draws keep their streams

    sigma_r = p["ai_revenue_vol"]
    steps = p["ai_revenue_growth"] + p["revenue_growth_surprise"] - 0.5 * sigma_r**2
    years = np.arange(T + 1, dtype=np.float64)
    demand = _demand_side(inputs, years, z_adopt)
    log_d = (
        np.concatenate([np.zeros((n, 1)), np.cumsum(steps + sigma_r * eps, axis=1)], axis=1)
        + demand.log_ratio
    )  # (n, T + 1)
    sigma_m = p["price_vol"]
    log_m = np.concatenate(
        [np.zeros((n, 1)), np.cumsum(sigma_m * zeta - 0.5 * sigma_m**2, axis=1)], axis=1
    )
    log_priced = np.log1p(inputs.implied_growth) * years  # ln(R*_t / R_0)
    log_priced_median = log_priced - 0.5 * sigma_r**2 * years
    over = 1.0 + p["initial_overvaluation"]
    miss_gap = (
        -math.log1p(-p["revenue_disappointment"]) if p["revenue_disappointment"] < 1 else math.inf
    )
    t_base = np.divide(e_base, inputs.base_rate, out=np.full(n, np.inf), where=inputs.base_rate > 0)

    wealth = 10.0 * p["ai_wealth_per_10pct"] * 1000.0  # USD bn of AI equity at P = 1
    power_cap = p["cost_per_gw"] * p["grid_additions"] * (1.0 + p["grid_growth"]) ** years[:T]
    core_cash = p["internal_cash_start"] * (1.0 + p["internal_cash_growth"]) ** years[:T]
    efficiency = 1.0 - p["gpu_share"] * p["compute_efficiency_gain"]
    plan0 = p["capex_start"] * (1.0 + p["capex_plan_growth"]) ** years[:T] * efficiency
    hist = float(inputs.hist_capex.sum())
    margin_by_year = np.ascontiguousarray(demand.margin.T)  # rows are years: fast to read
    log_margin_by_year = np.ascontiguousarray(demand.log_margin_ratio.T)
    built = np.full(n, hist)
    planned_cum = hist

    out = {
        name: np.zeros((n, T))
        for name in ("capex", "internal", "debt", "equity", "planned", "funding_cap", "revenue")
    }
    out["gap"] = np.zeros((n, T))
    out["capacity_share"] = np.ones((n, T))  # u_t: capacity built over the plan's
    price = np.ones((n, T + 1))
    log_served = np.zeros(n)  # ln(R_t / R_0) of the current year
    debt_stock = np.full(n, p["debt_start"])
    busted = np.zeros(n, dtype=bool)
    bust_year = np.full(n, -1, dtype=np.int64)
    bust_time = np.full(n, np.inf)
    cause = np.zeros(n, dtype=np.int64)  # 1 herding, 2 funding, 3 base rate
    onset = np.full(n, np.inf)
    hazard_used = np.zeros(n)
    post_plan = np.zeros(n)
    for t in range(T):
        revenue = p["ai_revenue_start"] * np.exp(log_served)
        # the cash-flow gap: revenue and margin below what the price discounts
        gap = log_priced_median[t] - log_served - log_margin_by_year[t]
        gap = np.where(gap > _GAP_ROUNDING, gap, 0.0)
        out["revenue"][:, t] = revenue
        out["gap"][:, t] = np.where(busted, np.nan, gap)  # no priced path after a bust
        # onset of public awareness: the revenue miss at the year's start, else the gap hazard
        rate = p["gap_onset_rate"] * gap
        need = e_gap - hazard_used
        within = np.divide(need, rate, out=np.full(n, np.inf), where=rate > 0)
        missed = (gap >= miss_gap) & (gap > 0.0)  # no gap, no onset (also when d = 0)
        new_onset = np.where(missed, float(t), np.where(within < 1.0, t + within, np.inf))
        onset = np.where(np.isfinite(onset) | busted, onset, new_onset)
        hazard_used += rate

        planned = np.where(busted, post_plan, plan0[t])
        cash = core_cash[t] + margin_by_year[t] * revenue
        debt_cap = np.maximum(
            0.0, p["max_leverage"] * cash - (1.0 - p["debt_repayment"]) * debt_stock
        )
        equity_cap = p["equity_issuance_rate"] * wealth * price[:, t]
        funding = cash + debt_cap + equity_cap
        capex = np.minimum(np.minimum(planned, power_cap[t]), funding)
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

        short = (funding < plan0[t]) & (onset < t + 1.0)
        t_fund = np.where(short, np.maximum(float(t), onset), np.inf)
        times = np.stack([onset + sell, t_fund, t_base])
        first = np.min(times, axis=0)
        new = ~busted & (first < t + 1.0)
        bust_year[new] = t
        bust_time[new] = first[new]
        cause[new] = 1 + np.argmin(times, axis=0)[new]
        post_plan[new] = (1.0 - p["post_bust_capex_cut"]) * plan0[t]

        # capacity built against the plan caps next year's revenue served
        built += capex
        planned_cum += plan0[t]
        served = np.minimum(1.0, built / planned_cum)
        if t + 1 < T:
            out["capacity_share"][:, t + 1] = served
        log_served = log_d[:, t + 1] + np.log(served)
        grown = np.exp(log_served + log_m[:, t + 1])
        fundamental = np.exp(log_served) / over
        crash = np.minimum(
            (1.0 - p["crash_overshoot"]) * np.minimum(price[:, t], fundamental),
            (1.0 - p["crash_threshold"]) * price[:, t],
        )
        after = (1.0 - p["crash_overshoot"]) * fundamental
        price[:, t + 1] = np.where(new, crash, np.where(busted, after, grown))
        busted |= new

    running_peak = np.maximum.accumulate(price, axis=1)
    depth = np.max(1.0 - price / running_peak, axis=1)

    out.update(_legacy(inputs, out["capex"], bust_year))
    prev = np.concatenate([np.full((n, 1), p["capex_base"]), out["capex"][:, :-1]], axis=1)
    out["gdp_contribution_pp"] = (
        100.0 * p["domestic_content"] * (out["capex"] - prev) / (1000.0 * p["gdp"])
    )
    mpc = p["spending_gain"] / (1000.0 * p["wealth_gain"])
    out["spending_effect"] = mpc * wealth * (price[:, 1:] - 1.0)
    out.update(
        power_cap=np.broadcast_to(power_cap, (n, T)).copy(),
        demand=p["ai_revenue_start"] * np.exp(log_d[:, :T]),
        priced_revenue=np.broadcast_to(
            p["ai_revenue_start"] * np.exp(log_priced[:T]), (n, T)
        ).copy(),
        price=price,
        enterprise_revenue=out["revenue"] * demand.enterprise_share[:, :T],
        consumer_revenue=out["revenue"] * (1.0 - demand.enterprise_share[:, :T]),
        gross_margin=demand.margin[:, :T].copy(),
        adoption=demand.adoption[:, :T].copy(),
        api_margin=np.broadcast_to(demand.api_margin[:T], (n, T)).copy(),
    )
    per_path: dict[str, Float64Array] = {
        "bust_time": bust_time,
        "bust_year": bust_year.astype(np.float64),
        "onset_time": onset,
        "herding_bust": (cause == 1).astype(np.float64),
        "funding_bust": (cause == 2).astype(np.float64),
        "base_rate_bust": (cause == 3).astype(np.float64),
        "depth": depth,
    }
    return {**out, **per_path}


@dataclass(frozen=True)
class _Demand:
    """The demand side on each path, shapes (n, T + 1) unless stated (see the module doc)."""

    log_ratio: Float64Array  # ln X_t, realised over expected demand
    enterprise_share: Float64Array  # s^E_t of realised demand
    adoption: Float64Array  # a_t, share of firms using AI
    api_margin: Float64Array  # m^C_t, shape (T + 1,)
    margin: Float64Array  # m_t, blended cash margin
    log_margin_ratio: Float64Array  # ln(m_t / m)


def _demand_side(inputs: ModelInputs, years: Float64Array, z: Float64Array) -> _Demand:
    """Enterprise adoption and consumer/API tokens against what the market expects."""
    p = inputs.p
    a0, ceiling = inputs.adoption_start, p["adoption_ceiling"]
    odds = ceiling / a0 - 1.0
    rates = inputs.adoption_rate * np.exp(p["adoption_surprise"] + p["adoption_vol"] * z)
    adoption = ceiling / (1.0 + odds * np.exp(-np.outer(rates, years)))
    expected = ceiling / (1.0 + odds * np.exp(-inputs.adoption_rate * years))
    weight = np.minimum(
        1.0, p["enterprise_revenue_share"] * expected / a0 / np.exp(p["ai_revenue_growth"] * years)
    )
    xi, phi = p["compute_efficiency_gain"], p["efficiency_pass_through"]
    consumer = np.where(years >= 1.0, (1.0 - phi * xi) ** (1.0 - p["token_price_elasticity"]), 1.0)
    enterprise = weight * adoption / expected
    ratio = enterprise + (1.0 - weight) * consumer
    share = enterprise / ratio
    api = api_margin(
        inputs.api_cost_ratio,
        years,
        p["token_price_decline"],
        p["inference_cost_decline"],
        xi,
        phi,
    )
    m = p["ai_gross_margin"]
    margin = np.clip(m + (1.0 - share) * (api - api[0]), 0.0, 1.0)
    floor = np.finfo(np.float64).tiny  # a zero margin is an infinite gap, kept finite
    log_margin = np.log(np.maximum(margin, floor)) - math.log(m) if m > 0 else np.zeros_like(margin)
    return _Demand(np.log(ratio), share, adoption, api, margin, log_margin)


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
