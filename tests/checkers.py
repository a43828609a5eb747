"""Check HTML the way its readers meet it: the Nu HTML Checker and axe-core in Debian's Chromium.

Helpers shared by tests (not a test module). Each checker starts once for a whole batch of pages:
one JVM for vnu, one Chromium for axe. Nothing here reaches the network.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from paths import REPO_ROOT

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("TRANSFOGEN_CHROMIUM", "/usr/bin/chromium"))
# As root, Chromium refuses to start without --no-sandbox; the rest keeps it offline and quiet.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REQUIRE_ENV = "TRANSFOGEN_REQUIRE_CHECKERS"


def _missing_playwright() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


def _missing_vnu() -> str | None:
    if shutil.which("java") is None:
        return "java is not on PATH (apt-get install default-jre-headless)"
    if not VNU_JAR.is_file():
        return f"{VNU_JAR.relative_to(REPO_ROOT)} is missing (npm ci)"
    return None


def _missing_axe() -> str | None:
    if not AXE_JS.is_file():
        return f"{AXE_JS.relative_to(REPO_ROOT)} is missing (npm ci)"
    return _missing_playwright()


_CHECKS = {"vnu": _missing_vnu, "axe": _missing_axe, "chromium": _missing_playwright}


def require_or_skip(what: str) -> None:
    """Skip the calling test when `what` is unavailable; fail instead when TRANSFOGEN_REQUIRE_CHECKERS=1.

    `what` is "vnu", "axe", "chromium", or the name of any program looked up on PATH
    (e.g. "soffice", "pdftotext"). CI sets the variable so that a missing checker cannot pass as a skip.
    """
    check = _CHECKS.get(what)
    if check is not None:
        reason = check()
    else:
        reason = None if shutil.which(what) else f"{what} is not on PATH"
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{what} is required ({REQUIRE_ENV}=1): {reason}", pytrace=False)
    pytest.skip(f"{what} unavailable: {reason}")


def _as_paths(paths_or_dir: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    if isinstance(paths_or_dir, (str, os.PathLike)):
        return [Path(paths_or_dir)]
    return [Path(p) for p in paths_or_dir]


def vnu_errors(paths_or_dir: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    """Nu HTML Checker errors for HTML files and folders, as "path:line:column: message" lines.

    One JVM checks everything given; non-HTML files in folders are skipped. An empty list means
    every page is valid. Checking nothing is refused, so a caller cannot pass by accident.
    """
    paths = _as_paths(paths_or_dir)
    if not paths:
        raise ValueError("vnu_errors: no file or folder to check")
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"vnu_errors: {path} does not exist")
    command = ["java", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json"]
    command += ["--stdout", "--exit-zero-always", *(str(p) for p in paths)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"vnu crashed (exit {run.returncode}): {run.stderr.strip()}")
    report = json.loads(run.stdout)
    errors = []
    for message in report["messages"]:
        # "non-document-error" means a file could not be read at all: that is a failure too.
        if message["type"] not in ("error", "non-document-error"):
            continue
        where = unquote(message.get("url", "?").removeprefix("file:"))
        if "lastLine" in message:
            line = message.get("firstLine", message["lastLine"])
            where += f":{line}:{message.get('firstColumn', message.get('lastColumn', 0))}"
        errors.append(f"{where}: {message['message']}")
    return errors


def _launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def _offline_context(browser, **options):
    # Pages come from file://; any other request would make a result depend on the network.
    context = browser.new_context(bypass_csp=True, **options)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    return context


def axe_violations(html_files: Iterable[str | os.PathLike], workers: int = 2) -> dict[Path, list[dict]]:
    """axe-core violations (WCAG 2.0/2.1 A and AA) for each page, keyed by its path.

    Every page given gets an entry, an empty list when it passes. Each violation is
    {"id", "impact", "help", "targets"}, targets being the CSS selectors of the failing nodes.
    One browser checks `workers` pages at a time (axe's work is mostly in the renderer processes,
    so two tabs keep two cores busy).
    """

    pages = [Path(p).resolve() for p in html_files]
    if not pages:
        raise ValueError("axe_violations: no page to check")
    for path in pages:
        if not path.is_file():
            raise FileNotFoundError(f"axe_violations: {path} does not exist")
    return asyncio.run(_axe_pages(pages, max(1, min(workers, len(pages)))))


async def _axe_pages(pages: list[Path], workers: int) -> dict[Path, list[dict]]:
    from playwright.async_api import async_playwright

    axe_source = AXE_JS.read_text(encoding="utf-8")
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results: dict[Path, list[dict]] = {}
    waiting = list(reversed(pages))

    async def check_in_one_tab(context) -> None:
        tab = await context.new_page()
        while waiting:
            path = waiting.pop()
            await tab.goto(path.as_uri(), wait_until="load")
            report = await tab.evaluate("options => axe.run(document, options)", options)
            results[path] = [
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    # A target is a list of selectors when the node sits in a frame or shadow root.
                    "targets": [" >>> ".join(map(str, node["target"])) for node in violation["nodes"]],
                }
                for violation in report["violations"]
            ]

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # Pages come from file://; any other request would make a result depend on the network.
            context = await browser.new_context(bypass_csp=True)
            await context.route(
                "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
            )
            # An init script puts axe in every page as it loads: measured 2.5 times faster than
            # add_script_tag(content=...), which ships the 650 kB script over the wire for each page.
            await context.add_init_script(axe_source)
            await asyncio.gather(*(check_in_one_tab(context) for _ in range(workers)))
        finally:
            await browser.close()
    return {path: results[path] for path in pages}


class _Skeleton(HTMLParser):
    """A page's markup without its words: tags, attributes (link targets reduced to present/absent), and
    where non-blank text stands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = sorted((name, bool(value) if name in ("href", "src") else value) for name, value in attrs)
        self.parts.append(f"<{tag} {shown}>")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if data.strip() and self.parts[-1:] != ["T"]:
            self.parts.append("T")


