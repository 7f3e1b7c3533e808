"""Binary logit by Newton–Raphson (IRLS) with classical or cluster-robust standard errors.

A small, dependency-free estimator for the run-up crash model (no statsmodels/sklearn at run
time). Plain float64 arrays in, a frozen fit out.

References
----------
McCullagh, P. and Nelder, J. A. (1989), *Generalized Linear Models*, 2nd ed., ch. 4 (IRLS).
Cameron, A. C. and Miller, D. L. (2015), "A practitioner's guide to cluster-robust inference",
J. Human Resources 50(2):317–372 (the ``G/(G-1) (N-1)/(N-K)`` small-sample factor, as Stata and
statsmodels apply it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bubblescope._typing import Float64Array
from bubblescope.errors import ConvergenceError, InputError

__all__ = ["LogitFit", "fit_logit", "logistic"]


def logistic(z: Float64Array) -> Float64Array:
    """Return ``1 / (1 + exp(-z))`` without overflow."""
    z = np.asarray(z, dtype=np.float64)
    out: Float64Array = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


@dataclass(frozen=True, eq=False)
class LogitFit:
    """A fitted logit.

    Attributes
    ----------
    params, bse : numpy.ndarray
        Coefficients and their standard errors (order of the design's columns).
    cov : numpy.ndarray
        Covariance matrix of ``params`` (cluster-robust when clusters were given).
    nobs : int
    n_clusters : int or None
    loglike : float
    n_iter : int
    """

    params: Float64Array
    bse: Float64Array
    cov: Float64Array
    nobs: int
    n_clusters: int | None
    loglike: float
    n_iter: int


def fit_logit(
    X: Float64Array,
    y: Float64Array,
    *,
    clusters: npt.ArrayLike | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> LogitFit:
    """Maximum-likelihood logit by Newton–Raphson.

    Parameters
    ----------
    X : numpy.ndarray, shape (n, k)
        Design matrix (include a constant column yourself).
    y : numpy.ndarray, shape (n,)
        Outcomes in {0, 1}.
    clusters : array-like, shape (n,), optional
        Group labels for cluster-robust (sandwich) standard errors.
    tol : float
        Stop when the largest absolute Newton step is below ``tol``.
    max_iter : int

    Returns
    -------
    LogitFit

    Raises
    ------
    InputError
        Shapes disagree, non-finite values, outcomes other than 0/1, or a singular design.
    ConvergenceError
        No convergence in ``max_iter`` steps (e.g. perfect separation).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise InputError(f"logit: X must be (n, k) and y (n,), got {X.shape} and {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise InputError("logit: X and y must be finite")
    if not np.isin(y, (0.0, 1.0)).all():
        raise InputError("logit: outcomes must be 0 or 1")
    n, k = X.shape
    if n <= k or np.linalg.matrix_rank(X) < k:
        raise InputError(f"logit: design is singular or too small (n={n}, k={k})")
    beta = np.zeros(k)
    hessian = np.eye(k)
    n_iter = 0
    for _ in range(max_iter):
        n_iter += 1
        p = logistic(X @ beta)
        w = p * (1.0 - p)
        hessian = X.T @ (X * w[:, None])
        step = np.linalg.solve(hessian, X.T @ (y - p))
        beta = beta + step
        if np.max(np.abs(step)) < tol:
            break
    else:
        raise ConvergenceError(
            f"logit did not converge in {max_iter} Newton steps (separated data?)"
        )
    p = logistic(X @ beta)
    w = p * (1.0 - p)
    hessian = X.T @ (X * w[:, None])
    bread = np.linalg.inv(hessian)
    eps = 1e-300
    loglike = float(np.sum(y * np.log(p + eps) + (1.0 - y) * np.log(1.0 - p + eps)))
    n_clusters: int | None = None
    cov: Float64Array
    if clusters is None:
        cov = np.asarray(bread, dtype=np.float64)
    else:
        groups = np.asarray(clusters)
        if groups.shape != (n,):
            raise InputError(f"logit: clusters must have shape ({n},), got {groups.shape}")
        scores = X * (y - p)[:, None]
        labels, inverse = np.unique(groups, return_inverse=True)
        summed = np.zeros((len(labels), k))
        np.add.at(summed, inverse, scores)
        g = len(labels)
        if g < 2:
            raise InputError("logit: cluster-robust errors need at least two clusters")
        meat = summed.T @ summed
        factor = g / (g - 1.0) * (n - 1.0) / (n - k)
        cov = np.asarray(factor * bread @ meat @ bread, dtype=np.float64)
        n_clusters = g
    return LogitFit(
        params=beta,
        bse=np.sqrt(np.diag(cov)),
        cov=cov,
        nobs=n,
        n_clusters=n_clusters,
        loglike=loglike,
        n_iter=n_iter,
    )
