"""The documentation site: its build (warnings as errors, doctests, internal links) and checker."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "bubblescope.detect",
    "bubblescope.economy",
    "bubblescope.data",
    "bubblescope.analyses",
    "bubblescope.backtest",
    "bubblescope.scenario",
    "bubblescope.status",
    "bubblescope.result",
    "bubblescope.charts",
)

#: The gallery's examples and the figures each draws.
GALLERY = {
    "plot_nvda_bubble": 3,
    "plot_dotcom_three_ways": 3,
    "plot_gpu_lives": 3,
    "plot_openai_stress": 2,
    "plot_signal_backtests": 2,
    "plot_scenario_breaks": 1,
    "plot_cluster_scan": 2,
}

#: One concept page per method family of issue 19 (``docs/concepts/<page>.rst``).
CONCEPTS = (
    "psy",
    "monitoring",
    "lppls",
    "gsy",
    "gauge",
    "network",
    "depreciation",
    "gpu",
    "power",
    "valuation",
    "scenario",
    "backtest",
)


def _checker() -> object:
    spec = importlib.util.spec_from_file_location(
        "check_docs_links", ROOT / "scripts/check_docs_links.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_method_family_has_a_concept_page_in_the_toctree() -> None:
    index = (ROOT / "docs/concepts/index.rst").read_text()
    listed = re.findall(r"^   ([a-z_]+)$", index, re.MULTILINE)
    assert set(CONCEPTS) <= set(listed)
    for page in CONCEPTS:
        text = (ROOT / f"docs/concepts/{page}.rst").read_text()
        for section in ("What the tests check", "References"):
            assert f"\n{section}\n" in text, (page, section)


def test_link_check_finds_missing_pages_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="sub/page.html#here">ok</a> <a href="sub/page.html#gone">anchor</a>'
        ' <a href="missing.html">file</a> <a href="https://example.org/x.html">external</a>'
        ' <a href="#top">self</a> <img src="sub/fig.png"> <p id="top"></p>'
    )
    (tmp_path / "sub" / "page.html").write_text(
        '<h1 id="here">x</h1><a href="../index.html">up</a>'
    )
    (tmp_path / "sub" / "fig.png").write_bytes(b"png")
    problems, checked = _checker().broken_links(tmp_path)  # type: ignore[attr-defined]
    assert checked == 6  # the external link is not followed
    assert problems == [
        "index.html: sub/page.html#gone (no anchor #gone in page.html)",
        "index.html: missing.html (no file missing.html)",
    ]


def test_link_check_exit_codes(tmp_path: Path) -> None:
    script = str(ROOT / "scripts/check_docs_links.py")
    (tmp_path / "index.html").write_text('<a href="index.html">me</a>')
    ok = subprocess.run([sys.executable, script, str(tmp_path)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (tmp_path / "index.html").write_text('<a href="nope.html">x</a>')
    bad = subprocess.run([sys.executable, script, str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "nope.html" in bad.stdout
    empty = subprocess.run(
        [sys.executable, script, str(tmp_path / "none")], capture_output=True, text=True
    )
    assert empty.returncode == 2


@pytest.mark.docs
@pytest.mark.slow
def test_the_site_builds_without_warnings_and_its_doctests_and_links_pass(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("pydata_sphinx_theme")
    pytest.importorskip("sphinx_gallery")
    env = {**os.environ, "BUBBLESCOPE_DOCS_SETUP": "0", "BUBBLESCOPE_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        ["bash", str(ROOT / "scripts/build_docs.sh"), str(tmp_path / "build")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert re.search(r"^0 broken among \d{4,} internal links$", out.stderr, re.MULTILINE)
    if Path("/usr/bin/chromium").exists() and importlib.util.find_spec("playwright"):
        assert "docs in the browser: 0 problem(s)" in out.stderr
    doctests = (tmp_path / "build/doctest/output.txt").read_text()
    assert "0 failures in tests" in doctests
    total = re.search(r"^\s+(\d+) tests$", doctests, re.MULTILINE)
    assert total is not None
    assert int(total.group(1)) >= 40

    html = tmp_path / "build/html"
    for package in PACKAGES:
        assert (html / "api/generated" / f"{package}.html").exists(), package
    assert (html / "api/generated/bubblescope.detect.psy.html").exists()
    cli = (html / "cli.html").read_text()
    for command in ("bubblescope-psy", "bubblescope-data-update", "bubblescope-run-water"):
        assert f'id="cli-{command}"' in cli, command

    from bubblescope.data.bundled import load_datacard

    assert f"Shipped data version {load_datacard().version}" in (html / "data.html").read_text()
    for example, figures in GALLERY.items():
        gallery = (html / f"auto_examples/{example}.html").read_text()
        images = re.findall(rf'<img src="\.\./(_images/sphx_glr_{example}_\d+\.png)"', gallery)
        assert len(images) == figures, example
        assert all((html / image).stat().st_size > 10_000 for image in images)
        assert any((html / "_downloads").rglob(f"{example}.ipynb")), example  # a notebook
    for page in CONCEPTS:
        assert (html / f"concepts/{page}.html").exists(), page
    assert 'href="plot_nvda_bubble.html"' in (html / "auto_examples/index.html").read_text()
    assert 'href="auto_examples/index.html"' in (html / "index.html").read_text()


def test_the_readme_links_the_nvda_example_in_one_click() -> None:
    readme = (ROOT / "README.md").read_text()
    links = dict(re.findall(r"\[([^\]]+)\]\(([^)\s]+)\)", readme))
    target = links["Is NVDA in a bubble?"]
    assert (ROOT / target).is_file()
    first = (ROOT / target).read_text().split('"""')[1].strip().splitlines()[0]
    assert first == "Is NVDA in a bubble?"  # the gallery page's title


