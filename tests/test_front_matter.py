"""A session sheet's front matter, written key by key, is the YAML that `yaml.dump` writes whole."""

from __future__ import annotations

import datetime
import random

import yaml

from transfogen.kit.build import _DUMPER, front_matter

# Profile texts reach the front matter (a site, a name): YAML's special characters, words it reads as
# booleans or numbers, long and multi-line texts.
HOSTILE = [
    "", " ", "- x", "a: b", "'", '"', "\n", "a\nb", "a\n\nb", "#c", "x #c", "yes", "no", "on", "null", "~",
    "1", "1.5", "2027-09-06", "Saint-Étienne-du-Rouvray", "  devant", "derrière ", "[x]", "{x}", "&a", "*a",
    "!t", "%", "@", "`", "|", ">", "?", "a" * 1200, "mot " * 400, "a\tb", "\u2028", "\x85", "🙂", "---",
    "...", ": x", "-", "x:", "ü\n ü",
]  # fmt: skip


def test_front_matter_is_what_yaml_dump_writes_for_any_text():
    draw = random.Random(13)
    for _ in range(2000):
        meta = {
            "id": "seance-01",
            "kind": "seance",
            "title": draw.choice(HOSTILE),
            "number": draw.choice([1, 2]),
            "phase": draw.choice(HOSTILE),
            "dates": [datetime.date(2027, 9, 6) + datetime.timedelta(days=i) for i in range(draw.randint(0, 3))],
            "place": draw.choice(HOSTILE) + draw.choice(HOSTILE),
            "duration": 360,
            **({"case": draw.randint(1, 3)} if draw.random() < 0.5 else {}),
            "methods": draw.sample(HOSTILE, draw.randint(0, 4)),
        }
        expected = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
        assert front_matter(meta) == expected, meta


def test_equal_values_of_other_types_keep_their_own_yaml():
    assert front_matter({"number": 1}) == "number: 1\n"
    assert front_matter({"number": True}) == "number: true\n"
    assert front_matter({"number": 1.0}) == "number: 1.0\n"
