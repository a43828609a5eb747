"""Every error a user can cause, in one hierarchy; the CLI maps them to one line and an exit code."""

from __future__ import annotations


class TransfogenError(Exception):
    """Something the user can fix: printed as one line on stderr, exit code 1, no traceback."""

    exit_code = 1


class ProfileError(TransfogenError):
    """A collectivity profile cannot be read or is invalid."""

    def __init__(self, path: str, key: str | None, message: str, line: int | None = None):
        self.path, self.key, self.line, self.message = path, key, line, message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class SheetError(TransfogenError):
    """A workshop or method sheet does not match the sheet schema."""

    def __init__(self, path: str, field: str | None, message: str, line: int | None = None):
        self.path, self.field, self.line, self.message = path, field, line, message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


class TemplateError(TransfogenError):
    """A template is malformed or fails to render."""


class OutputExistsError(TransfogenError):
    """The output folder exists and is not empty, and --force was not given."""


class UnsafeTemplateError(TransfogenError):
    """A template tried something the sandbox forbids, or has hooks/extensions and --trust was not given."""

    exit_code = 3


# What the system says when a file cannot be read or written, in the user's language.
_OS_REASONS = {
    "ENOENT": "fichier ou dossier introuvable",
    "EACCES": "permission refusée",
    "EPERM": "opération non permise",
    "EISDIR": "c'est un dossier",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "ENOSPC": "plus de place sur le disque",
    "EDQUOT": "quota de disque dépassé",
    "EFBIG": "fichier trop gros",
    "EROFS": "système de fichiers en lecture seule",
    "EEXIST": "existe déjà",
    "ENOTEMPTY": "le dossier n'est pas vide",
    "EBUSY": "occupé (point de montage ou fichier en cours d'utilisation)",
    "EXDEV": "déplacement impossible d'un disque à un autre",
    "ELOOP": "trop de liens symboliques",
    "ENAMETOOLONG": "nom trop long",
    "EIO": "erreur d'entrée-sortie",
    "EMFILE": "trop de fichiers ouverts",
    "ENFILE": "trop de fichiers ouverts",
    "ENXIO": "périphérique absent",
    "ENODEV": "périphérique absent",
    "ETXTBSY": "fichier en cours d'utilisation",
    "EPIPE": "la sortie a été fermée",
}


def os_error_message(error: OSError) -> str:
    """One French line for a file-system error: the path(s) it concerns and the reason."""
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    reason = _OS_REASONS.get(name) or error.strerror or str(error)
    where = " → ".join(str(path) for path in (error.filename, error.filename2) if path is not None)
    return f"{where} : {reason}" if where else reason
