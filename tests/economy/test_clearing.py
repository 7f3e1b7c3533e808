"""Clearing-vector and DebtRank kernels: closed-form examples, an LP peer, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import linprog

from bubblescope._kernels.clearing import clear, clear_batch, debtrank

# Tolerance: the kernel solves small dense linear systems (LAPACK), so agreement with closed
# forms is to a few ulps times the size; 1e-12 absolute on O(1) amounts leaves ample room.
TOL = 1e-12


# ---------------------------------------------------------------------------------------------
# closed-form examples (derived by hand in the comments)
# ---------------------------------------------------------------------------------------------


def test_chain_en_closed_form() -> None:
    # A owes B 1, B owes C 1; e = (0.3, 0.2, 0). A pays all it has, 0.3; B then has
    # 0.2 + 0.3 = 0.5 < 1 and pays 0.5. A defaults in round 1, B (knock-on) in round 2.
    liab = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    p, rounds_of_default, rounds, history = clear(liab, np.array([0.3, 0.2, 0.0]))
    assert_allclose(p, [0.3, 0.5, 0.0], atol=TOL)
    assert rounds_of_default.tolist() == [1, 2, -1]
    assert rounds == 2
    assert_allclose(history[0], [1.0, 1.0, 0.0])


def test_pure_ring_pays_in_full_greatest_fixed_point() -> None:
    # A ring of debts of 1 with no outside money: both p = 0 and p = 1 are clearing vectors;
    # the greatest one (EN's choice) is full payment.
    liab = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    p, rounds_of_default, rounds, _ = clear(liab, np.zeros(3))
    assert_allclose(p, [1.0, 1.0, 1.0], atol=TOL)
    assert (rounds_of_default == -1).all()
    assert rounds == 0


def test_mutual_debts_en_and_rv() -> None:
    # A owes B 2, B owes A 1, no outside money.
    # EN: p_A = min(2, p_B), p_B = min(1, p_A) -> greatest solution (1, 1).
    # RV(0.5, 0.5): A cannot pay 2 from receipts of 1, pays 0.5 * 1; then B receives 0.5 < 1
    # and pays 0.5 * p_A; the linear system p_A = 0.5 p_B, p_B = 0.5 p_A gives (0, 0).
    liab = np.array([[0.0, 2.0], [1.0, 0.0]])
    p_en, d_en, _, _ = clear(liab, np.zeros(2))
    assert_allclose(p_en, [1.0, 1.0], atol=TOL)
    assert d_en.tolist() == [1, -1]
    p_rv, d_rv, _, _ = clear(liab, np.zeros(2), alpha=0.5, beta=0.5)
    assert_allclose(p_rv, [0.0, 0.0], atol=TOL)
    assert d_rv.tolist() == [1, 2]


def test_chain_rv_closed_form() -> None:
    # Chain A -> B -> C (1 each), e = (0.5, 0.25, 0), alpha = 0.5, beta = 0.8:
    # A defaults and pays 0.5 * 0.5 = 0.25; B has 0.25 + 0.25 = 0.5 < 1 and pays
    # 0.5 * 0.25 + 0.8 * 0.25 = 0.325.
    liab = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    p, _, _, _ = clear(liab, np.array([0.5, 0.25, 0.0]), alpha=0.5, beta=0.8)
    assert_allclose(p, [0.25, 0.325, 0.0], atol=TOL)


def test_star_with_proportional_sharing() -> None:
    # Centre C owes leaves L1 3 and L2 1 (pbar_C = 4) and holds e_C = 2; each leaf owes C 0.5
    # and holds 1. Leaves pay in full; C has 2 + 1 = 3 < 4 and pays 3, split 3:1 -> 2.25, 0.75.
    liab = np.array([[0.0, 3.0, 1.0], [0.5, 0.0, 0.0], [0.5, 0.0, 0.0]])
    p, d, _, _ = clear(liab, np.array([2.0, 1.0, 1.0]))
    assert_allclose(p, [3.0, 0.5, 0.5], atol=TOL)
    assert d.tolist() == [1, -1, -1]
    received = liab.T @ (p / liab.sum(axis=1))
    assert_allclose(received, [1.0, 2.25, 0.75], atol=TOL)


def test_cap_is_a_round_zero_default() -> None:
    # A owes B 2 but is capped at 1 (pays 50%); B owes C 1 with e_B = 0 -> B still pays 1.
    liab = np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    p, d, _, _ = clear(liab, np.array([5.0, 0.0, 0.0]), cap=np.array([1.0, 1.0, 0.0]))
    assert_allclose(p, [1.0, 1.0, 0.0], atol=TOL)
    assert d.tolist() == [0, -1, -1]


# ---------------------------------------------------------------------------------------------
# DebtRank (Battiston et al. 2012), worked by hand
# ---------------------------------------------------------------------------------------------


def test_debtrank_chain() -> None:
    # impact A->B 0.5, B->C 0.5, A fully distressed: h_B = 0.5, then h_C = 0.25.
    # R = (0.5 + 0.25) / 3 with equal weights.
    w = np.array([[0.0, 0.5, 0.0], [0.0, 0.0, 0.5], [0.0, 0.0, 0.0]])
    h, r, rounds = debtrank(w, np.full(3, 1 / 3), np.array([1.0, 0.0, 0.0]))
    assert_allclose(h, [1.0, 0.5, 0.25], atol=TOL)
    assert r == pytest.approx(0.25, abs=TOL)
    assert rounds == 3


def test_debtrank_each_node_propagates_once() -> None:
    # A <-> B with full impact: B is hit once, then A (inactive) is not hit again, and the
    # loop stops; without the once-only rule distress would circulate for ever.
    w = np.array([[0.0, 1.0], [1.0, 0.0]])
    h, r, rounds = debtrank(w, np.array([0.5, 0.5]), np.array([0.4, 0.0]))
    # t=1: h_B = 0.4 (A inactive afterwards); t=2: A gets min(1, 0.4 + 0.4) = 0.8 from B.
    assert_allclose(h, [0.8, 0.4], atol=TOL)
    assert r == pytest.approx(0.5 * 0.4 + 0.5 * 0.4, abs=TOL)
    assert rounds == 2


# ---------------------------------------------------------------------------------------------
# an independent peer: the LP of Eisenberg–Noe (2001, Lemma 4) and Picard iteration
# ---------------------------------------------------------------------------------------------


def _lp_clearing(liab: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Maximise Σp s.t. 0 <= p <= pbar, p <= e + Πᵀp (its optimum is the greatest vector)."""
    pbar = liab.sum(axis=1)
    rel = np.divide(liab, pbar[:, None], out=np.zeros_like(liab), where=pbar[:, None] > 0)
    n = len(e)
    res = linprog(
        -np.ones(n),
        A_ub=np.eye(n) - rel.T,
        b_ub=e,
        bounds=list(zip(np.zeros(n), pbar, strict=True)),
        method="highs",
    )
    assert res.status == 0
    return np.asarray(res.x)


