"""The figures the kit's formal documents state: the call for ambassadors' dates, the cost of the
résidents and the procedure it implies, the budget scenarios, the mid-term review.

Pure: reads the planned programme, its rules and data/documents.yaml (thresholds, planning
assumptions, retention periods, each with the text it comes from); returns JSON-ready data that
templates see as `kit.documents` (docs/contexte-kit.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from transfogen.planning.fr import date_fr, mois_fr, nombre_fr
from transfogen.planning.model import Programme
from transfogen.templating.parsed_yaml import load_yaml
from transfogen.templating.resources import package_file

CALL_REVIEW = timedelta(weeks=1)  # between the call's closing and the group's composition
CALL_MINIMUM = timedelta(weeks=3)  # an internal call stays open at least this long
MIDTERM_PREPARATION = timedelta(weeks=2)  # questionnaires and indicators gathered before the review


@cache
def reference() -> dict:
    """data/documents.yaml: thresholds, planning assumptions, retention periods."""
    return load_yaml(package_file("data/documents.yaml").read_text(encoding="utf-8"))


def euros(amount: float) -> str:
    """206400 → « 206 400 € » (thousands separated by a non-breaking space, as French prints them)."""
    return f"{round(amount):,}".replace(",", "\u202f") + "\u00a0€"


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1)


def _procedure(amount: float, data: dict) -> dict[str, Any]:
    rules = data["public_procurement"]
    if amount < rules["no_procedure"]["below"]:
        kind, label = "no_procedure", "marché sans publicité ni mise en concurrence préalables"
        text, months = rules["no_procedure"]["text"], rules["months"]["no_procedure"]
    elif amount < rules["formalised"]["from"]:
        kind, label = "adapted", "marché à procédure adaptée (MAPA)"
        text, months = "code de la commande publique, article R2123-1", rules["months"]["adapted"]
        if amount >= rules["advertised_adapted"]["from"]:
            label += ", avec un avis au BOAMP ou dans un journal d'annonces légales"
            text += " ; " + rules["advertised_adapted"]["text"]
    else:
        kind, label = "formalised", "procédure formalisée (appel d'offres)"
        text, months = rules["formalised"]["text"], rules["months"]["formalised"]
    return {"kind": kind, "label": label, "text": text, "months": months}


def documents_context(programme: Programme, rules: Any, budgets: dict[str, dict]) -> dict[str, Any]:
    data = reference()
    profile = programme.profile
    defaults = data["defaults"]
    first_day = programme.sessions[0].start if programme.sessions else profile.program.start
    due = {d.id: d.due for d in programme.checklist if d.id}  # as the plan dates them (summer not counted)
    opens = due.get("appel-ambassadeurs", first_day - timedelta(weeks=10))
    composed = due.get("choix-ambassadeurs", first_day - timedelta(weeks=5))
    closes = max(composed - CALL_REVIEW, opens + CALL_MINIMUM)

    # The résidents' cost: their days from the plan, times a daily rate.
    given = profile.budget
    rate = given.daily_rate or defaults["daily_rate"]
    travel = given.travel or defaults["travel"]
    venues = given.venues or defaults["venues"]
    days_each = float(budgets.get("residents", {}).get("days", 0))
    residents = profile.team.residents
    sessions = len(programme.sessions)
    session_days = sum(len(s.days) for s in programme.sessions)
    fees = days_each * residents * rate
    # Each line keeps its count and unit cost, so that a template words it its own way ("immersions").
    lines = [
        {
            "what": "Honoraires des résidents",
            "detail": f"{residents} × {nombre_fr(days_each)} jours × {euros(rate)}",
            "count": residents,
            "unit_fr": euros(rate),
            "amount": fees,
        },
        {
            "what": "Déplacements et hébergement des résidents",
            "detail": f"{sessions} séances × {euros(travel)}",
            "count": sessions,
            "unit_fr": euros(travel),
            "amount": sessions * travel,
        },
        {
            "what": "Location de salles",
            "detail": f"{session_days} jours de séance × {euros(venues)}",
            "count": session_days,
            "unit_fr": euros(venues),
            "amount": session_days * venues,
        },
        {
            "what": "Fournitures, impressions, prototypes",
            "detail": f"{sessions} séances × {euros(defaults['materials'])}",
            "count": sessions,
            "unit_fr": euros(defaults["materials"]),
            "amount": sessions * defaults["materials"],
        },
    ]
    total = sum(line["amount"] for line in lines)
    procedure = _procedure(fees + sessions * travel, data)
    formalised = data["public_procurement"]["formalised"]
    grant = data["grant_convention"]
    launch_by = _months_before(first_day, procedure["months"] + 1)

    # The lab's unit costs: the profile's where it gives them, else the data's orders of magnitude.
    costs = data["lab_costs"]
    post = given.lab_post_cost or costs["post"]
    rent = given.lab_rent_per_m2 or costs["rent_per_m2"]
    running = given.lab_running_per_post or costs["running_per_post"]
    scenarios = []
    for scenario in data["lab_scenarios"]:
        staff, place = scenario["staff_fte"] * post, scenario["surface_m2"] * rent
        yearly = staff + place + scenario["staff_fte"] * running
        scenarios.append(
            {
                "id": scenario["id"],
                "name": scenario["name"],
                "team": scenario["team"],
                "place": scenario["place"],
                "staff_fte": scenario["staff_fte"],
                "staff_fte_fr": nombre_fr(scenario["staff_fte"]),
                "staff_cost_fr": euros(staff),
                "place_cost_fr": euros(place),
                "running_cost_fr": euros(scenario["staff_fte"] * running),
                "yearly": yearly,
                "yearly_fr": euros(yearly),
                "with_programme_fr": euros(yearly + total),
            }
        )

    # The mid-term review the planner placed, and the steering committee that decides on it.
    review = next((e for e in programme.events if e.kind == "revue-mi-parcours"), None)
    committee = (
        next((e for e in programme.events if e.kind == "comite-pilotage" and e.start >= review.start), None)
        if review
        else None
    )
    checked = data["checked"]
    return {
        "assembly": dict(
            data["assemblies"].get(profile.collectivity.kind, data["assemblies"]["collectivite-outre-mer"])
        ),
        "checked": checked.isoformat(),
        "checked_fr": date_fr(checked),
        "call": {
            "opens": opens.isoformat(),
            "opens_fr": date_fr(opens),
            "closes": closes.isoformat(),
            "closes_fr": date_fr(closes),
            "composed_fr": date_fr(composed),
        },
        "engagement": {
            "residents": residents,
            "days_each_fr": nombre_fr(days_each),
            "days_total_fr": nombre_fr(days_each * residents),
            "daily_rate_fr": euros(rate),
            "rate_given": bool(given.daily_rate),
            "travel_given": bool(given.travel),
            "venues_given": bool(given.venues),
            "contract_fr": euros(fees + sessions * travel),
            "procedure": procedure,
            "launch_by_fr": mois_fr(launch_by),
            "formalised_until_fr": date_fr(formalised["valid_until"]),
            "formalised_revised": first_day > formalised["valid_until"],
            "thresholds": {
                "no_procedure_fr": euros(data["public_procurement"]["no_procedure"]["below"]),
                "advertised_fr": euros(data["public_procurement"]["advertised_adapted"]["from"]),
                "formalised_fr": euros(formalised["from"]),
            },
            "grant_convention_fr": euros(grant["above"]),
            "grant_convention_text": grant["text"],
            "grant_needs_convention": total > grant["above"],
            "grant_months": grant["months"],
        },
        "budget": {
            "lines": [{**line, "amount_fr": euros(line["amount"])} for line in lines],
            "total_fr": euros(total),
            "scenarios": scenarios,
            "staff_cost_fr": euros(post),
            "rent_per_m2_fr": euros(rent),
            "running_per_post_fr": euros(running),
            "post_given": bool(given.lab_post_cost),
            "rent_given": bool(given.lab_rent_per_m2),
            "running_given": bool(given.lab_running_per_post),
        },
        # Who the documents name; "" where the profile is silent (the documents then say who fills it in).
        "dpo": {"name": profile.dpo.name, "email": profile.dpo.email},
        "signatories": {
            "authority": profile.signatories.authority,
            "residents": profile.signatories.residents,
            "missions": profile.signatories.missions,
        },
        "midterm": {
            "session": review.session if review else None,
            "date": review.start.isoformat() if review else "",
            "date_fr": date_fr(review.start) if review else "",
            "prepare_by_fr": date_fr(review.start - MIDTERM_PREPARATION) if review else "",
            "committee": {"title": committee.title, "date_fr": date_fr(committee.start)} if committee else None,
        },
        "retention": dict(data["retention"]),
    }
