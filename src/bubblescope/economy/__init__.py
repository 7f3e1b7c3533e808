"""Models of the AI economy: financing network, depreciation, GPU economics, power, valuation."""
