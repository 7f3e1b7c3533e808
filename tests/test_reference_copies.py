"""The reference files in tests/results agree with the shared data folder they were made from.

These are the only tests that read ``../shared`` itself (skipped where it is absent, as in a clean
clone): they catch a copy, a trimmed file or a recorded SHA-256 that no longer matches its
source, so the tests that read the copies keep testing what the shared files say.
"""

from __future__ import annotations

import hashlib
import lzma
from pathlib import Path

import pytest

from tests.reference import COPIES, SPEC, recorded_sha256
from tests.results.make_reference_copies import COMPRESS_ABOVE
from tests.results.make_reference_copies import main as make_reference_copies


def test_recorded_hashes_and_copies_match_the_shared_files(shared_data: Path) -> None:
    sums = recorded_sha256()
    assert sums, "tests/results/shared_data/SHA256SUMS is empty"
    for rel, digest in sums.items():
        original = (shared_data / rel).read_bytes()
        assert hashlib.sha256(original).hexdigest() == digest, rel
        plain, packed = COPIES / rel, COPIES / f"{rel}.xz"
        if plain.is_file():
            assert len(original) <= COMPRESS_ABOVE, rel
            assert plain.read_bytes() == original, rel
        elif packed.is_file():
            assert lzma.decompress(packed.read_bytes()) == original, rel
    for path in SPEC.iterdir():
        assert path.read_bytes() == (shared_data.parent / "spec" / path.name).read_bytes(), path


@pytest.mark.slow
def test_the_script_remakes_every_reference_file(shared_data: Path) -> None:
    """All of tests/results' copies, the trimmed SEC and Fama-French files and SHA256SUMS."""
    assert make_reference_copies(["--check", "--shared", str(shared_data.parent)]) == 0
