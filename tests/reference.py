"""Files of ``../shared/data`` for the tests, without ``../shared/data``.

:class:`SharedFiles` hands a test a file that is byte for byte the file of the shared folder it
names, made from what the repository holds:

- a verbatim copy in ``tests/results/shared_data/`` (xz-compressed copies are decompressed);
- or a rebuild from the shipped dataset (:mod:`bubblescope.data.bundled`) for the files the
  dataset was built from: ``yahoo_dsturdy/<TICKER>.csv``, ``shiller/shiller_monthly_tidy.csv``
  and ``fred/NASDAQCOM_daily_1971-2026_combined.csv``.

Every file is checked against the SHA-256 of the original in
``tests/results/shared_data/SHA256SUMS`` before a test sees it, so a test reads exactly the bytes
its reference values were written against. ``tests/results/make_reference_copies.py`` makes the
copies and the list; ``tests/results/README.md`` names each file's origin and terms.
"""

from __future__ import annotations

import hashlib
import lzma
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
COPIES = RESULTS / "shared_data"
TRIMMED = RESULTS / "trimmed"
SPEC = RESULTS / "spec"


def recorded_sha256() -> dict[str, str]:
    """``relative path -> SHA-256`` of the shared originals (shared_data/SHA256SUMS)."""
    sums = {}
    for line in (COPIES / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        sums[rel] = digest
    return sums


def _dsturdy(symbol: str) -> bytes:
    from bubblescope.data.bundled import load_bundled

    frame = load_bundled(symbol)
    out = pd.DataFrame({"Date": frame.index.strftime("%Y-%m-%d"), "Close": frame["close"]})
    return out.to_csv(index=False, lineterminator="\n").encode()


def _shiller_tidy() -> bytes:
    from bubblescope.data.bundled import load_shiller

    table = load_shiller().reset_index()
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    return table.to_csv(index=False, lineterminator="\n", float_format="%.6g").encode()


def _nasdaq_combined() -> bytes:
    # PROVENANCE.md §4: the older FRED vintage (iandonaldson) before 2021-04-14, the newer one
    # (xinyuliu) from then on; the source column names which.
    from bubblescope.data.bundled import load_bundled

    frame = load_bundled("nasdaq")
    older = frame.index < pd.Timestamp("2021-04-14")
    out = pd.DataFrame(
        {
            "date": frame.index.strftime("%Y-%m-%d"),
            "NASDAQCOM": frame["close"].to_numpy(),
            "source": np.where(
                older,
                "FRED vintage 2025-06 (iandonaldson/AIMvNASDAQ)",
                "FRED vintage 2026-04 (XinyuLiu2403/acc102-macro-dashboard)",
            ),
        }
    )
    return out.to_csv(index=False, lineterminator="\n").encode()


def rebuilt_from_shipped(rel: str) -> bool:
    """Whether shared file ``rel`` is one the shipped dataset rebuilds (see :func:`rebuild`)."""
    folder, _, name = rel.partition("/")
    ticker_file = folder == "yahoo_dsturdy" and "/" not in name and name.endswith(".csv")
    return ticker_file or rel in (
        "shiller/shiller_monthly_tidy.csv",
        "fred/NASDAQCOM_daily_1971-2026_combined.csv",
    )


def rebuild(rel: str) -> bytes | None:
    """The bytes of shared file ``rel`` rebuilt from the shipped dataset, if it is one of them."""
    if not rebuilt_from_shipped(rel):
        return None
    if rel == "shiller/shiller_monthly_tidy.csv":
        return _shiller_tidy()
    if rel == "fred/NASDAQCOM_daily_1971-2026_combined.csv":
        return _nasdaq_combined()
    return _dsturdy(rel.split("/")[1].removesuffix(".csv"))


class SharedFiles:
    """Materialise shared files under ``root`` (same relative paths) on first request."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sums = recorded_sha256()

    def __call__(self, rel: str) -> Path:
        """Path of a file byte-identical to ``../shared/data/<rel>``."""
        target = self.root / rel
        if target.is_file():
            return target
        if rel not in self.sums:
            raise FileNotFoundError(
                f"{rel} is not in tests/results/shared_data/SHA256SUMS: add it to "
                "tests/results/make_reference_copies.py and rerun that script"
            )
        plain, packed = COPIES / rel, COPIES / f"{rel}.xz"
        if plain.is_file():
            content = plain.read_bytes()
        elif packed.is_file():
            content = lzma.decompress(packed.read_bytes())
        else:
            made = rebuild(rel)
            if made is None:
                raise FileNotFoundError(f"no copy of {rel} under {COPIES} and no rebuild for it")
            content = made
        digest = hashlib.sha256(content).hexdigest()
        if digest != self.sums[rel]:
            raise AssertionError(
                f"{rel}: SHA-256 {digest[:12]}... differs from the shared original's "
                f"{self.sums[rel][:12]}... (a changed copy, or a shipped dataset that no longer "
                "rebuilds it); rerun tests/results/make_reference_copies.py or review the change"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        return target

    def folder(self, rel_dir: str, names: list[str]) -> Path:
        """The folder ``rel_dir`` holding (at least) the files ``names``."""
        for name in names:
            self(f"{rel_dir}/{name}")
        return self.root / rel_dir
