"""The results cache stays bounded: least recently used entries go first, stale temp files too."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblescope import cache


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty results cache that this process has not swept yet."""
    root = tmp_path / "results"
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(root))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    monkeypatch.delenv("BUBBLESCOPE_RESULTS_CACHE_MB", raising=False)
    monkeypatch.setattr(cache, "_unswept", None)
    return root


def _key(i: int) -> str:
    return f"{i:064x}"


def _entries(root: Path) -> dict[str, int]:
    """Every entry's ``namespace/key`` and size in bytes."""
    return {f"{p.parent.name}/{p.stem}": p.stat().st_size for p in root.glob("*/*.json")}


def _bound_for(monkeypatch: pytest.MonkeyPatch, n_bytes: float) -> None:
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE_MB", repr(n_bytes / (1024 * 1024)))


def test_the_least_recently_used_entry_goes_first_across_namespaces(
    results: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "SWEEP_FRACTION", 0.0)  # sweep at every write
    payload = {"x": "y" * 1000}
    cache.cached_json("backtest", _key(1), lambda: payload)
    cache.cached_json("lppls-dates", _key(2), lambda: payload)
    size = max(_entries(results).values())
    _bound_for(monkeypatch, 2.5 * size)  # two entries fit, three do not
    first, second = results / "backtest" / f"{_key(1)}.json", results / "lppls-dates"
    os.utime(first, (1_000_000, 1_000_000))
    os.utime(second / f"{_key(2)}.json", (2_000_000, 2_000_000))
    # A hit reads the stored value and makes the older entry the most recently used.
    assert cache.cached_json("backtest", _key(1), lambda: pytest.fail("recomputed")) == payload
    cache.cached_json("records", _key(3), lambda: payload)
    assert set(_entries(results)) == {f"backtest/{_key(1)}", f"records/{_key(3)}"}


def test_a_zero_bound_keeps_nothing(results: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE_MB", "0")
    assert cache.cached_json("ns", _key(1), lambda: [1.5]) == [1.5]
    assert _entries(results) == {}


@pytest.mark.parametrize("text", ["", "lots", "-5", "nan", "inf"])
def test_an_unusable_bound_falls_back_to_the_default(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE_MB", text)
    assert cache.max_bytes() == int(cache.DEFAULT_MAX_MB * 1024 * 1024)


def test_a_sweep_removes_stale_temp_files_and_leaves_other_files(
    results: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = results / "ns"
    folder.mkdir(parents=True)
    stale, fresh = folder / f".{_key(7)}.json.dead.tmp", folder / f".{_key(8)}.json.live.tmp"
    notes = folder / "README.txt"
    for path in (stale, fresh, notes):
        path.write_text("x")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    os.utime(notes, (old, old))
    cache.cached_json("ns", _key(1), lambda: 1)  # the process's first write sweeps
    assert not stale.exists()
    assert fresh.exists()
    assert notes.exists()


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(min_value=1, max_value=4000), min_size=1, max_size=60))
def test_the_cache_never_holds_more_than_the_bound_plus_one_sweep_interval(
    sizes: list[int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("results")
    bound = 20_000
    saved = {k: os.environ.get(k) for k in ("BUBBLESCOPE_RESULTS_CACHE", "BUBBLESCOPE_NO_CACHE")}
    saved_mb, saved_unswept = os.environ.get("BUBBLESCOPE_RESULTS_CACHE_MB"), cache._unswept
    try:
        os.environ["BUBBLESCOPE_RESULTS_CACHE"] = str(root)
        os.environ.pop("BUBBLESCOPE_NO_CACHE", None)
        os.environ["BUBBLESCOPE_RESULTS_CACHE_MB"] = repr(bound / (1024 * 1024))
        cache._unswept = None
        exact = cache.max_bytes()
        for i, n in enumerate(sizes):
            value = "v" * n
            assert cache.cached_json(f"ns{i % 3}", _key(i), lambda v=value: v) == value
            held = sum(_entries(root).values())
            newest = len(value) + 2  # the JSON string's quotes
            assert held <= exact + exact * cache.SWEEP_FRACTION + newest
            assert f"ns{i % 3}/{_key(i)}" in _entries(root)  # the entry just written stays
    finally:
        cache._unswept = saved_unswept
        for k, v in {**saved, "BUBBLESCOPE_RESULTS_CACHE_MB": saved_mb}.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
