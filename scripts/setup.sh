#!/usr/bin/env bash
# Installs transfogen in a virtual environment (.venv) at the root of the project.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "Erreur : $PYTHON est introuvable ; installez Python 3.11 ou plus récent." >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Erreur : transfogen demande Python 3.11 ou plus récent ($("$PYTHON" --version 2>&1) trouvé)." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "Création de l'environnement .venv…"
    "$PYTHON" -m venv .venv
fi
echo "Installation de transfogen dans .venv…"
.venv/bin/python -m pip install --quiet -e .
echo "transfogen est installé : lancez « .venv/bin/transfogen --help »."
