"""Clearing-vector and DebtRank kernels on plain float64 arrays.

Conventions (shared by every function here)
-------------------------------------------
``liabilities[i, j]`` is what node ``i`` owes node ``j`` (money flows from row to column), in
one currency unit (bubblescope uses USD bn). ``external[i] >= 0`` is node ``i``'s assets from
outside the network. ``cap[i] <= pbar[i]`` is the most node ``i`` is able or willing to pay
(``cap = pbar`` when nobody is shocked); a node with ``cap < pbar`` is in default by assumption
(round 0).

The clearing vector solves the Rogers–Veraart (2013) map, which is the Eisenberg–Noe (2001)
map at ``alpha = beta = 1``::

    phi_i(p) = pbar_i                               if e_i + (Pi^T p)_i >= pbar_i
             = alpha * e_i + beta * (Pi^T p)_i      otherwise
    p_i      = min(cap_i, phi_i(p))

and the kernel returns its *greatest* fixed point, exactly, by the fictitious-default
algorithm of Eisenberg and Noe (2001, §3), generalised to default costs by Rogers and Veraart
(2013, Algorithm "GA"): start from ``p = cap``; in each round find the nodes that cannot pay in
full at the current payments, then solve the linear system in which those nodes pay
``alpha e + beta Pi^T p`` and every other node pays its cap. The defaulting set only grows, so
the loop ends after at most ``n + 1`` rounds.

Tolerances: a node counts as solvent when ``e + inflow >= pbar - tol * max(1, pbar)``, with
``tol = 1e-12`` by default — a relative slack of a few ulps times the number of summands, so a
node that exactly breaks even is not pushed into default by rounding in ``Pi^T p``.

References
----------
Eisenberg, L. and Noe, T. H. (2001). Systemic risk in financial systems. *Management Science*
47(2), 236–249.
Rogers, L. C. G. and Veraart, L. A. M. (2013). Failure and rescue in an interbank network.
*Management Science* 59(4), 882–898.
Battiston, S., Puliga, M., Kaushik, R., Tasca, P. and Caldarelli, G. (2012). DebtRank: too
central to fail? *Scientific Reports* 2, 541.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from bubblescope._numba import njit, prange
from bubblescope._typing import Float64Array, IntArray

F = TypeVar("F", bound=Callable[..., Any])


def _parallel_njit(func: F) -> F:
    """``njit(parallel=True)`` with the function's own signature kept for type checkers."""
    return cast(F, njit(parallel=True)(func))


__all__ = ["clear", "clear_batch", "debtrank", "relative_liabilities"]


@njit
def relative_liabilities(liabilities: Float64Array) -> tuple[Float64Array, Float64Array]:
    """Return ``(Pi, pbar)``: row-normalised liabilities and total obligations per node.

    Rows of nodes that owe nothing stay zero.
    """
    n = liabilities.shape[0]
    pbar = np.zeros(n)
    rel = np.zeros((n, n))
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += liabilities[i, j]
        pbar[i] = total
        if total > 0.0:
            for j in range(n):
                rel[i, j] = liabilities[i, j] / total
    return rel, pbar


@njit
def _clear_core(
    rel: Float64Array,
    pbar: Float64Array,
    external: Float64Array,
    cap: Float64Array,
    alpha: float,
    beta: float,
    tol: float,
    history: Float64Array,
) -> tuple[Float64Array, IntArray, int]:
    n = pbar.shape[0]
    p = cap.copy()
    slack = np.empty(n)
    for i in range(n):
        slack[i] = tol * max(1.0, pbar[i])
    default_round = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if cap[i] < pbar[i] - slack[i]:
            default_round[i] = 0
    linear = np.zeros(n, dtype=np.bool_)
    history[0, :] = p
    rounds = 0
    for k in range(1, n + 2):
        inflow = rel.T @ p
        grew = False
        for i in range(n):
            if linear[i]:
                continue
            if external[i] + inflow[i] >= pbar[i] - slack[i]:
                value = pbar[i]
            else:
                value = alpha * external[i] + beta * inflow[i]
            if value < cap[i] - slack[i]:
                linear[i] = True
                grew = True
        if not grew:
            break
        rounds = k
        idx = np.flatnonzero(linear)
        m = idx.shape[0]
        a = np.eye(m)
        b = np.empty(m)
        for r in range(m):
            i = idx[r]
            for c in range(m):
                a[r, c] -= beta * rel[idx[c], i]
            s = alpha * external[i]
            for j in range(n):
                if not linear[j]:
                    s += beta * rel[j, i] * cap[j]
            b[r] = s
        sol = np.linalg.solve(a, b)
        for i in range(n):
            if not linear[i]:
                p[i] = cap[i]
        for r in range(m):
            p[idx[r]] = min(cap[idx[r]], max(0.0, sol[r]))
        for i in range(n):
            if default_round[i] < 0 and p[i] < pbar[i] - slack[i]:
                default_round[i] = k
        history[k, :] = p
    return p, default_round, rounds


