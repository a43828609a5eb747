"""The promises a composed programme keeps, checked on bundled examples (and reusable on random profiles).

Each check raises AssertionError with a message naming the broken promise and the session.
"""

from __future__ import annotations

from transfogen.kit.composer import ComposedSession
from transfogen.templating.template import Template

# A block that loses a repeated activity keeps the rest when at least this much of it remains
# (the composer's rule); below it, dropping the whole block is allowed.
KEPT_MINUTES = 60


def _with_group(session: ComposedSession) -> set[str]:
    """Activities held on a day the ambassadors attend."""
    return {m for m in session.methods if m not in session.team_only}


def check_case_arcs(sessions: list[ComposedSession], template: Template) -> None:
    """Every case hears the service present its dispositif, meets users and non-users in interviews,
    prototypes, then tests with users in the field and reviews the test, whatever the length of its sessions and the rituals they carry."""
    family = {m: str(sheet.meta.get("family", "")) for m, sheet in template.methods.items()}
    for case in sorted({s.session.case for s in sessions if s.session.case is not None}):
        arc = [s for s in sessions if s.session.case == case]
        held = set().union(*(_with_group(s) for s in arc))
        assert "presentation-du-dispositif" in held, f"cas {case} : le service ne présente pas son dispositif"
        assert "entretiens-usagers" in held, f"cas {case} : aucun entretien avec usagers et non-usagers"
        field = [s for s in arc if "entretiens-usagers" in _with_group(s)][0]
        assert {"cadrage", "immersion"} & set(field.session.steps), (
            f"cas {case} : les entretiens n'ont lieu qu'en séance {field.session.number}, après le terrain"
        )
        assert any(family.get(m) == "prototypage" for m in held), f"cas {case} : aucun prototypage"
        tests = [s for s in arc if "test-grandeur-reelle" in _with_group(s)]
        assert tests, f"cas {case} : aucun test en grandeur réelle avec les ambassadeurs"
        built = min(s.session.number for s in arc if "prototypage" in s.session.steps)
        for test in tests:
            assert test.session.number >= built, (
                f"cas {case} séance {test.session.number} : test en grandeur réelle avant les prototypes"
            )
        reviewed = []
        for test in tests:
            order = [i.method for day in test.days for i in day.items if i.method]
            reviewed.append("bilan-de-test" in order[order.index("test-grandeur-reelle") :])
            if "restitution" in test.rituals:  # the restitution shows the test's results
                assert order.index("test-grandeur-reelle") < order.index("restitution-express"), (
                    f"cas {case} séance {test.session.number} : test en grandeur réelle après la restitution"
                )
        assert any(reviewed), f"cas {case} : pas de bilan après le test en grandeur réelle"


def check_blocks_kept(sessions: list[ComposedSession], template: Template) -> None:
    problems = lost_blocks(sessions, template)
    assert not problems, "\n".join(problems[:3])


def lost_blocks(sessions: list[ComposedSession], template: Template) -> list[str]:
    """Where a pattern block the session reaches is never dropped whole because one of its activities was
    already held (the rule: only the repeated activity goes, the rest stays, unless less than an hour of
    it is left); also where a day falls short of its planned working time.

    A block is reached when a later block of the same pattern is in the session and only that block
    can have brought its activities (no earlier block, ritual, team block, lab block or substitute
    holds them), and it was not brought forward for the stage's essentials.
    """
    assert template.day is not None
    minutes = {m: int(sheet.meta["duration"]) for m, sheet in template.methods.items()}
    frame = {slot["method"] for slot in template.day.slots if slot.get("method")}
    rituals = {m for block in template.day.rituals.values() for m in block}
    swaps = {m: r for pairs in template.day.conditions.values() for m, r in pairs.items()}
    planned = sum(  # each day's planned working time: a block's break is not work
        int(slot["minutes"]) - int(slot.get("pause") or 0) for slot in template.day.slots if slot["kind"] != "pause"
    )
    problems = []
    for composed in sessions:
        number = composed.session.number
        for day in composed.days:
            if day.minutes != planned:
                problems.append(f"séance {number} : {day.minutes} min de travail au lieu de {planned}")
        held = set(composed.methods)
        pattern = composed.pattern
        blocks = [tuple(m if m in held or m not in swaps else swaps[m] for m in b) for b in pattern.blocks]
        # Activities that may come from elsewhere than the block: team days, the lab topic, substitutes.
        topic = template.lab_patterns.get(composed.session.lab_topic or "")
        elsewhere = {m for b in (*pattern.team_blocks, *(topic.blocks if topic else ())) for m in b}
        elsewhere |= rituals | frame | set(pattern.alternatives) | set(template.day.daily)
        holders = set()
        for essential in pattern.essentials:
            first = next((i for i, b in enumerate(blocks) if essential in b), None)
            if first is not None:
                holders.add(first)
        for j, later in enumerate(blocks):
            earlier = {m for b in blocks[:j] for m in b}
            own = all(m not in earlier and m not in elsewhere for m in later)
            if j in holders or not own or not set(later) <= held:
                continue
            for block in blocks[:j]:
                lost = [m for m in block if m not in held and m not in template.day.once]
                if sum(minutes[m] for m in lost) >= KEPT_MINUTES:
                    problems.append(
                        f"séance {number} : le bloc {list(block)} perd {lost}, le bloc {list(later)} est tenu"
                    )
                    break
    return problems
