"""Scripts that produced the response-surface coefficients (run by hand, not at import)."""
