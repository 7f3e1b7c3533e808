"""The critical-value cache never fails a run and stays bounded (issue 20)."""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bubblescope.detect.critical_values import MonteCarloCV, _cache


def _folder(home: Path) -> Path:
    return home / "cache" / "psy_cv"


def _entries(home: Path) -> list[Path]:
    folder = _folder(home)
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _compute(T: int = 50, rng: int = 3) -> np.ndarray:
    return MonteCarloCV(reps=40, rng=rng).compute(np.zeros(T), minw=10, lag=0).bsadf


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "missing-array"])
def test_a_corrupt_entry_is_deleted_and_recomputed(store_home: Path, damage: str) -> None:
    fresh = _compute()
    (entry,) = _entries(store_home)
    if damage == "truncate":
        entry.write_bytes(entry.read_bytes()[:200])
    elif damage == "garbage":
        entry.write_bytes(b"not a zip file at all")
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        with zipfile.ZipFile(entry, "w") as z:
            z.writestr("meta.npy", b"")
    assert _cache.load(entry.stem) is None
    assert not entry.exists()  # deleted, not tripped over on every later run
    np.testing.assert_array_equal(_compute(), fresh)
    assert _cache.load(entry.stem) is not None  # rewritten whole


def test_a_read_only_or_missing_folder_only_forgets(store_home: Path) -> None:
    fresh = _compute()
    for entry in _entries(store_home):
        entry.unlink()
    _folder(store_home).rmdir()
    _folder(store_home).write_text("a file where the folder should be")  # mkdir fails
    np.testing.assert_array_equal(_compute(), fresh)


def test_a_full_disk_only_forgets_and_leaves_no_temp_file(
    store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(file: object, *args: object, **kwargs: object) -> None:
        Path(str(file)).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", full)
    _compute()
    assert _entries(store_home) == []


def test_least_recently_used_entries_are_evicted_past_the_bound(
    store_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _compute(T=50)
    (first,) = _entries(store_home)
    size = first.stat().st_size
    monkeypatch.setenv("BUBBLESCOPE_CV_CACHE_MB", str(2.5 * size / (1024 * 1024)))
    _compute(T=51)
    second = next(e for e in _entries(store_home) if e != first)
    os.utime(first, (1_000_000, 1_000_000))  # first is older than second ...
    os.utime(second, (2_000_000, 2_000_000))
    assert _cache.load(first.stem) is not None  # ... until a hit makes it the most recent
    _compute(T=52)  # a third entry: the bound holds two
    left = _entries(store_home)
    assert len(left) == 2
    assert first in left
    assert second not in left


def test_a_zero_bound_keeps_nothing(store_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLESCOPE_CV_CACHE_MB", "0")
    _compute()
    assert _entries(store_home) == []


def test_results_cache_deletes_a_corrupt_entry_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bubblescope.cache import cached_json

    monkeypatch.setenv("BUBBLESCOPE_RESULTS_CACHE", str(tmp_path / "results"))
    monkeypatch.delenv("BUBBLESCOPE_NO_CACHE", raising=False)
    key = "0" * 64
    assert cached_json("ns", key, lambda: {"x": 1.5}) == {"x": 1.5}
    entry = tmp_path / "results" / "ns" / f"{key}.json"
    entry.write_text('{"x": 1.')  # a truncated entry
    real_replace = os.replace

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    assert cached_json("ns", key, lambda: {"x": 2.5}) == {"x": 2.5}
    assert sorted(p.name for p in entry.parent.iterdir()) == []  # corrupt entry and temp gone
    monkeypatch.setattr(os, "replace", real_replace)
    assert cached_json("ns", key, lambda: {"x": 3.5}) == {"x": 3.5}
    assert cached_json("ns", key, lambda: {"x": 4.5}) == {"x": 3.5}


def test_cusum_constants_cache_is_best_effort(store_home: Path) -> None:
    from bubblescope.detect.critical_values.cusum import CUSUMCV

    method = CUSUMCV(reps=40, rng=5)
    fresh = method.compute(30, 60)
    (entry,) = (store_home / "cache" / "cusum_cv").iterdir()
    entry.write_text('{"b": [1.0')  # truncated
    np.testing.assert_array_equal(method.compute(30, 60), fresh)
    for item in (store_home / "cache" / "cusum_cv").iterdir():
        item.unlink()
    (store_home / "cache" / "cusum_cv").rmdir()
    (store_home / "cache" / "cusum_cv").write_text("not a folder")  # cannot be written
    np.testing.assert_array_equal(method.compute(30, 60), fresh)


def test_cv_cached_says_what_psy_will_read_from_disk(store_home: Path) -> None:
    # the status page's cost estimate leaves out simulations cv_cached reports: it must name
    # exactly the entry psy() reads, for each window convention and lag
    from bubblescope.detect.exuberance import cv_cached, psy

    y = np.cumsum(np.random.default_rng(7).normal(size=120))
    cv = MonteCarloCV(reps=20, rng=3)
    for window, lag in (("psy", 0), ("exuber", 1)):
        assert not cv_cached(120, lag=lag, window=window, cv=cv)
        psy(y, lag=lag, window=window, cv=cv)
        assert cv_cached(120, lag=lag, window=window, cv=cv)
    assert not cv_cached(121, lag=0, window="psy", cv=cv)  # another length
    assert not cv_cached(120, lag=0, window="psy", cv=MonteCarloCV(reps=21, rng=3))
    assert not cv_cached(120, lag=0, window="psy", cv=MonteCarloCV(reps=20, rng=4))
    assert not cv_cached(120, lag=0, window="psy", cv=MonteCarloCV(reps=20, rng=3, cache=False))
    assert not cv_cached(120, lag=0, window="psy", cv=MonteCarloCV(reps=20))  # no seed
    assert not cv_cached(10, lag=0, window=50, cv=cv)  # a window psy would refuse
    bic = MonteCarloCV(reps=20, rng=3, lag_selection="bic")  # its own entry, lag selected
    assert not bic.is_cached(120, minw=30, lag=1)
    bic.compute(np.zeros(120), minw=30, lag=1)
    assert bic.is_cached(120, minw=30, lag=1)
    assert not cv.is_cached(120, minw=30, lag=1)
