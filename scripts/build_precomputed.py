"""Prepare, ahead of time, what every kit of a bundled template shares: its compiled Jinja.

    .venv/bin/python scripts/build_precomputed.py

Writes `src/transfogen/data/gabarits-compiles.json.xz` and `gabarits-compiles.<cache tag>.marshal.zlib`
(transfogen/templating/precompiled.py: run it with the Python whose compiled code you want shipped, the
project's oldest). Rerun it after changing a bundled template (`templates/transfo`, `templates/residence`),
`templating/precompiled.py` or the version of Jinja: `tests/test_precomputed.py` fails until then.
Nothing stale is ever used: each entry is found by the SHA-256 of exactly what it was made from, and each
file records the versions that made it.
It then runs scripts/build_parsed_yaml.py: the bundled files' YAML, parsed ahead of time
(`tests/test_parsed_yaml.py` fails while that is stale).
"""

from __future__ import annotations

import json
import lzma
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def write(relative: str, table: dict, count: int) -> None:
    text = json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    output = REPO / "src" / "transfogen" / relative
    output.write_bytes(lzma.compress(text.encode("utf-8"), preset=9))
    print(f"{output.relative_to(REPO)} : {count} entrées, {output.stat().st_size} octets")


def main() -> int:
    from transfogen.templating import precompiled
    from transfogen.templating.resources import bundled_template_dir

    roots = [bundled_template_dir(name) for name in precompiled.BUNDLED]
    compiled = precompiled.build_table(roots)
    write(precompiled.SOURCE_FILE, compiled, len(compiled["templates"]))
    for stale in (REPO / "src" / "transfogen" / "data").glob("gabarits-compiles.*.marshal.zlib"):
        stale.unlink()  # the code of one Python only: the others compile the source
    code = REPO / "src" / "transfogen" / precompiled.code_file()
    code.write_bytes(precompiled.build_code(compiled))
    print(f"{code.relative_to(REPO)} : {len(compiled['templates'])} entrées, {code.stat().st_size} octets")
    import build_parsed_yaml  # the bundled files' YAML, parsed ahead of time (a template changed: it too)

    return build_parsed_yaml.main()


if __name__ == "__main__":
    sys.exit(main())
