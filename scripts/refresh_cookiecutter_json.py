"""Rewrite a template's cookiecutter.json from its example profile.

Run after changing the planner, the context or a template's example:
    python scripts/refresh_cookiecutter_json.py [templates/transfo]
tests/test_kit.py fails while cookiecutter.json is out of date.
"""

import json
import sys
from pathlib import Path

import yaml

from transfogen.kit.build import cookiecutter_defaults

root = Path(sys.argv[1] if len(sys.argv) > 1 else "templates/transfo")
example = yaml.safe_load((root / "transfogen.yaml").read_text(encoding="utf-8"))["example"]
repo = Path(__file__).resolve().parent.parent
data = cookiecutter_defaults(root, repo / "examples" / f"{example}.yaml")
(root / "cookiecutter.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"{root / 'cookiecutter.json'} mis à jour depuis examples/{example}.yaml")
