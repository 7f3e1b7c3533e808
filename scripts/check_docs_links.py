"""Check every internal link of a built HTML site: the target file exists and so does its anchor.

Usage: ``python scripts/check_docs_links.py docs/_build/html``. Links that leave the site
(``http:``, ``https:``, ``mailto:``, ``data:``, ``javascript:``) are not followed: the build must
pass offline. Exits 1 and lists each broken link as ``page: href (reason)``.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http", "https", "mailto", "data", "javascript", "ftp")
#: The attributes that link, by tag.
LINKS = {("href", "a"), ("href", "link"), ("href", "area")} | {
    ("src", tag) for tag in ("img", "script", "iframe", "source")
}


class _Page(HTMLParser):
    """The ids a page defines and the links (href and src) it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value is None:
                continue
            if key in ("id", "name"):
                self.ids.add(value)
            elif (key, tag) in LINKS:
                self.links.append(value)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def broken_links(site: Path) -> tuple[list[str], int]:
    """Every internal link of the site's pages that points at nothing, and the links checked.

    The pages are the HTML files under ``site`` except the theme's templates in ``_static``.
    """
    site = site.resolve()
    pages = {
        p.resolve(): _parse(p)
        for p in sorted(site.rglob("*.html"))
        if "_static" not in p.relative_to(site).parts
    }
    problems = []
    checked = 0
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in EXTERNAL or parts.netloc or link.startswith("//"):
                continue
            checked += 1
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            name = path.relative_to(site)
            if not target.exists():
                problems.append(f"{name}: {link} (no file {target.name})")
                continue
            anchor = unquote(parts.fragment)
            if anchor and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if anchor not in ids:
                    problems.append(f"{name}: {link} (no anchor #{anchor} in {target.name})")
    return problems, checked


def main(argv: list[str]) -> int:
    """Check the site named on the command line; print each broken link."""
    if len(argv) != 1:
        print("usage: check_docs_links.py SITE_DIR", file=sys.stderr)
        return 2
    site = Path(argv[0])
    if not (site / "index.html").exists():
        print(f"{site} holds no built site (no index.html)", file=sys.stderr)
        return 2
    problems, checked = broken_links(site)
    for line in problems:
        print(line)
    print(f"{len(problems)} broken among {checked} internal links", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
