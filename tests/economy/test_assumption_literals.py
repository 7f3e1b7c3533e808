"""No numeric assumption literal in economy code: defaults live in economy/assumptions/*.yaml.

An AST scan of ``src/bubblescope/economy/**/*.py`` flags a number (int or float literal, a sign
included) that is

* passed as a value to a call that makes a model input (``assumption``, ``fact_part``,
  ``fact_number``, ``user_input``, ``Input``, ``AssumptionRow``) or constructs a class defined
  in the economy package (``Generation(...)``, ``RentalObservation(2023.0, ...)`` ...): an
  argument itself, or inside a tuple, list, dict, ``Q(...)``, ``float(...)``, ``x or 0.8``,
  ``a if c else 0.8`` there (not an operand of arithmetic such as ``last + 1``);
* in the value of a module-level UPPER_CASE constant (``_BOARD_POWER = {"H100": 700}``);
* a class attribute's default (``coverage: float = 0.1``, ``field(default=0.1)``).

Function parameter defaults are run settings (Monte Carlo draws, chunk sizes, the
Eisenberg–Noe α = β = 1, how many years of age a table shows) and are not scanned.
:data:`ALLOWED` lists the structural numbers that may stay, each with its reason; a power of ten
from a thousand up in a constant is a unit scale (thousand, million, billion) and may stay too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ECONOMY = Path(__file__).resolve().parents[2] / "src" / "bubblescope" / "economy"
INPUT_MAKERS = frozenset(
    {"assumption", "fact_part", "fact_number", "user_input", "Input", "AssumptionRow"}
)
UPPER = re.compile(r"_?[A-Z][A-Z0-9_]*")

#: (file relative to economy/, where: the constant, class attribute or function, the number)
#: -> why it may stay in code.
ALLOWED: dict[tuple[str, str, float], str] = {
    ("depreciation/schedule.py", "OFFSET", 0.5): (
        "definition of the half-year convention: a vintage enters service mid-year"
    ),
    ("depreciation/schedule.py", "OFFSET", 0.0): (
        "definition of the full-year convention: a vintage enters service at the year's start"
    ),
    ("_network_schedule.py", "parse_schedule", 1): "a lump sum or annual amount spans one year",
    ("_network_schedule.py", "parse_schedule", 0): "year 0 marks a deal whose date is unknown",
    ("_network_scenario.py", "MarketClosure attribute", 1.0): (
        "a scenario's own parameter (the user's shock): by default a closed market cuts all "
        "external funding"
    ),
    ("valuation.py", "_BRACKET", -0.95): (
        "root-finder bracket for the implied growth (-95% a year), a numerical setting"
    ),
    ("valuation.py", "_BRACKET", 5.0): (
        "root-finder bracket for the implied growth (+500% a year), a numerical setting"
    ),
    **{
        ("_network_plot.py", name, value): "chart layout (pixels, glyph width), not a model input"
        for name, value in (
            ("_NODE_FONT_PX", 12),
            ("_EDGE_FONT_PX", 10),
            ("_CHAR_W", 0.6),
            ("_NODE_R_PX", 9),
            ("_LABEL_GAP_PX", 5),
            ("_PATH_POINTS", 24),
        )
    },
}


@dataclass(frozen=True)
class Finding:
    """A numeric literal where an assumption could hide."""

    path: str
    where: str
    value: float
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.where} = {self.value!r}"


VALUE_CALLS = frozenset({"Q", "Quantity", "float", "int", "field"})


def _numbers(node: ast.AST) -> list[tuple[float, int]]:
    """Numeric literals in value position under ``node`` (sign folded in), with their lines."""
    if isinstance(node, ast.Constant):
        value = node.value
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [(value, node.lineno)] if ok else []
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        return [(sign * v, ln) for v, ln in _numbers(node.operand)]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        parts: list[ast.AST] = list(node.elts)
    elif isinstance(node, ast.Dict | ast.BoolOp):
        parts = [v for v in node.values if v is not None]
    elif isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.keyword):
        parts = [node.value]
    elif isinstance(node, ast.Call) and _callee(node) in VALUE_CALLS:
        parts = [*node.args, *node.keywords]
    else:
        return []
    return [found for part in parts for found in _numbers(part)]


def _unit_scale(value: float) -> bool:
    """A power of ten from a thousand up: a unit prefix or scale (k, M, G; mn, bn, tn)."""
    return value >= 1e3 and float(f"1e{len(str(int(value))) - 1}") == value


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _classes(trees: dict[str, ast.Module]) -> frozenset[str]:
    return frozenset(
        node.name
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    )


def scan(trees: dict[str, ast.Module]) -> list[Finding]:
    """Every flagged literal of the parsed modules (path relative to economy/ -> tree)."""
    makers = INPUT_MAKERS | _classes(trees)
    found: list[Finding] = []
    for path, tree in trees.items():
        # module-level UPPER_CASE constants
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign) and node.value is not None
                else []
            )
            names = [t.id for t in targets if isinstance(t, ast.Name) and UPPER.fullmatch(t.id)]
            if names and isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                found += [
                    Finding(path, names[0], v, ln)
                    for v, ln in _numbers(node.value)
                    if not _unit_scale(v)
                ]
        for node in ast.walk(tree):
            # class attribute defaults (dataclass fields)
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.AnnAssign | ast.Assign) and item.value is not None:
                        where = f"{node.name} attribute"
                        found += [Finding(path, where, v, ln) for v, ln in _numbers(item.value)]
            # inputs and economy objects built from literals
            if isinstance(node, ast.FunctionDef):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and _callee(call) in makers:
                        args = [*call.args, *(k.value for k in call.keywords)]
                        found += [
                            Finding(path, node.name, v, ln)
                            for arg in args
                            for v, ln in _numbers(arg)
                        ]
    unique = {(f.path, f.where, f.value, f.line): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.path, f.line))


def _parse_economy() -> dict[str, ast.Module]:
    return {
        p.relative_to(ECONOMY).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(ECONOMY.rglob("*.py"))
    }


def test_no_numeric_assumption_literal_in_economy_code() -> None:
    findings = scan(_parse_economy())
    unexplained = [f for f in findings if (f.path, f.where, f.value) not in ALLOWED]
    assert not unexplained, (
        "numeric literals in economy code: move each to a row of economy/assumptions/*.yaml "
        "(value, unit, fact or why), or, if structural, to ALLOWED with its reason:\n"
        + "\n".join(map(str, unexplained))
    )


def test_every_allowed_literal_is_still_there() -> None:
    seen = {(f.path, f.where, f.value) for f in scan(_parse_economy())}
    assert set(ALLOWED) <= seen, sorted(set(ALLOWED) - seen)


@pytest.mark.parametrize(
    "source",
    [
        'def f():\n    return assumption("PUE", 1.3, "1", "why")\n',
        'def f():\n    return fact_part("GPU-07", 700, "W/GPU", name="H100")\n',
        'def f():\n    return Input("x", Q(-22, "%"), "assumption", "why")\n',
        "_BOARD_POWER = {'H100': 700}\n",
        "class Buffer:\n    coverage: float = 0.1\n",
        "class Buffer:\n    coverage: float = field(default=0.1)\n",
        'class Gen:\n    pass\n\n\ndef f():\n    return Gen("H100", 2023.0)\n',
        'def f(util):\n    return Input("u", Q(util or 0.8, "1"), "assumption", "why")\n',
        "_HOURS_PER_YEAR = 8760.0\n",
    ],
)
def test_the_scan_finds_a_literal_put_back(source: str) -> None:
    assert scan({"model.py": ast.parse(source)}), source


def test_the_scan_leaves_structure_alone() -> None:
    source = (
        "def f(a, first, last):\n"
        "    x = np.zeros(3)\n"
        "    cap = Input('capex', Q(a.usd / 1e9, 'USD bn'), 'filing', 'SEC')\n"
        "    return round(a.input('pue').m_as('1'), 2), x[0] * 2, tuple(range(first, last + 1))\n"
        "_HINT = 'text'\n"
        "_SCALES = {'mn': 1e6, 'bn': 1e9}\n"
    )
    assert scan({"model.py": ast.parse(source)}) == []
