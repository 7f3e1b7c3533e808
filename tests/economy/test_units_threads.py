"""The unit registry is one object across threads (the web server looks units up in a pool)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

#: Eight threads released together ask for the registry and compare a unit across them, in a
#: fresh interpreter (where no registry exists yet).
_SCRIPT = textwrap.dedent(
    """
    import threading
    from bubblescope.economy import units

    barrier = threading.Barrier(8)
    ids, errors = [], []

    def first_use():
        barrier.wait()
        try:
            ids.append(id(units._registry()))
            units.unit("USD bn").dims
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(len(set(ids)), len(errors), errors[:1])
    """
)


def test_threads_share_one_registry_on_first_use() -> None:
    """Concurrent first use built one registry per thread (8 of 8 before the lock), and a unit
    of one compared with another's raised pint's "different registries" ValueError (a 500 when
    the dashboard's Firms tab asked for two analyses at once)."""
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split()[:2] == ["1", "0"], out.stdout + out.stderr
