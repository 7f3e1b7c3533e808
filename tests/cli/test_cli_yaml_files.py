"""A YAML file a user names that is missing, a folder, not UTF-8 or malformed: a typed error.

Each names the file (and the line and column of a syntax error), without a traceback: a
scenario file and the scenario's ranges and triggers files (an input error, exit code 2), and
``network show --file``'s commitments, YAML or CSV (a data error, exit code 3, as for a missing
commitments file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bubblescope import _yaml
from bubblescope.cli.main import app
from bubblescope.errors import DataError, InputError
from bubblescope.scenario.breaks import load_triggers
from bubblescope.scenario.sensitivity import load_ranges

MALFORMED = "a: [1, 2\nb: }\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    malformed = tmp_path / "malformed.yaml"
    malformed.write_text(MALFORMED, encoding="utf-8")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9\n".encode("latin-1"))
    control = tmp_path / "control.yaml"
    control.write_bytes(b"name: \x00\n")
    latin_csv = tmp_path / "latin.csv"
    latin_csv.write_bytes("id,source\n1,caf\xe9\n".encode("latin-1"))
    return {
        "missing": tmp_path / "missing.yaml",
        "folder": tmp_path,
        "latin": latin,
        "malformed": malformed,
        "control": control,
        "latin_csv": latin_csv,
    }


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("missing", "cannot read {p}: No such file or directory"),
        ("folder", "cannot read {p}: Is a directory"),
        ("latin", "cannot read {p}: 'utf-8' codec can't decode"),
        ("malformed", "{p}: not valid YAML: did not find expected ',' or ']' at line 2, column 2"),
        ("control", "{p}: not valid YAML: character #x0000 at position 7"),
    ],
)
def test_load_file_names_the_file_and_the_problem(
    files: dict[str, Path], kind: str, says: str
) -> None:
    p = files[kind]
    with pytest.raises(InputError) as err:
        _yaml.load_file(p)
    assert says.format(p=p) in str(err.value)
    with pytest.raises(DataError, match="cannot read|not valid YAML"):
        _yaml.load_file(p, DataError)


@pytest.mark.parametrize("reader", [load_ranges, load_triggers])
@pytest.mark.parametrize("kind", ["missing", "malformed"])
def test_scenario_file_readers_refuse_with_input_error(
    files: dict[str, Path], reader: object, kind: str
) -> None:
    with pytest.raises(InputError, match=str(files[kind].name)):
        reader(files[kind])  # type: ignore[operator]


def test_a_malformed_ranges_file_is_a_typed_cli_error(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))
    out = CliRunner().invoke(
        app, ["scenario", "sensitivity", "--ranges", str(files["malformed"]), "--paths", "100"]
    )
    assert out.exit_code == 2, out.output
    assert "not valid YAML" in out.output
    assert "line 2, column 2" in out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize("kind", ["malformed", "latin", "control", "latin_csv"])
def test_a_bad_commitments_file_is_a_typed_cli_error(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))
    out = CliRunner().invoke(app, ["network", "show", "--file", str(files[kind])])
    assert out.exit_code == 3, out.output
    assert files[kind].name in out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("latin", "cannot read the scenario file"),
        ("malformed", "not valid YAML: did not find expected ',' or ']' at line 2, column 2"),
        ("control", "not valid YAML: character #x0000 at position 7"),
    ],
)
def test_a_bad_scenario_file_is_a_typed_cli_error(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, says: str
) -> None:
    monkeypatch.setenv("BUBBLESCOPE_HOME", str(tmp_path / "home"))
    out = CliRunner().invoke(app, ["scenario", "run", str(files[kind]), "--paths", "100"])
    assert out.exit_code == 2, out.output
    assert says in " ".join(out.output.split())
    assert files[kind].name in out.output
    assert "Traceback" not in out.output
