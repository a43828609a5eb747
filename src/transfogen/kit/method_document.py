"""A method sheet as the kit prints it: its front matter laid out as a readable Markdown document.

The template keeps the structured sheet (YAML front matter, validated, composed into sessions); the
kit's copy is meant for people, who open `methodes/*.md` in an editor or print it, so every field
becomes a sentence, a list or a table, in the order a facilitator reads them.
"""

from __future__ import annotations

from transfogen.kit.sheets import Sheet, schema
from transfogen.planning.fr import duree

BIBLIOGRAPHY = "../bibliographie.md"  # from methodes/<id>.md


def _cell(text: str) -> str:
    """A table cell on one line: a pipe would end the cell early."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _items(values: list[str], empty: str) -> list[str]:
    return [f"- {value}" for value in values] if values else [empty]


def method_markdown(sheet: Sheet) -> str:
    meta, names = sheet.meta, schema()
    group = meta["group"]
    facts = [
        ("Objectif", meta["purpose"]),
        ("Ce que l'atelier produit", meta["output"]),
        ("Durée", duree(meta["duration"])),
        ("Groupe", f"de {group['min']} à {group['max']} personnes"),
        ("Qui participe", ", ".join(sheet.labels("roles"))),
        ("Famille", names["families"][meta["family"]]),
        ("Phases", ", ".join(sheet.labels("phases"))),
    ]
    if meta.get("stages"):
        facts.append(("Étapes de cas", ", ".join(sheet.labels("stages"))))
    if meta.get("lab_topics"):
        facts.append(("Thèmes du labo", ", ".join(sheet.labels("lab_topics"))))
    lines = [f"# {meta['title']}", ""]
    lines += [f"- **{label} :** {value}" for label, value in facts]
    lines += ["", "## Avant l'atelier", ""]
    lines += _items(meta["prerequisites"], "Rien à préparer en dehors du matériel.")
    lines += ["", "## Matériel et lieu", ""]
    lines += _items(meta["materials"], "Aucun matériel particulier.")
    lines += ["", f"**Lieu :** {meta['place']}", "", "## Déroulé", ""]
    lines += ["| Début | Durée | Étape | Ce qui se passe |", "|---|---|---|---|"]
    elapsed = 0
    for step in meta["steps"]:
        start = f"{elapsed // 60}:{elapsed % 60:02d}"
        lines.append(f"| {start} | {duree(step['minutes'])} | {_cell(step['title'])} | {_cell(step['detail'])} |")
        elapsed += step["minutes"]
    lines += ["", f"Durée totale : {duree(elapsed)}.", "", "## Variantes", ""]
    lines += [f"- **{label} :** {meta['variants'][key]}" for key, label in names["variants"].items()]
    lines += ["", "## Points de vigilance", ""]
    lines += _items(meta["vigilance"], "Aucun.")
    lines += ["", "## À documenter", ""]
    lines += _items(meta["documentation"], "Rien de particulier.")
    lines += ["", "## Et ensuite", "", meta["next"], "", "## Sources", ""]
    lines += [f"{meta['source']} Leurs adresses sont dans la [bibliographie du kit]({BIBLIOGRAPHY}).", ""]
    return "\n".join(lines) + "\n" + sheet.body.strip("\n") + "\n"
