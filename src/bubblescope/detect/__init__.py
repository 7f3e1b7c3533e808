"""Bubble detection on market data: PSY exuberance tests, LPPLS, run-up crash odds."""
