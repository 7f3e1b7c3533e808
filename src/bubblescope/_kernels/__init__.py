"""Numerical kernels on plain float64 arrays (numba on CPU, JAX on GPU): no pandas, no I/O."""
