"""Render the method pages of the bundled templates ahead of time (see transfogen/kit/method_pages.py).

    .venv/bin/python scripts/build_method_pages.py

Writes `src/transfogen/data/pages-methodes.json.xz`. Rerun it after changing a method sheet of a bundled
template, the Markdown configuration (kit/markup.py) or the version of markdown-it-py or mdit-py-plugins:
`tests/test_method_pages.py` fails until then (a stale page is never shown: its key no longer matches).
"""

from __future__ import annotations

import json
import lzma
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def main() -> int:
    from transfogen.kit.method_pages import BUNDLED, PAGES_FILE, build_pages
    from transfogen.templating.resources import bundled_template_dir

    table = build_pages([bundled_template_dir(name) for name in BUNDLED])
    text = json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    output = REPO / "src" / "transfogen" / PAGES_FILE
    output.write_bytes(lzma.compress(text.encode("utf-8"), preset=9))
    print(f"{output.relative_to(REPO)} : {len(table['pages'])} pages, {output.stat().st_size} octets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
