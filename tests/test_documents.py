"""The kit speaks to its users: no trace of how it was written, public sources cited by title,
method sheets laid out as documents, correct French around the collectivity's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transfogen.kit.sheets import load_sheet
from transfogen.planning.names import name_forms

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Section numbers, bracketed source numbers and the research brief's name: the kit's authors' notes.
INTERNAL_REFERENCE = re.compile(r"dossier de domaine|§ ?[0-9]+\.[0-9]|sources? \[[0-9]+\]", re.IGNORECASE)
TEXT_SUFFIXES = {".md", ".html", ".csv", ".ics", ".svg", ".css", ".json", ".yaml"}
CITED_TITLE = re.compile(r"« ([^»]+) »")


def _bundled_templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.iterdir() if (path / "methodes").is_dir())


def test_no_kit_file_of_any_example_carries_an_internal_reference(kits):
    for name, kit in kits.items():
        for path in sorted(kit.rglob("*")):
            if path.suffix not in TEXT_SUFFIXES or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            found = INTERNAL_REFERENCE.search(text)
            assert not found, f"{name}: {path.relative_to(kit)}: « {found.group(0)} »"


@pytest.mark.parametrize("template", _bundled_templates(), ids=lambda path: path.name)
def test_no_template_file_carries_an_internal_reference(template):
    for path in sorted(template.rglob("*")):
        if path.is_file() and path.suffix in {".md", ".yaml", ".json"}:
            found = INTERNAL_REFERENCE.search(path.read_text(encoding="utf-8"))
            assert not found, f"{path.relative_to(TEMPLATES)}: « {found.group(0)} »"


@pytest.mark.parametrize("template", _bundled_templates(), ids=lambda path: path.name)
def test_every_method_cites_public_sources_listed_in_the_bibliography(template):
    bibliography = (template / "{{cookiecutter.slug}}" / "bibliographie.md").read_text(encoding="utf-8")
    for path in sorted((template / "methodes").glob("*.md")):
        source = load_sheet(path).meta["source"]
        titles = CITED_TITLE.findall(source.split("À lire :", 1)[-1])
        assert titles, f"{path.name}: la source ne cite aucun document public par son titre"
        for title in titles:
            assert f"« {title} »" in bibliography, f"{path.name}: « {title} » absent de la bibliographie"


def test_method_sheets_in_the_kit_read_as_documents(kits):
    kit = kits["paris"]
    sheet = (kit / "methodes" / "videocagette.md").read_text(encoding="utf-8")
    template = load_sheet(TEMPLATES / "transfo" / "methodes" / "videocagette.md")
    assert sheet.startswith("# Vidéocagette\n") and "\n---\n" not in sheet
    assert f"- **Objectif :** {template.meta['purpose']}" in sheet
    for heading in ("## Avant l'atelier", "## Matériel et lieu", "## Déroulé", "## Variantes", "## Sources"):
        assert heading in sheet
    for step in template.meta["steps"]:
        assert f"| {step['title']} |" in sheet
    assert "[bibliographie du kit](../bibliographie.md)" in sheet
    assert (kit / "bibliographie.md").is_file() and (kit / "site" / "bibliographie.html").is_file()


def test_the_videocagette_films_paper_laid_flat_not_actors():
    sheet = load_sheet(TEMPLATES / "transfo" / "methodes" / "videocagette.md")
    text = str(sheet.meta).lower()
    assert "à plat" in text and "smartphone" in text and "découpages" in text
    assert "acteur" not in text and "cadreur" not in text


@pytest.mark.parametrize(
    ("name", "the", "of"),
    [
        ("Ville de Paris", "la Ville de Paris", "de la Ville de Paris"),
        ("Eurométropole de Strasbourg", "l'Eurométropole de Strasbourg", "de l'Eurométropole de Strasbourg"),
        ("Département du Nord", "le Département du Nord", "du Département du Nord"),
        ("Metz Métropole", "Metz Métropole", "de Metz Métropole"),
        ("Orléans Métropole", "Orléans Métropole", "d'Orléans Métropole"),
    ],
)
def test_a_collectivity_name_takes_its_article(name, the, of):
    forms = name_forms(name)
    assert (forms["the_name"], forms["of_name"]) == (the, of)


def test_footers_and_titles_speak_correct_french(kits):
    site = kits["paris"] / "site"
    page = (site / "programme.html").read_text(encoding="utf-8")
    assert "pour la Ville de Paris.</p>" in page and "pour Ville de Paris" not in page
    for path in site.rglob("*.html"):
        title = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8")).group(1)
        assert title.count("Ville de Paris") <= 1, f"{path.name}: {title}"


# --- the documents and canvases a programme needs ---------------------------------------------

LINK = re.compile(r"\]\((?!https?:|#)([^)#\s]+)(?:#[^)]*)?\)")
# What sessions and methods name in words, and the kit file that must be linked where it is named.
NAMED = {
    "formulaire de consentement": "documents/formulaire-de-consentement.md",
    "formulaires de consentement": "documents/formulaire-de-consentement.md",
    "notice d'information": "documents/notice-d-information.md",
    "grille d'observation d'animation": "supports/grille-d-animation.html",
    "grille d'observation": "supports/grille-d-observation.html",
    "grilles d'observation": "supports/grille-d-observation.html",
    "protocole de test": "documents/protocole-de-test.md",
    "storyboard": "supports/storyboard-videocagette.html",
}
CANVASES = {
    "carte-des-enjeux": "supports/carte-des-enjeux.html",
    "parcours-usager": "supports/parcours-usager.html",
    "carte-des-representations": "supports/carte-des-representations.html",
    "cartes-martyres": "supports/cartes-martyres.html",
    "observation-de-terrain": "supports/grille-d-observation.html",
    "videocagette": "supports/storyboard-videocagette.html",
    "carte-du-labo": "supports/carte-du-labo.html",
    "ouverture-journee": "supports/meteo.html",
    "trombinoscope": "supports/trombinoscope.html",
    "transmission-facilitation": "supports/grille-d-animation.html",
}
DOCUMENTS = (
    "notice-d-information",
    "formulaire-de-consentement",
    "registre-des-traitements",
    "guide-d-entretien",
    "protocole-de-test",
    "compte-rendu-de-test",
    "note-engagement-des-residents",
    "budget-previsionnel",
    "cadre-d-evaluation",
    "registre-des-risques",
    "plan-de-communication",
    "note-aux-encadrants",
    "plan-d-apres-programme",
    "convention-de-partenariat",
    "appel-a-ambassadeurs",
)


def _markdown_files(kit: Path) -> list[Path]:
    return sorted(p for p in kit.rglob("*.md") if p.relative_to(kit).parts[0] not in ("site", ".transfogen"))


def test_every_link_between_kit_files_reaches_a_file(kits):
    for name, kit in kits.items():
        for path in _markdown_files(kit):
            for target in LINK.findall(path.read_text(encoding="utf-8")):
                assert (path.parent / target).resolve().is_file(), f"{name}: {path.relative_to(kit)} → {target}"


def test_what_a_sheet_names_is_in_the_kit_and_linked_there(kits):
    for name, kit in kits.items():
        sheets = [*sorted((kit / "seances").glob("*.md")), *sorted((kit / "methodes").glob("*.md"))]
        for path in sheets:
            text = path.read_text(encoding="utf-8")
            for words, target in NAMED.items():
                # "grille d'observation d'animation" names its own canvas, not the field grid.
                if re.search(re.escape(words) + r"(?! d'animation)", text.lower()):
                    assert (kit / target).is_file(), f"{name}: {target} manque"
                    assert f"](../{target})" in text, f"{name}: {path.relative_to(kit)} cite « {words} » sans lien"


def test_every_method_that_calls_for_a_printed_support_links_its_canvas_and_so_do_its_sessions(kits):
    kit = kits["paris"]
    for method, canvas in CANVASES.items():
        assert (kit / canvas).is_file(), canvas
        assert f"](../{canvas})" in (kit / "methodes" / f"{method}.md").read_text(encoding="utf-8"), method
    for session in sorted((kit / "seances").glob("*.md")):
        text = session.read_text(encoding="utf-8")
        materials = text.split("## Matériel", 1)[1].split("\n## ", 1)[0]
        for method, canvas in CANVASES.items():
            if f"](../methodes/{method}.md)" in text:
                assert f"](../{canvas})" in materials, f"{session.name}: {method} sans son support"


def test_the_site_lists_every_document_and_canvas(kits):
    kit = kits["strasbourg"]
    documents = (kit / "site" / "documents" / "index.html").read_text(encoding="utf-8")
    for document in DOCUMENTS:
        assert (kit / "documents" / f"{document}.md").is_file(), document
        assert f'href="{document}.html"' in documents, document
    supports = (kit / "site" / "supports" / "index.html").read_text(encoding="utf-8")
    for canvas in sorted(set(CANVASES.values())):
        assert f'href="../../{canvas}"' in supports, canvas
    method = (kit / "site" / "methodes" / "videocagette.html").read_text(encoding="utf-8")
    assert 'href="../../supports/storyboard-videocagette.html"' in method


def test_no_blank_remains_where_the_kit_knows_the_value(kits):
    from transfogen.planning.fr import date_fr

    for name, kit in kits.items():
        call = (kit / "documents" / "appel-a-ambassadeurs.md").read_text(encoding="utf-8")
        assert re.search(r"Date limite de remise : \*\*\w+ \d", call), name
        context = __import__("json").loads((kit / ".transfogen" / "contexte.json").read_text(encoding="utf-8"))
        closes = context["documents"]["call"]["closes"]
        assert date_fr(__import__("datetime").date.fromisoformat(closes)) in call
        assert context["documents"]["call"]["opens"] < closes < context["sessions"][0]["start"]
        budget = (kit / "documents" / "budget-previsionnel.md").read_text(encoding="utf-8")
        assert context["documents"]["budget"]["total_fr"] in budget
        convention = (kit / "documents" / "convention-de-partenariat.md").read_text(encoding="utf-8")
        assert context["documents"]["budget"]["total_fr"] in convention
        assert "montant (euros) | ________" not in convention


def test_the_call_for_ambassadors_protects_personal_data_and_asks_no_health_question(kits):
    call = (kits["paris"] / "documents" / "appel-a-ambassadeurs.md").read_text(encoding="utf-8")
    assert "## Vos données personnelles" in call and "délégué à la protection des données" in call
    assert "sans en donner la raison" in call
    assert not re.search(r"handicap|maladie|pathologie|état de santé", call, re.IGNORECASE)


CLAUSES = {
    "fondement juridique": r"## Article \d+ — Fondement juridique",
    "subvention": r"subvention.*article 9-1 de la loi n° 2000-321",
    "marché public": r"marché public.*code de la commande publique",
    "objet": r"## Article \d+ — Objet",
    "durée": r"## Article \d+ — Durée",
    "obligations": r"## Article \d+ — Engagements de la collectivité",
    "licence": r"Licence Ouverte / Open Licence 2\.0.*CC BY-SA 4\.0",
    "données personnelles": r"sous-traitants\*\* \(article 28 du RGPD\)",
    "assurances": r"## Article \d+ — Assurances",
    "résiliation": r"## Article \d+ — Résiliation",
    "litiges": r"tribunal administratif",
    "décision": r"délibération ou décision n°",
}


def test_the_convention_holds_each_clause_a_legal_service_looks_for(kits):
    for name, kit in kits.items():
        text = (kit / "documents" / "convention-de-partenariat.md").read_text(encoding="utf-8")
        for clause, pattern in CLAUSES.items():
            assert re.search(pattern, text, re.S), f"{name}: clause « {clause} » absente"


def test_the_engagement_note_names_the_procedure_its_amount_implies(tmp_path):
    from transfogen.kit.documents import reference

    thresholds = reference()["public_procurement"]
    assert thresholds["no_procedure"]["below"] < thresholds["formalised"]["from"]
    assert "R2122-8" in thresholds["no_procedure"]["text"] and reference()["checked"]


@pytest.mark.browser
def test_each_canvas_prints_on_exactly_one_page(kits, residence_kit, tmp_path):
    import subprocess

    from checkers import CHROMIUM, CHROMIUM_ARGS, require_or_skip

    require_or_skip("chromium")
    require_or_skip("pdfinfo")
    canvases = sorted((kits["paris"] / "supports").glob("*.html"))
    residence = sorted((residence_kit / "supports").glob("*.html"))
    assert len(canvases) >= 9 and len(residence) >= 8
    for canvas in [*canvases, *residence]:
        pdf = tmp_path / f"{canvas.parent.parent.name}-{canvas.stem}.pdf"
        subprocess.run(
            [str(CHROMIUM), *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", canvas.as_uri()],
            capture_output=True,
            timeout=60,
            check=True,
        )
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M), f"{canvas.name}: {info}"
        assert re.search(r"\((A4|A3)\)", info), f"{canvas.name}: ni A4 ni A3"


BUDGET_PROFILE = """collectivity:
  name: Ville de Rezé
  kind: commune
  department: "44"
