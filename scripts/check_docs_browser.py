r"""Open the built docs in headless Chromium and check that their pages show what they should.

Usage: ``python scripts/check_docs_browser.py docs/_build/html [SCREENSHOT_DIR]``.

Opens the site's index from disk and checks it links the gallery, the concepts, the data page
and the API reference; opens the gallery page "Is NVDA in a bubble?" and checks that each of
its figures has loaded (a decoded image at least 300 px wide); opens every concept page that
holds maths and checks that MathJax, served from the site itself, typeset each formula (one
``mjx-container`` in every Sphinx ``.math`` element and no raw ``\(`` or ``\[`` left in the
page's text), so the formulas read offline; screenshots the index, the gallery page and the PSY
concept page into SCREENSHOT_DIR (default ``test-artifacts/docs``). Exits 0 when every check
passes, 1 with the failures listed, 2 when the site, Chromium (``/usr/bin/chromium``) or
Playwright is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
GALLERY_PAGE = "auto_examples/plot_nvda_bubble.html"
#: Pages the index must link, by their path in the site.
INDEX_LINKS = ("auto_examples/index.html", "concepts/index.html", "data.html", "api/index.html")
#: Figures of the gallery page ("Is NVDA in a bubble?": PSY, run-ups, drawdowns).
FIGURES = 3
#: The concept page that must hold maths, and is screenshotted (``docs_concept_psy.png``).
MATHS_PAGE = "concepts/psy.html"
#: Seconds MathJax may take to load and typeset a page.
MATHS_TIMEOUT_S = 15
#: Per page: Sphinx's maths elements, those without a typeset ``mjx-container``, and how many
#: raw TeX delimiters are left in the page's visible text.
_MATHS_STATE = r"""() => {
  const maths = Array.from(document.querySelectorAll(".math"));
  const text = document.body.innerText;
  return {
    maths: maths.length,
    untypeset: maths.filter(e => !e.querySelector("mjx-container")).length,
    raw: (text.match(/\\\(|\\\[/g) || []).length,
  };
}"""


def check(site: Path, shots: Path) -> list[str]:
    """The failed checks of ``site`` (empty when all pass); screenshots go to ``shots``."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto((site / "index.html").resolve().as_uri())
        title = page.title()
        if "bubblescope" not in title:
            problems.append(f"index: title {title!r} does not name bubblescope")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for target in INDEX_LINKS:
            uri = (site / target).resolve().as_uri()
            if not any(h.split("#")[0] == uri for h in hrefs):
                problems.append(f"index: no link to {target}")
        page.screenshot(path=str(shots / "docs_index.png"), full_page=True)

        page.goto((site / GALLERY_PAGE).resolve().as_uri())
        heading = page.locator("h1").first.inner_text()
        if "Is NVDA in a bubble?" not in heading:
            problems.append(f"gallery: heading {heading!r}")
        images = page.locator("img.sphx-glr-single-img")
        images.last.scroll_into_view_if_needed()
        page.wait_for_load_state("load")
        widths = images.evaluate_all(
            "els => els.map(e => (e.complete && e.naturalWidth) ? e.naturalWidth : 0)"
        )
        if len(widths) != FIGURES:
            problems.append(f"gallery: {len(widths)} figures, expected {FIGURES}")
        problems.extend(
            f"gallery: figure {i + 1} not drawn (width {w} px)"
            for i, w in enumerate(widths)
            if w < 300
        )
        page.screenshot(path=str(shots / "docs_gallery_nvda.png"), full_page=True)

        problems.extend(_check_maths(page, site, shots))
        browser.close()
    return problems


def _check_maths(page: Any, site: Path, shots: Path) -> list[str]:
    r"""The maths problems of the concept pages: every formula typeset by MathJax.

    A page whose MathJax does not load (a CDN out of reach offline) leaves its formulas as raw
    TeX between ``\(`` and ``\)``; that page is reported, as is a ``MATHS_PAGE`` without maths.
    """
    from playwright.sync_api import Error as PlaywrightError

    problems: list[str] = []
    pages = sorted((site / "concepts").glob("*.html"))
    if site / MATHS_PAGE not in pages:
        return [f"maths: {MATHS_PAGE} not built"]
    for path in pages:
        name = path.relative_to(site).as_posix()
        if 'class="math' not in path.read_text(encoding="utf-8"):
            if name == MATHS_PAGE:
                problems.append(f"{name}: no maths on the page")
            continue
        page.goto(path.resolve().as_uri())
        try:
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=MATHS_TIMEOUT_S * 1000,
            )
            page.evaluate("() => MathJax.startup.promise")
        except PlaywrightError:
            problems.append(f"{name}: MathJax did not load within {MATHS_TIMEOUT_S} s")
        state = page.evaluate(_MATHS_STATE)
        if state["untypeset"]:
            missing = f"{state['untypeset']} of {state['maths']}"
            problems.append(f"{name}: {missing} formulas not typeset")
        if state["raw"]:
            problems.append(f"{name}: {state['raw']} raw TeX delimiters left in the text")
        if name == MATHS_PAGE:
            page.screenshot(path=str(shots / "docs_concept_psy.png"), full_page=True)
    return problems


def main(argv: list[str]) -> int:
    """Check the site named on the command line."""
    if not 1 <= len(argv) <= 2:
        print("usage: check_docs_browser.py SITE_DIR [SCREENSHOT_DIR]", file=sys.stderr)
        return 2
    site = Path(argv[0])
    shots = Path(argv[1]) if len(argv) == 2 else Path("test-artifacts/docs")
    if not (site / GALLERY_PAGE).exists():
        print(f"{site} holds no built site with {GALLERY_PAGE}", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        print("playwright is not installed (the test extra has it)", file=sys.stderr)
        return 2
    problems = check(site, shots)
    for line in problems:
        print(line)
    print(
        f"docs in the browser: {len(problems)} problem(s); screenshots in {shots}", file=sys.stderr
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
