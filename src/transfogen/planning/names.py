"""Names inside a French sentence, with the right article and its contractions.

A collectivity's name: « pour la Ville de Paris », « du Département du Nord », « à l'Eurométropole de
Strasbourg », « de Metz Métropole » (words are in data/articles.yaml). A case's object, written with
its own article: « la carte citoyenne » → « de la carte citoyenne », « les pieds d'arbres » → « des
pieds d'arbres », « aux pieds d'arbres ».
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from transfogen.templating.parsed_yaml import load_yaml
from transfogen.templating.resources import package_file

_VOWELS = set("aeiouyh")
# The article a phrase starts with: « le », « la », « les », or an elided « l' » (straight or curly).
_ARTICLE = re.compile(r"^(le|la|les|des) (?=\S)|^(l['’])(?=\S)", re.IGNORECASE)


@cache
def _words() -> dict[str, str]:
    text = package_file("data/articles.yaml").read_text(encoding="utf-8")
    data = load_yaml(text)
    return {word: gender for gender in ("feminine", "masculine") for word in data[gender]}


def _starts_with_vowel(text: str) -> bool:
    folded = unicodedata.normalize("NFKD", text[:1]).encode("ascii", "ignore").decode("ascii").lower()
    return folded in _VOWELS


def _forms(article: str, rest: str) -> dict[str, str]:
    """{"the", "of", "to"} of a noun preceded by `article` ("", "le", "la", "les", "des", "l'" or "l’")."""
    if article in ("l'", "l’"):
        return {"the": f"{article}{rest}", "of": f"de {article}{rest}", "to": f"à {article}{rest}"}
    if article == "la":
        return {"the": f"la {rest}", "of": f"de la {rest}", "to": f"à la {rest}"}
    if article == "le":
        return {"the": f"le {rest}", "of": f"du {rest}", "to": f"au {rest}"}
    if article == "les":
        return {"the": f"les {rest}", "of": f"des {rest}", "to": f"aux {rest}"}
    if article == "des":  # « de des » is not French: the partitive drops
        return {"the": f"des {rest}", "of": ("d'" if _starts_with_vowel(rest) else "de ") + rest, "to": f"à des {rest}"}
    # No article (a proper noun, « un », « son »…): « de » elides before a vowel, « à » stays.
    return {"the": rest, "of": ("d'" if _starts_with_vowel(rest) else "de ") + rest, "to": f"à {rest}"}


def phrase_forms(phrase: str) -> dict[str, str]:
    """{"the", "of", "to"} of a noun phrase written with its article: « les écogestes » gives
    « les écogestes », « des écogestes », « aux écogestes ». The article is lower-cased (it sits inside
    a sentence); the rest is kept as written."""
    phrase = phrase.strip()
    match = _ARTICLE.match(phrase)
    if match is None:
        return _forms("", phrase)
    article = (match[1] or match[2]).lower()
    return _forms(article, phrase[match.end() :])


def name_forms(name: str) -> dict[str, str]:
    """{"the_name", "of_name", "to_name"} of a collectivity's name, with the right article."""
    first = name.split(" ", 1)[0].split("-", 1)[0].lower()
    gender = _words().get(first)
    if gender is None:
        article = ""
    elif _starts_with_vowel(name):
        article = "l'"
    else:
        article = "la" if gender == "feminine" else "le"
    forms = _forms(article, name)
    return {"the_name": forms["the"], "of_name": forms["of"], "to_name": forms["to"]}