program:
  start: 2028-01-10
  months: 12
team:
  residents: 3
  ambassadors: 12
budget:
  daily_rate: 500
  travel: 200
"""


def test_the_profile_budget_sets_the_daily_rate_and_the_procedure_follows(tmp_path):
    from transfogen.planning.profile import parse_profile

    profile = parse_profile(BUDGET_PROFILE, "profil.yaml")
    assert (profile.budget.daily_rate, profile.budget.travel, profile.budget.venues) == (500, 200, 0)
    assert parse_profile(BUDGET_PROFILE.split("budget:")[0], "profil.yaml").budget.daily_rate == 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  daily_rate: cher", "budget.daily_rate"),
        ("  daily_rate: 20", "hors limites"),
        ("  dayly_rate: 500", "dayly_rate"),
    ],
)
def test_a_bad_budget_is_one_french_line_with_its_key_and_line(line, message):
    from transfogen.errors import ProfileError
    from transfogen.planning.profile import parse_profile

    text = BUDGET_PROFILE.replace("  daily_rate: 500", line)
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, "profil.yaml")
    shown = str(caught.value)
    assert message in shown and shown.startswith("profil.yaml:12: "), shown


def test_a_small_programme_needs_no_tender_and_says_so(tmp_path):
    from transfogen.kit.build import generate_kit

    profile = tmp_path / "profil.yaml"
    profile.write_text(BUDGET_PROFILE.replace("daily_rate: 500", "daily_rate: 150"), encoding="utf-8")
    kit = generate_kit(profile, tmp_path / "kit")
    note = (kit / "documents" / "note-engagement-des-residents.md").read_text(encoding="utf-8")
    assert "Le taux journalier (150" in note
    assert "procédure formalisée (appel d'offres)**" not in note
    assert "marché à procédure adaptée" in note or "sans publicité ni mise en concurrence" in note


def test_an_example_with_a_budget_section_is_costed_from_it(kits):
    note = (kits["metz"] / "documents" / "note-engagement-des-residents.md").read_text(encoding="utf-8")
    assert "Le taux journalier (600\u00a0€ HT) est celui du profil" in note
    assert "× 450\u00a0€" in note


# --- the mid-term review, in the calendar and in the coordinator's list --------------------------


def test_the_midterm_review_is_dated_in_the_calendar_the_programme_and_the_checklist(kits):
    import json

    for name, kit in kits.items():
        context = json.loads((kit / ".transfogen" / "contexte.json").read_text(encoding="utf-8"))
        review = context["documents"]["midterm"]
        if len(context["sessions"]) < 3:
            assert review["session"] is None, name
            continue
        events = [e for e in context["events"] if e["kind"] == "revue-mi-parcours"]
        assert [(e["session"], e["start"]) for e in events] == [(review["session"], review["date"])], name
        ics = (kit / "calendrier" / "calendrier.ics").read_text(encoding="utf-8").replace("\n ", "")
        uid = f"UID:transfogen.{context['collectivity']['slug']}.revue-mi-parcours-1"
        event = next(block for block in ics.split("BEGIN:VEVENT")[1:] if uid in block)
        assert f"DTSTART;VALUE=DATE:{review['date'].replace('-', '')}" in event, name
        calendar = (kit / "calendrier" / "calendrier.md").read_text(encoding="utf-8")
        assert f"| {review['date_fr']} | Revue à mi-parcours |" in calendar, name
        programme = (kit / "programme.md").read_text(encoding="utf-8")
        assert f"- [ ] **{review['prepare_by_fr']}** — Préparer la revue à mi-parcours" in programme, name
        assert (
            f"- [ ] **{review['date_fr']}** — Tenir la revue à mi-parcours, à la fin de la séance {review['session']}"
            in programme
        )
        # What it reviews: the ambassadors' starting point against the indicators.
        assert "questionnaires de départ" in programme and "indicateurs" in programme
        sheet = next(s for s in context["sessions"] if s["number"] == review["session"])["file"]
        assert f"Revue à mi-parcours, le {review['date_fr']}" in (kit / sheet).read_text(encoding="utf-8")
        framework = (kit / "documents" / "cadre-d-evaluation.md").read_text(encoding="utf-8")
        assert f"| Revue à mi-parcours | {review['date_fr']}, à la fin de la séance {review['session']} |" in framework


def test_the_midterm_review_leaves_the_groups_agenda_alone():
    from transfogen.kit.composer import compose_programme
    from transfogen.planning.french_calendar import load_calendar_facts
    from transfogen.planning.planner import plan
    from transfogen.planning.profile import load_profile
    from transfogen.templating.template import load_template

    template = load_template(TEMPLATES / "transfo")
    programme = plan(
        load_profile(Path(__file__).parents[1] / "examples" / "paris.yaml"), template.rules, load_calendar_facts()
    )
    review = next(e for e in programme.events if e.kind == "revue-mi-parcours")
    assert not template.rules.ritual("revue-mi-parcours").block and not review.public
    composed = compose_programme(programme, template)[review.session - 1]
    assert "revue-mi-parcours" not in composed.rituals
    assert all(item.title != "Revue à mi-parcours" for day in composed.days for item in day.items)


# --- who signs, whom to write to, what the lab costs: from the profile, or marked for whoever knows -----

SIGNED_PROFILE = (
    BUDGET_PROFILE
    + """  lab_post_cost: 52000
  lab_rent_per_m2: 150
  lab_running_per_post: 9000