@pytest.mark.browser
def test_browser_check_finds_a_figure_that_is_not_drawn(tmp_path: Path) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium not found at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    from matplotlib.figure import Figure

    site = tmp_path / "html"
    (site / "auto_examples").mkdir(parents=True)
    links = "".join(
        f'<a href="{t}">x</a>'
        for t in ("auto_examples/index.html", "concepts/index.html", "data.html", "api/index.html")
    )
    (site / "index.html").write_text(f"<title>bubblescope</title>{links}")
    figure = Figure(figsize=(6, 3))
    figure.add_subplot().plot([0, 1], [1, 0])
    figure.savefig(site / "auto_examples/fig.png", dpi=100)
    images = '<img class="sphx-glr-single-img" src="fig.png">' * 2
    missing = '<img class="sphx-glr-single-img" src="gone.png">'
    (site / "auto_examples/plot_nvda_bubble.html").write_text(
        f"<h1>Is NVDA in a bubble?</h1>{images}{missing}"
    )
    _maths_page(site, _local_mathjax())
    problems = _browser_checker().check(site, tmp_path / "shots")
    assert problems == ["gallery: figure 3 not drawn (width 0 px)"]
    assert (tmp_path / "shots/docs_gallery_nvda.png").stat().st_size > 0
    assert (tmp_path / "shots/docs_concept_psy.png").stat().st_size > 0


def _browser_checker() -> Any:
    checker = importlib.util.spec_from_file_location(
        "check_docs_browser", ROOT / "scripts/check_docs_browser.py"
    )
    assert checker is not None
    assert checker.loader is not None
    module = importlib.util.module_from_spec(checker)
    checker.loader.exec_module(module)
    return module


def _local_mathjax() -> str:
    """The file URI of the MathJax that the docs extra ships (sphinx-mathjax-offline)."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        pytest.skip("sphinx-mathjax-offline not installed (the docs extra has it)")
    return (Path(spec.origin).parent / "static/mathjax/tex-chtml.js").as_uri()


def _maths_page(site: Path, mathjax: str) -> None:
    """A concept page as Sphinx writes maths: ``.math`` elements holding TeX in delimiters."""
    (site / "concepts").mkdir()
    (site / "concepts/psy.html").write_text(
        f'<script defer src="{mathjax}"></script><p>grows like '
        '<span class="math notranslate nohighlight">\\(y_t = \\rho y_{t-1}\\)</span></p>'
        '<div class="math notranslate nohighlight">\\[\\Delta y_t = \\alpha + \\beta y_{t-1}'
        "\\]</div>"
    )


@pytest.mark.browser
def test_browser_check_finds_maths_left_as_raw_tex(tmp_path: Path) -> None:
    """MathJax out of reach (a CDN offline): both formulas stay TeX, and the check says so."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium not found at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    site = tmp_path / "html"
    site.mkdir()
    _maths_page(site, (tmp_path / "gone/tex-chtml.js").as_uri())
    from playwright.sync_api import sync_playwright

    module = _browser_checker()
    module.MATHS_TIMEOUT_S = 2
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=module.CHROMIUM, headless=True, args=module.CHROMIUM_ARGS
        )
        problems = module._check_maths(browser.new_page(), site, tmp_path / "shots")
        browser.close()
    assert problems == [
        "concepts/psy.html: MathJax did not load within 2 s",
        "concepts/psy.html: 2 of 2 formulas not typeset",
        "concepts/psy.html: 2 raw TeX delimiters left in the text",
    ]
