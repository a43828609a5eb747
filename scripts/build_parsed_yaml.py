"""Parse, ahead of time, the YAML of the files shipped with transfogen (transfogen/templating/parsed_yaml.py).

    .venv/bin/python scripts/build_parsed_yaml.py

Writes `src/transfogen/data/yaml-lu.json` and `yaml-lu-gabarits.json` (the value of every YAML file of
the package's data and of the bundled templates) and `fiches-lues.json` (the front matter of every
bundled sheet that passes its checks), each value under its exact text, with the version of PyYAML and
the sheet schema they were read with. Rerun it after
changing one of these files (`scripts/build_precomputed.py` runs it too): `tests/test_parsed_yaml.py`
fails until then.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def build() -> dict[str, dict]:
    """The two stores: YAML files and sheets, each with what it was read with."""
    import yaml

    from transfogen.kit import sheets
    from transfogen.templating import parsed_yaml
    from transfogen.templating.resources import bundled_template_dir, package_file

    templates = bundled_template_dir().parent
    texts = sorted(package_file("data").glob("*.yaml")) + sorted(templates.glob("*/**/*.yaml"))
    values: list[dict] = [{}, {}]  # what every command reads, what making a kit reads (parsed_yaml.YAML_FILES)
    metas = {}
    for path in texts:
        text = path.read_text(encoding="utf-8")
        encoded = parsed_yaml.encode(yaml.load(text, Loader=parsed_yaml._Loader))
        if encoded is not None:
            everyone = path.parent.name == "data" or path.name in ("transfogen.yaml", "programme.yaml")
            values[0 if everyone else 1][text] = encoded
    for path in sorted(templates.glob("*/**/*.md")):
        text = path.read_text(encoding="utf-8-sig")
        sheet, errors = sheets._validate(text, str(path), lint=False)
        encoded = parsed_yaml.encode(sheet.meta) if sheet is not None and not errors else None
        if encoded is not None:
            metas[text] = encoded
    return {
        **{
            name: {"pyyaml": yaml.__version__, "schema": None, "entries": entries}
            for name, entries in zip(parsed_yaml.YAML_FILES, values, strict=True)
        },
        parsed_yaml.SHEETS_FILE: {"pyyaml": yaml.__version__, "schema": sheets.schema(), "entries": metas},
    }


def main() -> int:
    from transfogen.templating import parsed_yaml

    # Everything is read from the files themselves: the stores being written are not used meanwhile.
    parsed_yaml._store = lambda name: parsed_yaml.nothing_stored()
    for name, table in build().items():
        output = REPO / "src" / "transfogen" / name
        output.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"{output.relative_to(REPO)} : {len(table['entries'])} textes, {output.stat().st_size} octets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