contacts:
  dpo:
    name: "Déléguée à la protection des données"
    email: dpo@reze.fr
signatories:
  authority: "le maire de Rezé ou, par délégation, l'adjointe chargée de l'innovation"
  residents: "l'association des résidents, représentée par son président"
  missions: "la directrice générale des services"
"""
)


def test_the_profile_names_the_dpo_the_signatories_and_the_labs_unit_costs():
    from transfogen.planning.profile import parse_profile

    profile = parse_profile(SIGNED_PROFILE, "profil.yaml")
    assert (profile.dpo.name, profile.dpo.email) == ("Déléguée à la protection des données", "dpo@reze.fr")
    assert profile.signatories.missions == "la directrice générale des services"
    assert (profile.budget.lab_post_cost, profile.budget.lab_rent_per_m2, profile.budget.lab_running_per_post) == (
        52000,
        150,
        9000,
    )
    bare = parse_profile(BUDGET_PROFILE, "profil.yaml")
    assert (bare.dpo.name, bare.dpo.email, bare.signatories.authority) == ("", "", "")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("email: dpo@reze.fr", "email: dpo-at-reze", "contacts.dpo.email"),
        ('    name: "Déléguée à la protection des données"\n', "", "contacts.dpo.name"),
        ("  missions:", "  mission:", "signatories.mission"),
        ("  lab_rent_per_m2: 150", "  lab_rent_per_m2: 90000", "budget.lab_rent_per_m2"),
    ],
)
def test_a_bad_contact_or_signatory_is_one_french_line_with_its_key(old, new, message):
    from transfogen.errors import ProfileError
    from transfogen.planning.profile import parse_profile

    with pytest.raises(ProfileError) as caught:
        parse_profile(SIGNED_PROFILE.replace(old, new), "profil.yaml")
    shown = str(caught.value)
    assert message in shown and re.match(r"profil\.yaml:\d+: ", shown) and "\n" not in shown, shown


def test_documents_print_what_the_profile_gives_and_mark_what_it_does_not(kits):
    paris, lille = kits["paris"], kits["lille"]

    def read(kit, name):
        return (kit / "documents" / f"{name}.md").read_text(encoding="utf-8")

    assert "dpo@paris.fr" in read(paris, "notice-d-information")
    assert "dpo@paris.fr" in read(paris, "formulaire-de-consentement")
    assert "dpo@paris.fr" in read(paris, "registre-des-traitements")
    assert "représentée par le maire de Paris" in read(paris, "convention-de-partenariat")
    assert "Pour la direction générale, la secrétaire générale de la Ville de Paris" in read(
        paris, "lettre-de-mission-ambassadeur"
    )
    strasbourg = read(kits["strasbourg"], "convention-de-partenariat")
    assert "l'association qui coordonne les résidents" in strasbourg
    # Where the profile is silent: a marked field naming who fills it in, never a bare blank.
    for name, who in (
        ("notice-d-information", "[À renseigner par le délégué à la protection des données"),
        ("registre-des-traitements", "[À renseigner par le délégué à la protection des données"),
        ("convention-de-partenariat", "[À renseigner par le service des assemblées"),
        ("convention-de-partenariat", "[À renseigner par la structure"),
        ("lettre-de-mission-ambassadeur", "[À renseigner par la direction générale"),
    ):
        assert who in read(lille, name), (name, who)
    for kit in (paris, lille):
        assert "représentée par ________" not in read(kit, "convention-de-partenariat")
        assert "Nom, qualité, signature : |" not in read(kit, "convention-de-partenariat")
        assert "adresse du délégué : ____" not in read(kit, "notice-d-information")
        assert "Nom et adresse : ____" not in read(kit, "registre-des-traitements")
        assert "nom, qualité et signature : ____" not in read(kit, "lettre-de-mission-ambassadeur")


def test_the_labs_scenarios_are_costed_from_the_profile(kits):
    budget = (kits["metz"] / "documents" / "budget-previsionnel.md").read_text(encoding="utf-8")
    assert "55\u202f000\u00a0€ par an, chargé (chiffre du profil)" in budget
    assert "180\u00a0€ par mètre carré et par an" in budget
    # The ambitious scenario: 5 posts × 55 000 + 240 m² × 180 + 5 × 8 000.
    assert (
        "5 équivalents temps plein, 275\u202f000\u00a0€ | 43\u202f200\u00a0€ | 40\u202f000\u00a0€ | **358\u202f200\u00a0€**"
        in budget
    )
    paris = (kits["paris"] / "documents" / "budget-previsionnel.md").read_text(encoding="utf-8")
    assert "clé `budget.lab_post_cost`" in paris


def test_a_signatory_or_dpo_from_the_profile_is_data_not_markup(tmp_path):
    from transfogen.kit.build import generate_kit

    profile = tmp_path / "profil.yaml"
    hostile = SIGNED_PROFILE.replace(
        "le maire de Rezé ou, par délégation, l'adjointe chargée de l'innovation",
        "{{ 7*7 }} [piège](https://exemple.fr)",
    ).replace('"Déléguée à la protection des données"', '"<b>DPO</b> {% raw %}"')
    profile.write_text(hostile, encoding="utf-8")
    kit = generate_kit(profile, tmp_path / "kit")
    page = (kit / "site" / "documents" / "convention-de-partenariat.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page and 'href="https://exemple.fr"' not in page
    notice = (kit / "site" / "documents" / "notice-d-information.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;DPO&lt;/b&gt; {% raw %}" in notice and "<b>DPO</b>" not in notice


# --- the residence template: its documents and canvases ---------------------------------------


@pytest.fixture(scope="module")
def residence_kit(tmp_path_factory):
    from transfogen.kit.build import generate_kit

    root = tmp_path_factory.mktemp("residence")
    profile = Path(__file__).parents[1] / "examples" / "pays-de-mormal.yaml"
    return Path(generate_kit(profile, root / "kit", template_dir=TEMPLATES / "residence"))


RESIDENCE_NAMED = {
    "formulaire de consentement": "documents/formulaire-de-consentement.md",
    "formulaires de consentement": "documents/formulaire-de-consentement.md",
    "notice d'information": "documents/notice-d-information.md",
    "grille d'observation": "supports/grille-d-observation.html",
    "protocole de test": "documents/protocole-de-test.md",
    "guide d'entretien": "documents/guide-d-entretien.md",
    "bilan de test": "documents/bilan-de-test.md",
    "fiche d'entretien": "supports/fiche-d-entretien.html",
    "fiches d'entretien": "supports/fiche-d-entretien.html",
    "fiche de portage": "supports/fiche-de-portage.html",
    "fiches de portage": "supports/fiche-de-portage.html",
    "relevé de parcours": "supports/releve-de-parcours.html",
    "fiche piste": "supports/fiche-piste.html",
    "grille de priorisation": "supports/grille-de-priorisation.html",
}
RESIDENCE_CANVASES = {
    "arpentage": "supports/releve-de-parcours.html",
    "entretiens-sur-place": "supports/fiche-d-entretien.html",
    "test-in-situ": "supports/grille-d-observation.html",
    "programme-de-projets": "supports/grille-de-priorisation.html",
    "portage-des-projets": "supports/fiche-de-portage.html",
    "retour-sur-site": "supports/frise-du-retour-sur-site.html",
}
RESIDENCE_DOCUMENTS = (
    "notice-d-information",
    "formulaire-de-consentement",
    "registre-des-traitements",
    "guide-d-entretien",
    "protocole-de-test",
    "bilan-de-test",
    "note-engagement-des-residents",
    "budget-previsionnel",
    "cadre-d-evaluation",
    "registre-des-risques",
    "plan-de-communication",
    "note-aux-encadrants",
    "plan-d-apres-residence",
    "convention-de-residence",
    "appel-a-participants",
)


def test_the_residence_kit_holds_its_documents_and_canvases_and_the_site_lists_them(residence_kit):
    kit = residence_kit
    documents = (kit / "site" / "documents" / "index.html").read_text(encoding="utf-8")
    for document in RESIDENCE_DOCUMENTS:
        assert (kit / "documents" / f"{document}.md").is_file(), document
        assert f'href="{document}.html"' in documents, document
    supports = (kit / "site" / "supports" / "index.html").read_text(encoding="utf-8")
    for canvas in sorted({*RESIDENCE_NAMED.values(), *RESIDENCE_CANVASES.values()}):
        if canvas.startswith("supports/"):
            assert (kit / canvas).is_file(), canvas
            assert f'href="../../{canvas}"' in supports, canvas
    for path in _markdown_files(kit):
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            assert (path.parent / target).resolve().is_file(), f"{path.relative_to(kit)} → {target}"
        found = INTERNAL_REFERENCE.search(path.read_text(encoding="utf-8"))
        assert not found, f"{path.relative_to(kit)}: « {found.group(0)} »"


def test_what_a_residence_sheet_names_is_in_the_kit_and_linked_there(residence_kit):
    kit = residence_kit
    sheets = [*sorted((kit / "seances").glob("*.md")), *sorted((kit / "methodes").glob("*.md"))]
    assert sheets
    for path in sheets:
        text = path.read_text(encoding="utf-8")
        for words, target in RESIDENCE_NAMED.items():
            if words in text.lower():
                assert (kit / target).is_file(), target
                assert f"](../{target})" in text, f"{path.relative_to(kit)} cite « {words} » sans lien"
    for method, canvas in RESIDENCE_CANVASES.items():
        assert f"](../{canvas})" in (kit / "methodes" / f"{method}.md").read_text(encoding="utf-8"), method
    for session in sorted((kit / "seances").glob("*.md")):
        text = session.read_text(encoding="utf-8")
        materials = text.split("## À emporter sur place", 1)[1].split("\n## ", 1)[0]
        for method, canvas in RESIDENCE_CANVASES.items():
            if f"](../methodes/{method}.md)" in text:
                assert f"](../{canvas})" in materials, f"{session.name}: {method} sans son support"


def test_the_residence_convention_and_call_are_signable_and_dated(residence_kit):
    import json

    kit = residence_kit
    convention = (kit / "documents" / "convention-de-residence.md").read_text(encoding="utf-8")
    for clause, pattern in CLAUSES.items():
        assert re.search(pattern, convention, re.S), f"clause « {clause} » absente"
    assert "Nom, fonction, signature" not in convention and "[À renseigner par la structure" in convention
    context = json.loads((kit / ".transfogen" / "contexte.json").read_text(encoding="utf-8"))
    call = (kit / "documents" / "appel-a-participants.md").read_text(encoding="utf-8")
    assert f"Date limite de remise : **{context['documents']['call']['closes_fr']}**" in call
    assert context["documents"]["call"]["closes"] < context["sessions"][0]["start"]
    assert "## Vos données personnelles" in call and "sans en donner la raison" in call
    assert not re.search(r"handicap|maladie|pathologie|état de santé", call, re.IGNORECASE)
    # The residence's mid-term point is dated, in the calendar and in its own words.
    review = context["documents"]["midterm"]
    assert review["session"] == 2
    programme = (kit / "programme.md").read_text(encoding="utf-8")
    assert f"- [ ] **{review['date_fr']}** — Tenir le point d'étape à mi-parcours" in programme
    assert "Point d'étape à mi-parcours" in (kit / "calendrier" / "calendrier.ics").read_text(encoding="utf-8")
    budget = (kit / "documents" / "budget-previsionnel.md").read_text(encoding="utf-8")
    assert "séance" not in budget and context["documents"]["budget"]["total_fr"] in budget
