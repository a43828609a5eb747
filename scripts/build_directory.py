"""Regenerate transfogen's built-in list of French collectivities from Etalab's open data.

    npm ci && python scripts/build_directory.py

Reads `node_modules/@etalab/decoupage-administratif/data/` (the npm package pinned in package.json and
package-lock.json, MIT licence) and writes `src/transfogen/data/collectivites.json.xz`: regions,
departments, current communes (INSEE code, name, population) and EPCIs (SIREN, name, type, population,
member communes), with the package's name and version. The commune's department is the first two
characters of its code (three overseas), so it is not stored. The output (xz, which keeps no timestamp) is byte-identical
for the same input, so a regeneration that changes nothing leaves git quiet.
"""

from __future__ import annotations

import json
import lzma
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "node_modules" / "@etalab" / "decoupage-administratif"
OUTPUT = REPO / "src" / "transfogen" / "data" / "collectivites.json.xz"


def build(package: Path) -> dict:
    def load(name: str) -> list[dict]:
        return json.loads((package / "data" / name).read_text(encoding="utf-8"))

    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    regions = sorted(load("regions.json"), key=lambda r: r["code"])
    departments = sorted(load("departements.json"), key=lambda d: d["code"])
    communes = sorted((c for c in load("communes.json") if c["type"] == "commune-actuelle"), key=lambda c: c["code"])
    epcis = sorted(load("epci.json"), key=lambda e: e["code"])
    return {
        "source": f"{meta['name']} {meta['version']}",
        "licence": meta.get("license", ""),
        # [code, name, chef-lieu commune]
        "regions": [[r["code"], r["nom"], r["chefLieu"]] for r in regions],
        # [code, name, region, zone (metro, drom, com), chef-lieu commune]
        "departments": [[d["code"], d["nom"], d["region"], d["zone"], d["chefLieu"]] for d in departments],
        # [INSEE code, name, population (0 when the source gives none)]
        "communes": [[c["code"], c["nom"], c.get("population", 0)] for c in communes],
        # [SIREN, name, type (CC, CA, CU, METRO, MET69), population, [member INSEE codes]]
        "epcis": [
            [e["code"], e["nom"], e["type"], e.get("populationTotale", 0), sorted(m["code"] for m in e["membres"])]
            for e in epcis
        ],
    }


def main() -> int:
    if not (PACKAGE / "data" / "communes.json").is_file():
        print(f"Erreur : {PACKAGE} introuvable : lancez d'abord « npm ci »", file=sys.stderr)
        return 1
    data = build(PACKAGE)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    OUTPUT.write_bytes(lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
    print(
        f"{OUTPUT.relative_to(REPO)} : {len(data['communes'])} communes, {len(data['epcis'])} EPCI, "
        f"{len(data['departments'])} départements, {len(data['regions'])} régions ({data['source']}), "
        f"{OUTPUT.stat().st_size // 1024} Kio"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
