"""How a kind of collectivity names its governance, and the shape of its group and sites.

The words live in the packaged data file `data/collectivites.yaml`; this module only reads it (once)
and picks the entry of a collectivity.
"""

from __future__ import annotations

import functools

from transfogen.templating.parsed_yaml import load_yaml
from transfogen.templating.resources import package_file


@functools.cache
def _data() -> dict:
    return load_yaml(package_file("data/collectivites.yaml").read_text("utf-8"))


def governance(kind: str, department: str) -> dict:
    """{assemblee, assemblee_du, assemblee_au, executif, instance, partenaires} for a kind of collectivity."""
    data = _data()
    words = dict(data["kinds"].get(kind) or data["kinds"]["commune"])
    words.update((data.get("departments") or {}).get(department, {}).get(kind) or {})
    words["partenaires"] = list(words.get("partenaires") or [])
    return words


def small_group(ambassadors: int) -> bool:
    return ambassadors <= int(_data()["small_group"])


def towns(sites: tuple[str, ...], kind: str) -> list[str]:
    """The distinct towns the sites are in: what follows a site's last comma, or the site itself.

    All the sites of a commune are in one town, whatever they are called."""
    if kind == "commune":
        return [sites[0].rsplit(",", 1)[-1].strip()] if sites else []
    found: list[str] = []
    for site in sites:
        town = site.rsplit(",", 1)[-1].strip()
        if town and town not in found:
            found.append(town)
    return found
