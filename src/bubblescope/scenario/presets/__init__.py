"""Scenario presets shipped as YAML package data."""
