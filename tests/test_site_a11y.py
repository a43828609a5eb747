"""Every HTML page of every example kit (its site/, its supports/ and the index.html at its root), and
of the residence template's kit, is valid HTML and meets WCAG 2.1 AA as axe-core checks it."""

from __future__ import annotations

import pytest

from checkers import axe_violations, describe_violations, require_or_skip, same_markup_groups, vnu_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def checked_kits(kits, tmp_path_factory):
    """The bundled examples' kits, and the residence template's kit of its own example."""
    from paths import EXAMPLES_DIR, TEMPLATES_DIR
    from transfogen.kit.build import generate_kit

    residence = tmp_path_factory.mktemp("residence") / "pays-de-mormal"
    generate_kit(EXAMPLES_DIR / "pays-de-mormal.yaml", residence, template_dir=TEMPLATES_DIR / "residence")
    return {**kits, "residence": residence}


@pytest.fixture(scope="module")
def site_pages(checked_kits):
    """{example name: sorted HTML pages of its kit}: site/ and the index.html people open first."""
    kits = checked_kits
    pages = {name: sorted(kit.rglob("*.html")) for name, kit in kits.items()}
    without_site = [name for name, kit in kits.items() if kit / "site" / "index.html" not in pages[name]]
    assert not without_site, f"no site/index.html in the kit(s): {', '.join(without_site)}"
    return pages


def test_every_site_page_passes_the_nu_html_checker(checked_kits, site_pages):
    require_or_skip("vnu")
    kits = checked_kits
    # One JVM for every kit: vnu walks each folder and skips Markdown, CSS, calendars and the like.
    errors = vnu_errors(list(kits.values()))
    root = f"{next(iter(kits.values())).parent}/"
    shown = [error.removeprefix(root) for error in errors]
    assert not errors, f"{len(errors)} Nu HTML Checker error(s):\n" + "\n".join(shown)


def test_every_site_page_has_no_axe_violation(checked_kits, site_pages):
    require_or_skip("axe")
    kits = checked_kits
    every_page = [page for pages in site_pages.values() for page in pages]
    # Most pages repeat another's markup with other words (a method sheet in seven kits, a session
    # built on the same model): axe checks one page per markup skeleton, two tabs at a time.
    groups = same_markup_groups(every_page)
    results = axe_violations([group[0] for group in groups])
    assert len(results) == len(groups) and len(groups) < len(every_page)
    failing = {page: violations for page, violations in results.items() if violations}
    root = next(iter(kits.values())).parent.resolve()
    assert not failing, (
        f"axe-core violations on {len(failing)} of {len(groups)} distinct page markups ({len(every_page)} pages):\n"
        + describe_violations(failing, root=root)
    )