def _random_network(seed: int, n: int, density: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    liab = rng.uniform(0, 10, (n, n)) * (rng.uniform(size=(n, n)) < density)
    np.fill_diagonal(liab, 0.0)
    e = rng.uniform(0, 5, n) * (rng.uniform(size=n) < 0.7)
    return liab, e


@pytest.mark.parametrize("seed", range(12))
def test_en_matches_linear_programme(seed: int) -> None:
    liab, e = _random_network(seed, 4 + seed % 6, 0.5)
    p, _, _, _ = clear(liab, e)
    # HiGHS solves to ~1e-9 feasibility; compare at 1e-7 on amounts of order 10.
    assert_allclose(p, _lp_clearing(liab, e), atol=1e-7)


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------

networks = st.integers(0, 2**31 - 1).flatmap(
    lambda seed: st.tuples(st.just(seed), st.integers(2, 8), st.floats(0.2, 1.0))
)


@settings(max_examples=60, deadline=None)
@given(networks, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_clearing_properties(net: tuple[int, int, float], alpha: float, beta: float) -> None:
    liab, e = _random_network(*net)
    pbar = liab.sum(axis=1)
    p, d, rounds, _ = clear(liab, e, alpha=alpha, beta=beta)
    # bounds
    assert (p >= 0).all()
    assert (p <= pbar + 1e-12).all()
    # fixed point of the RV map (EN when alpha = beta = 1)
    rel = np.divide(liab, pbar[:, None], out=np.zeros_like(liab), where=pbar[:, None] > 0)
    inflow = rel.T @ p
    solvent = e + inflow >= pbar - 1e-9 * np.maximum(1, pbar)
    phi = np.where(solvent, pbar, alpha * e + beta * inflow)
    assert_allclose(p, np.minimum(pbar, phi), atol=1e-9)
    # conservation: everything paid is received by someone
    assert inflow.sum() == pytest.approx(p.sum(), rel=1e-12, abs=1e-12)
    # the default rounds are consistent with the payments
    assert ((d >= 0) == (p < pbar - 1e-12 * np.maximum(1, pbar))).all()
    assert rounds <= len(e) + 1


@settings(max_examples=40, deadline=None)
@given(networks, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_rv_greatest_below_en(net: tuple[int, int, float], alpha: float, beta: float) -> None:
    # The RV map is pointwise below the EN map and both are monotone, so (Tarski) the greatest
    # RV fixed point is below the greatest EN one; at alpha = beta = 1 RV is EN, checked here
    # against the LP peer.
    liab, e = _random_network(*net)
    p_en, _, _, _ = clear(liab, e)
    p_rv, _, _, _ = clear(liab, e, alpha=alpha, beta=beta)
    assert (p_rv <= p_en + 1e-9).all()
    assert_allclose(clear(liab, e, alpha=1.0, beta=1.0)[0], _lp_clearing(liab, e), atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(networks, st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_monotone_in_shock(net: tuple[int, int, float], f1: float, f2: float, cut: float) -> None:
    # A harsher payment shock (smaller cap) or less outside money never raises any payment.
    liab, e = _random_network(*net)
    pbar = liab.sum(axis=1)
    lo, hi = sorted((f1, f2))
    cap_lo, cap_hi = pbar.copy(), pbar.copy()
    cap_lo[0], cap_hi[0] = lo * pbar[0], hi * pbar[0]
    p_lo, _, _, _ = clear(liab, e, cap=cap_lo)
    p_hi, _, _, _ = clear(liab, e, cap=cap_hi)
    assert (p_lo <= p_hi + 1e-9).all()
    p_cut, _, _, _ = clear(liab, e * (1 - cut))
    assert (p_cut <= clear(liab, e)[0] + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(networks, st.floats(0.0, 1.0), st.randoms(use_true_random=False))
def test_invariant_to_node_order(net: tuple[int, int, float], alpha: float, r: object) -> None:
    liab, e = _random_network(*net)
    perm = np.arange(len(e))
    r.shuffle(perm)  # type: ignore[attr-defined]
    p, d, _, _ = clear(liab, e, alpha=alpha, beta=alpha)
    p_perm, d_perm, _, _ = clear(liab[np.ix_(perm, perm)], e[perm], alpha=alpha, beta=alpha)
    assert_allclose(p_perm, p[perm], atol=1e-9)
    assert (d_perm == d[perm]).all()


def test_batch_equals_single() -> None:
    liab, e = _random_network(3, 6, 0.6)
    rng = np.random.default_rng(0)
    externals = e[None, :] * rng.uniform(0, 2, (5, 6))
    caps = liab.sum(axis=1)[None, :] * rng.uniform(0.3, 1, (5, 6))
    p, d = clear_batch(liab, externals, caps, 0.7, 0.9)
    for k in range(5):
        pk, dk, _, _ = clear(liab, externals[k], caps[k], 0.7, 0.9)
        assert_allclose(p[k], pk, atol=0)
        assert (d[k] == dk).all()
