"""Models of the AI economy: financing network and stress, depreciation, GPUs, power, valuation.

Public names are re-exported lazily (the submodule is imported on first use): ``from
bubblescope.economy import stress`` imports :mod:`~bubblescope.economy.clearing`, the
Eisenberg–Noe / Rogers–Veraart clearing behind it, only then.
"""

from __future__ import annotations

from bubblescope._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    # the financing network and its stress tests (Eisenberg–Noe, Rogers–Veraart, DebtRank)
    "load_network": "network",
    "network_from_rows": "network",
    "read_firms": "network",
    "analyze_network": "network",
    "FinancingNetwork": "network",
    "Commitment": "network",
    "Firm": "network",
    "Cycle": "network",
    "GWPrice": "network",
    "ScheduleAssumption": "network",
    "NetworkResult": "network",
    "stress": "clearing",
    "sensitivity": "clearing",
    "parse_shock": "clearing",
    "PaymentShock": "clearing",
    "InvestorWithdrawal": "clearing",
    "MarketClosure": "clearing",
    "BufferAssumption": "clearing",
    "StressResult": "clearing",
    "SensitivityResult": "clearing",
    "network_chart_spec": "_network_plot",
    "network_layout": "_network_plot",
    # fundamentals
    "restatement": "depreciation",
    "change_of_estimate": "depreciation",
    "disclosed_all": "depreciation",
    "burry_case": "depreciation",
    "implied_economic_life": "depreciation",
    "LifePolicy": "depreciation",
    "CapexVintages": "depreciation",
    "gpu_economics": "gpu",
    "bernstein_vs_burry": "gpu",
    "cash_cost": "gpu",
    "training_energy": "power",
    "fleet_power": "power",
    "capex_to_gw": "power",
    "grid_comparison": "power",
    "reverse_dcf": "valuation",
    "sequoia_gap": "valuation",
    "sequoia_2023": "valuation",
    "sequoia_2024": "valuation",
    "nadella_test": "valuation",
    "history_multiples": "valuation",
    "water_use": "water",
    "Quantity": "units",
    # sourced inputs and labelled assumptions; the default assumption sets (assumptions/*.yaml)
    "Input": "inputs",
    "InputKind": "inputs",
    "assumption": "inputs",
    "user_input": "inputs",
    "AssumptionSet": "assumptions",
    "load_assumptions": "assumptions",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
