"""Scripts that generate the small coefficient modules shipped with :mod:`bubblescope.detect`."""
