"""Data layer: validation, loaders, the embedded store and the sourced fact base."""
