"""Every page of every example kit's site/ is valid HTML and meets WCAG 2.1 AA as axe-core checks it."""

from __future__ import annotations

import pytest

from checkers import axe_violations, describe_violations, require_or_skip, vnu_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site_pages(kits):
    """{example name: sorted list of the HTML pages of its site/}; every kit must have some."""
    pages = {name: sorted((kit / "site").rglob("*.html")) for name, kit in kits.items()}
    empty = [name for name, found in pages.items() if not found]
    assert not empty, f"no HTML page in site/ of the kit(s): {', '.join(empty)}"
    return pages


def test_every_site_page_passes_the_nu_html_checker(kits, site_pages):
    require_or_skip("vnu")
    # One JVM for every kit's site: vnu walks each folder and skips CSS, images and the like.
    errors = vnu_errors([kit / "site" for kit in kits.values()])
    root = f"{next(iter(kits.values())).parent}/"
    shown = [error.removeprefix(root) for error in errors]
    assert not errors, f"{len(errors)} Nu HTML Checker error(s):\n" + "\n".join(shown)


def test_every_site_page_has_no_axe_violation(kits, site_pages):
    require_or_skip("axe")
    every_page = [page for pages in site_pages.values() for page in pages]
    results = axe_violations(every_page)
    assert len(results) == len(every_page)
    failing = {page: violations for page, violations in results.items() if violations}
    root = next(iter(kits.values())).parent.resolve()
    assert not failing, (
        f"axe-core violations on {len(failing)} of {len(every_page)} page(s):\n"
        + describe_violations(failing, root=root)
    )
