"""A collectivity's name inside a French sentence: « pour la Ville de Paris », « du Département du
Nord », « à l'Eurométropole de Strasbourg », « de Metz Métropole ». Words are in data/articles.yaml."""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

import yaml

_VOWELS = set("aeiouyh")


@cache
def _words() -> dict[str, str]:
    text = resources.files("transfogen").joinpath("data/articles.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {word: gender for gender in ("feminine", "masculine") for word in data[gender]}


def _starts_with_vowel(text: str) -> bool:
    folded = unicodedata.normalize("NFKD", text[:1]).encode("ascii", "ignore").decode("ascii").lower()
    return folded in _VOWELS


def name_forms(name: str) -> dict[str, str]:
    """{"the_name", "of_name", "to_name"} of a collectivity's name, with the right article."""
    first = name.split(" ", 1)[0].split("-", 1)[0].lower()
    gender = _words().get(first)
    if gender is None:
        of = ("d'" if _starts_with_vowel(name) else "de ") + name
        return {"the_name": name, "of_name": of, "to_name": f"à {name}"}
    if _starts_with_vowel(name):
        return {"the_name": f"l'{name}", "of_name": f"de l'{name}", "to_name": f"à l'{name}"}
    if gender == "feminine":
        return {"the_name": f"la {name}", "of_name": f"de la {name}", "to_name": f"à la {name}"}
    return {"the_name": f"le {name}", "of_name": f"du {name}", "to_name": f"au {name}"}