def clear(
    liabilities: Float64Array,
    external: Float64Array,
    cap: Float64Array | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    tol: float = 1e-12,
) -> tuple[Float64Array, IntArray, int, Float64Array]:
    """Greatest clearing vector of one network (Eisenberg–Noe, or Rogers–Veraart if α, β < 1).

    Parameters
    ----------
    liabilities : ndarray, shape (n, n)
        ``liabilities[i, j] >= 0``: what ``i`` owes ``j`` (currency units, e.g. USD bn).
    external : ndarray, shape (n,)
        External assets ``e >= 0`` (same unit).
    cap : ndarray, shape (n,), optional
        Most each node pays; defaults to its total obligations ``pbar``.
    alpha, beta : float
        Rogers–Veraart recovery rates on external assets and on receipts, in [0, 1].
    tol : float
        Relative solvency slack (see the module notes).

    Returns
    -------
    p : ndarray, shape (n,)
        Clearing payments (total paid by each node).
    default_round : ndarray of int, shape (n,)
        Round in which each node first paid less than ``pbar`` (0 = shocked, -1 = never).
    rounds : int
        Number of fictitious-default rounds that changed the defaulting set.
    history : ndarray, shape (rounds + 1, n)
        Payments after each round (row 0: everybody pays its cap).

    Notes
    -----
    Inputs are validated by the caller (:mod:`bubblescope.economy.clearing`); the kernel assumes
    finite, non-negative arrays and ``cap <= pbar``.
    """
    liab = np.ascontiguousarray(liabilities, dtype=np.float64)
    ext = np.ascontiguousarray(external, dtype=np.float64)
    rel, pbar = relative_liabilities(liab)
    c = pbar.copy() if cap is None else np.minimum(np.asarray(cap, dtype=np.float64), pbar)
    history = np.zeros((pbar.shape[0] + 2, pbar.shape[0]))
    p, default_round, rounds = _clear_core(
        rel, pbar, ext, c, float(alpha), float(beta), float(tol), history
    )
    return p, default_round, rounds, history[: rounds + 1].copy()


@_parallel_njit
def _clear_batch(
    rel: Float64Array,
    pbar: Float64Array,
    external: Float64Array,
    cap: Float64Array,
    alpha: float,
    beta: float,
    tol: float,
) -> tuple[Float64Array, IntArray]:
    s, n = external.shape
    out = np.empty((s, n))
    rounds_of_default = np.empty((s, n), dtype=np.int64)
    for k in prange(s):
        history = np.zeros((n + 2, n))
        p, dr, _ = _clear_core(rel, pbar, external[k], cap[k], alpha, beta, tol, history)
        out[k, :] = p
        rounds_of_default[k, :] = dr
    return out, rounds_of_default


def clear_batch(
    liabilities: Float64Array,
    external: Float64Array,
    cap: Float64Array,
    alpha: float = 1.0,
    beta: float = 1.0,
    tol: float = 1e-12,
) -> tuple[Float64Array, IntArray]:
    """Clearing vectors of one network under many scenarios of external assets and caps.

    Parameters
    ----------
    liabilities : ndarray, shape (n, n)
        As in :func:`clear`.
    external, cap : ndarray, shape (s, n)
        One row per scenario.
    alpha, beta, tol : float
        As in :func:`clear`.

    Returns
    -------
    p : ndarray, shape (s, n)
        Clearing payments per scenario.
    default_round : ndarray of int, shape (s, n)
        As in :func:`clear`, per scenario.
    """
    rel, pbar = relative_liabilities(np.ascontiguousarray(liabilities, dtype=np.float64))
    ext = np.ascontiguousarray(external, dtype=np.float64)
    c = np.ascontiguousarray(np.minimum(np.asarray(cap, dtype=np.float64), pbar[None, :]))
    p, dr = _clear_batch(rel, pbar, ext, c, float(alpha), float(beta), float(tol))
    return p, dr


@njit
def debtrank(
    impact: Float64Array, value: Float64Array, h0: Float64Array
) -> tuple[Float64Array, float, int]:
    """DebtRank of an initial distress ``h0`` (Battiston et al. 2012).

    Parameters
    ----------
    impact : ndarray, shape (n, n)
        ``impact[i, j] = min(1, exposure of j to i / capital of j)``: the relative equity loss
        of ``j`` when ``i`` fails.
    value : ndarray, shape (n,)
        Economic weight of each node (e.g. its share of total capital); sums to 1.
    h0 : ndarray, shape (n,)
        Initial relative equity loss in [0, 1].

    Returns
    -------
    h : ndarray, shape (n,)
        Final relative equity loss of every node.
    r : float
        DebtRank ``R = Σ h_j(T) v_j − Σ h_j(1) v_j`` (the loss beyond the initial shock).
    rounds : int
        Number of propagation rounds.

    Notes
    -----
    States: undistressed (0), distressed (1), inactive (2). Each distressed node propagates its
    distress once, then becomes inactive, so the loop ends after at most ``n`` rounds.
    """
    n = h0.shape[0]
    h = h0.copy()
    state = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if h[i] > 0.0:
            state[i] = 1
    rounds = 0
    while np.any(state == 1):
        rounds += 1
        new_h = h.copy()
        for j in range(n):
            s = 0.0
            for i in range(n):
                if state[i] == 1:
                    s += impact[i, j] * h[i]
            new_h[j] = min(1.0, h[j] + s)
        new_state = state.copy()
        for j in range(n):
            if state[j] == 1:
                new_state[j] = 2
            elif state[j] == 0 and new_h[j] > 0.0:
                new_state[j] = 1
        h = new_h
        state = new_state
    r = 0.0
    for j in range(n):
        r += (h[j] - h0[j]) * value[j]
    return h, r, rounds
