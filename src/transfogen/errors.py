"""Every error a user can cause, in one hierarchy; the CLI maps them to one line and an exit code.

An error that points at a place in a file is a `LocatedError`: it keeps the path, the line and the key
(or field) as data, so `templates check` reports them as they are and nobody parses messages back.
"""

from __future__ import annotations

from os import PathLike


class TransfogenError(Exception):
    """Something the user can fix: printed as one line on stderr, exit code 1, no traceback."""

    exit_code = 1


class LocatedError(TransfogenError):
    """An error at a place: `path`, `line` in it and `key` (a field or a dotted key), then `message`."""

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        key: str | None = None,
    ):
        self.message, self.line, self.key = message, line, key
        self.path = None if path is None else str(path)
        super().__init__(self._text())

    def _text(self) -> str:
        where = None if self.path is None else self.path if self.line is None else f"{self.path}:{self.line}"
        return ": ".join(part for part in (where, self.key, self.message) if part)

    def located(self, path: str | PathLike[str], line: int | None) -> LocatedError:
        """The same error placed at `path:line` when it does not know its place yet."""
        if self.path is None:
            self.path, self.line = str(path), line
            self.args = (self._text(),)
        return self


class ProfileError(LocatedError):
    """A collectivity profile cannot be read or is invalid."""

    def __init__(self, path: str, key: str | None, message: str, line: int | None = None):
        super().__init__(message, path=path, line=line, key=key)


class SheetError(LocatedError):
    """A workshop or method sheet does not match the sheet schema."""

    def __init__(self, path: str, field: str | None, message: str, line: int | None = None):
        super().__init__(message, path=path, line=line, key=field)

    @property
    def field(self) -> str | None:
        return self.key


class TemplateError(LocatedError):
    """A template is malformed or fails to render."""


class RenderLimitError(TemplateError):
    """A template's rendering went past one of the limits on its work (time, size, loops…)."""


class OutputExistsError(TransfogenError):
    """The output folder exists and is not empty, and --force was not given (or cannot apply)."""


class UnsafeTemplateError(LocatedError):
    """A template tried something the sandbox forbids, or would run code and --trust was not given."""

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
