"""Simulation for :mod:`bubblescope.detect`.

Scripts that generate the small coefficient modules shipped with the package, and
:mod:`~bubblescope.detect.simulation.evans`, the Evans (1991) periodically collapsing bubble on
which bubble tests and monitors are compared.
"""