def same_markup_groups(html_files: Iterable[str | os.PathLike]) -> list[list[Path]]:
    """Pages grouped by markup skeleton, each group in the given order.

    Two pages of one group differ only in their words and link targets: the same elements, ids,
    classes, labels and roles in the same places, text where the other has text. axe-core's WCAG
    rules look at exactly that (plus the shared stylesheet), so one page speaks for its group.
    """
    groups: dict[str, list[Path]] = {}
    for path in map(Path, html_files):
        parser = _Skeleton()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        digest = hashlib.sha256("".join(parser.parts).encode()).hexdigest()
        groups.setdefault(digest, []).append(path)
    return list(groups.values())


def describe_violations(results: dict[Path, list[dict]], root: Path | None = None) -> str:
    """One readable line per failing node: page, rule, impact, target, and what the rule asks."""
    lines = []
    for path, violations in sorted(results.items()):
        shown = path.relative_to(root) if root and path.is_relative_to(root) else path
        for violation in violations:
            for target in violation["targets"]:
                lines.append(f"{shown}: {violation['id']} ({violation['impact']}) at {target}: {violation['help']}")
    return "\n".join(lines)


def screenshot(
    html_file: str | os.PathLike, png_path: str | os.PathLike, width: int = 1280, full_page: bool = True
) -> Path:
    """Render a page in Chromium and save it as a PNG; returns the PNG's path."""
    from playwright.sync_api import sync_playwright

    source, target = Path(html_file).resolve(), Path(png_path)
    if not source.is_file():
        raise FileNotFoundError(f"screenshot: {source} does not exist")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            page = _offline_context(browser, viewport={"width": width, "height": 800}).new_page()
            page.goto(source.as_uri(), wait_until="load")
            page.screenshot(path=str(target), full_page=full_page)
        finally:
            browser.close()
    return target
