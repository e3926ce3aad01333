"""One error tree, so the CLI can map every expected failure to a stable exit code."""

from __future__ import annotations


class SchemaAssetsError(Exception):
    """Base of every error the product raises on purpose (never a bug)."""

    exit_code = 2


class BadInputError(SchemaAssetsError):
    """The user's input (a file, a URL, an option) cannot be used."""

    exit_code = 2


class SqlFileError(BadInputError):
    """A statement of a schema file failed: says file, line, statement and server message."""

    def __init__(self, file: str, line: int, statement: str, message: str) -> None:
        self.file = file
        self.line = line
        self.statement = statement
        self.message = message
        from schema_assets.render.text import one_line

        snippet = statement.strip().splitlines()[0] if statement.strip() else ""
        super().__init__(
            f"{one_line(file)}:{line}: {one_line(message)}\n  in statement: {one_line(snippet, 120)}"
        )


class DatabaseUnavailableError(SchemaAssetsError):
    """The database cannot be reached or started."""

    exit_code = 2


class PlanRefusedError(SchemaAssetsError):
    """The plan contains steps the user has not allowed (e.g. destructive ones)."""

    exit_code = 3


class ApplyError(SchemaAssetsError):
    """A migration step failed; the error names the step, object and server message."""

    exit_code = 4


class ConcurrentRunError(SchemaAssetsError):
    """Another run holds the migration lock for longer than we were willing to wait."""

    exit_code = 5


def server_message(exc: BaseException) -> str:
    """What the server said, one paragraph: primary message + SQLSTATE, secrets masked.

    The one formatter for database errors of every applier (psycopg errors, SQLAlchemy's
    wrappers of them, and our own errors raised from them). Uses the server's primary message
    rather than `str(exc)`, which repeats the statement and can carry connection details.
    """
    from schema_assets.conninfo import mask_secrets  # conninfo imports this module

    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy DBAPIError wraps the driver's error
    if not hasattr(orig, "diag") and orig.__cause__ is not None and hasattr(orig.__cause__, "diag"):
        orig = orig.__cause__
    diag = getattr(orig, "diag", None)
    message = (getattr(diag, "message_primary", None) or str(orig)).strip()
    sqlstate = getattr(orig, "sqlstate", None)
    return mask_secrets(message + (f" [SQLSTATE {sqlstate}]" if sqlstate else ""))


class DriftError(SchemaAssetsError):
    """The live database differs from the desired state its history leads to."""

    exit_code = 1


class UncommittedChangeError(SchemaAssetsError):
    """Versioned mode: the schema files changed, but no committed revision leads there."""

    exit_code = 1
