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
