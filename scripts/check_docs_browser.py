"""Open the built docs in headless Chromium and check that their pages show what they should.

Usage: ``python scripts/check_docs_browser.py docs/_build/html [SCREENSHOT_DIR]``.

Opens the site's index from disk and checks it links the gallery, the concepts, the data page
and the API reference; opens the gallery page "Is NVDA in a bubble?" and checks that each of
its figures has loaded (a decoded image at least 300 px wide); screenshots both pages into
SCREENSHOT_DIR (default ``test-artifacts/docs``). Exits 0 when every check passes, 1 with the
failures listed, 2 when the site, Chromium (``/usr/bin/chromium``) or Playwright is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
GALLERY_PAGE = "auto_examples/plot_nvda_bubble.html"
#: Pages the index must link, by their path in the site.
INDEX_LINKS = ("auto_examples/index.html", "concepts/index.html", "data.html", "api/index.html")
#: Figures of the gallery page ("Is NVDA in a bubble?": PSY, run-ups, drawdowns).
FIGURES = 3


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
        browser.close()
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
