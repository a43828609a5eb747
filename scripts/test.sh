#!/usr/bin/env bash
# The test suite: installs what the tests need (Python extras, npm checkers), then runs pytest.
# Arguments go to pytest, e.g. `bash scripts/test.sh -m "not browser"` or `bash scripts/test.sh tests/test_checkers.py`;
# `bash scripts/test.sh --install-only` installs and stops there (CI times the two apart).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "Création de l'environnement .venv…"
    "$PYTHON" -m venv .venv
fi

# Reinstall only when the declared dependencies change: a stamp keeps pyproject.toml's digest.
stamp=.venv/.transfogen-test-deps
digest="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
    echo "Installation de transfogen et de ses dépendances de test…"
    .venv/bin/python -m pip install --quiet -e ".[test,export]"
    echo "$digest" > "$stamp"
fi

# The HTML checkers (vnu-jar, axe-core) come from npm, pinned by package-lock.json.
npm_stamp=node_modules/.transfogen-lock
if ! cmp -s package-lock.json "$npm_stamp" \
    || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
    if command -v npm >/dev/null 2>&1; then
        echo "Installation des vérificateurs HTML (npm ci)…"
        npm ci --no-audit --no-fund --loglevel=error
        cp package-lock.json "$npm_stamp"
    else
        # Locally the checker tests then skip; CI sets TRANSFOGEN_REQUIRE_CHECKERS=1 so they fail.
        echo "Attention : npm est introuvable ; les tests des vérificateurs HTML seront ignorés." >&2
    fi
fi

if [ "${1:-}" = "--install-only" ]; then
    exit 0
fi

# The lint and type gate runs with the whole suite (no arguments); a targeted run goes straight to pytest.
if [ "$#" -eq 0 ]; then
    echo "Vérification du style et des types (ruff check, ruff format --check, mypy)…"
    .venv/bin/ruff check --quiet .
    .venv/bin/ruff format --check --quiet .
    .venv/bin/mypy
fi

status=0
.venv/bin/python -m pytest -q "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "Erreur : pytest n'a collecté aucun test." >&2
    exit 1
fi
exit "$status"
