"""What a desired-state file may contain: schema objects, and nothing that acts on the server.

The desired state is loaded into a shadow database, which lives on the warehouse's server unless
`SCHEMA_ASSETS_SHADOW_URL` names another one. A statement that reaches past that database
(roles, databases, tablespaces, `ALTER SYSTEM`, `COPY ... PROGRAM`, signalling other sessions)
or that changes how the rest of the file is executed (transaction control, `SET ROLE`) would act
on the real server while `plan` claims to change nothing. Every statement is checked with
PostgreSQL's own parser (pglast) before anything runs:

- the statement kind must be a schema-object kind (`ALLOWED`); others are rejected with the
  reason in `REJECTED`, or as "not a schema-object statement";
- statements on shared objects (`COMMENT ON DATABASE`, `GRANT ... ON DATABASE`, ...) are
  rejected, as are data statements (the desired state is a schema, not data);
- no expression may call a function that acts outside the database (`denied_function`);
- function bodies (and DO blocks) are scanned token by token, string constants included, for
  the same calls and for cluster-level commands; only `sql` and `plpgsql` bodies are accepted.

The scan cannot see SQL text assembled at run time from pieces; `docs/SAFETY.md` says what
that leaves and how a separate shadow server (`SCHEMA_ASSETS_SHADOW_URL`) closes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from schema_assets.errors import BadInputError
from schema_assets.render.text import one_line

#: Bumped whenever the policy changes: cached shadows are keyed by it (see shadow.shadow_name).
POLICY_VERSION = "1"

ALLOWED = frozenset(
    {
        "AlterDefaultPrivilegesStmt", "AlterDomainStmt", "AlterEnumStmt", "AlterEventTrigStmt",
        "AlterExtensionContentsStmt", "AlterExtensionStmt", "AlterFunctionStmt",
        "AlterObjectDependsStmt", "AlterObjectSchemaStmt", "AlterOpFamilyStmt",
        "AlterOperatorStmt", "AlterOwnerStmt", "AlterPolicyStmt", "AlterPublicationStmt",
        "AlterSeqStmt", "AlterStatsStmt", "AlterTSConfigurationStmt", "AlterTSDictionaryStmt",
        "AlterTableStmt", "AlterTypeStmt", "CallStmt", "CommentStmt", "CompositeTypeStmt",
        "CreateAmStmt", "CreateCastStmt", "CreateConversionStmt", "CreateDomainStmt",
        "CreateEnumStmt", "CreateEventTrigStmt", "CreateExtensionStmt", "CreateFunctionStmt",
        "CreateOpClassStmt", "CreateOpFamilyStmt", "CreatePolicyStmt", "CreatePublicationStmt",
        "CreateRangeStmt", "CreateSchemaStmt", "CreateSeqStmt", "CreateStatsStmt", "CreateStmt",
        "CreateTableAsStmt", "CreateTransformStmt", "CreateTrigStmt", "DefineStmt", "DoStmt", "DropStmt",
        "GrantStmt", "IndexStmt", "RefreshMatViewStmt", "RenameStmt", "RuleStmt", "SelectStmt",
        "VariableSetStmt", "ViewStmt", "CreateForeignTableStmt",
    }
)  # fmt: skip

_CLUSTER = "acts on the whole server, not on the schema"
REJECTED = {
    "CreateRoleStmt": "roles are cluster-wide: " + _CLUSTER,
    "AlterRoleStmt": "roles are cluster-wide: " + _CLUSTER,
    "AlterRoleSetStmt": "role settings are cluster-wide: " + _CLUSTER,
    "DropRoleStmt": "roles are cluster-wide: " + _CLUSTER,
    "GrantRoleStmt": "role membership is cluster-wide: " + _CLUSTER,
    "ReassignOwnedStmt": "REASSIGN OWNED acts on roles, not on the schema",
    "DropOwnedStmt": "DROP OWNED acts on roles, not on the schema",
    "CreatedbStmt": "databases are cluster-wide: " + _CLUSTER,
    "AlterDatabaseStmt": "databases are cluster-wide: " + _CLUSTER,
    "AlterDatabaseSetStmt": "database settings are cluster-wide: " + _CLUSTER,
    "AlterDatabaseRefreshCollStmt": "databases are cluster-wide: " + _CLUSTER,
    "DropdbStmt": "databases are cluster-wide: " + _CLUSTER,
    "CreateTableSpaceStmt": "tablespaces are cluster-wide: " + _CLUSTER,
    "AlterTableSpaceOptionsStmt": "tablespaces are cluster-wide: " + _CLUSTER,
    "AlterTableMoveAllStmt": "tablespaces are cluster-wide: " + _CLUSTER,
    "DropTableSpaceStmt": "tablespaces are cluster-wide: " + _CLUSTER,
    "AlterSystemStmt": "ALTER SYSTEM changes the server's configuration",
    "CopyStmt": "COPY reads or writes files and programs on the server, and loads data",
    "TransactionStmt": "transaction control would split or discard part of the desired state",
    "VacuumStmt": "maintenance commands are not part of a schema",
    "ClusterStmt": "maintenance commands are not part of a schema",
    "ReindexStmt": "maintenance commands are not part of a schema",
    "CheckPointStmt": "CHECKPOINT acts on the whole server",
    "LoadStmt": "LOAD puts a shared library into the server process",
    "CreateSubscriptionStmt": "subscriptions connect to other servers",
    "AlterSubscriptionStmt": "subscriptions connect to other servers",
    "DropSubscriptionStmt": "subscriptions connect to other servers",
    "CreatePLangStmt": "procedural languages are installed by extensions",
    "CreateFdwStmt": "foreign-data wrappers reach other servers",
    "CreateForeignServerStmt": "foreign servers reach other servers",
    "CreateUserMappingStmt": "user mappings hold credentials for other servers",
    "AlterUserMappingStmt": "user mappings hold credentials for other servers",
    "ImportForeignSchemaStmt": "IMPORT FOREIGN SCHEMA reads another server",
    "InsertStmt": "data statements are not part of a schema",
    "UpdateStmt": "data statements are not part of a schema",
    "DeleteStmt": "data statements are not part of a schema",
    "MergeStmt": "data statements are not part of a schema",
    "TruncateStmt": "data statements are not part of a schema",
    "LockStmt": "LOCK is session behaviour, not schema",
    "DiscardStmt": "DISCARD is session behaviour, not schema",
    "NotifyStmt": "NOTIFY signals other sessions",
    "ListenStmt": "LISTEN is session behaviour, not schema",
    "UnlistenStmt": "LISTEN is session behaviour, not schema",
    "PrepareStmt": "prepared statements are session behaviour, not schema",
    "ExecuteStmt": "prepared statements are session behaviour, not schema",
    "DeallocateStmt": "prepared statements are session behaviour, not schema",
    "ExplainStmt": "EXPLAIN ANALYZE executes its statement",
    "SecLabelStmt": "security labels are provider-specific and may label shared objects",
}

#: Object types living in shared catalogs: comments, grants, owners and renames on them would
#: change the server, not the shadow database.
SHARED_OBJECTS = frozenset(
    {"OBJECT_DATABASE", "OBJECT_TABLESPACE", "OBJECT_ROLE", "OBJECT_PARAMETER_ACL",
     "OBJECT_SUBSCRIPTION"}
)  # fmt: skip

#: `SET` may only change how this session parses and reports; never who it is.
SAFE_SETTINGS = frozenset(
    {"search_path", "client_min_messages", "check_function_bodies", "client_encoding",
     "standard_conforming_strings", "statement_timeout", "lock_timeout",
     "idle_in_transaction_session_timeout", "transaction_timeout", "xmloption", "row_security",
     "default_table_access_method", "default_with_oids", "datestyle", "timezone",
     "intervalstyle", "extra_float_digits", "escape_string_warning", "constraint_exclusion",
     "default_toast_compression", "plpgsql.variable_conflict"}
)  # fmt: skip

#: Server functions that act outside the database: signals, files, programs, configuration,
#: replication, large objects, backups, statistics and SQL executed from a string.
DENIED_FUNCTIONS = frozenset(
    {"pg_terminate_backend", "pg_cancel_backend", "pg_signal_backend", "pg_reload_conf",
     "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
     "pg_log_backend_memory_contexts", "pg_import_system_collations", "pg_notify",
     "set_config", "ts_stat", "pg_stat_file", "pg_current_logfile", "pg_log_standby_snapshot",
     "pg_sync_replication_slots", "pg_get_wal_replay_pause_state"}
)  # fmt: skip
DENIED_PREFIXES = (
    "pg_read_", "pg_ls_", "pg_file_", "pg_logdir_", "pg_sleep", "pg_advisory", "pg_try_advisory",
    "pg_stat_reset", "pg_replication_", "pg_logical_", "pg_create_", "pg_drop_", "pg_copy_",
    "pg_wal_", "pg_backup_", "pg_start_backup", "pg_stop_backup", "pg_restore_", "pg_clear_",
    "pg_set_", "lo_", "dblink", "binary_upgrade_", "query_to_xml", "table_to_xml",
    "cursor_to_xml", "schema_to_xml", "database_to_xml",
)  # fmt: skip

#: Token pairs that start a cluster- or session-level command inside a function body.
_BODY_COMMANDS = {
    ("CREATE", "ROLE"), ("CREATE", "USER"), ("CREATE", "GROUP"), ("ALTER", "ROLE"),
    ("ALTER", "USER"), ("ALTER", "GROUP"), ("DROP", "ROLE"), ("DROP", "USER"),
    ("DROP", "GROUP"), ("ALTER", "SYSTEM"), ("CREATE", "DATABASE"), ("ALTER", "DATABASE"),
    ("DROP", "DATABASE"), ("CREATE", "TABLESPACE"), ("ALTER", "TABLESPACE"),
    ("DROP", "TABLESPACE"), ("SESSION", "AUTHORIZATION"), ("SET", "ROLE"), ("RESET", "ROLE"),
    ("RESET", "ALL"), ("CREATE", "SUBSCRIPTION"), ("ALTER", "SUBSCRIPTION"),
    ("DROP", "SUBSCRIPTION"), ("TO", "PROGRAM"), ("FROM", "PROGRAM"), ("REASSIGN", "OWNED"),
    ("CREATE", "SERVER"), ("USER", "MAPPING"), ("IMPORT", "FOREIGN"),
}  # fmt: skip
_BODY_WORDS = {"COPY": "COPY", "LOAD": "LOAD", "CHECKPOINT": "CHECKPOINT"}
_SAFE_LANGUAGES = frozenset({"sql", "plpgsql"})
_MAX_DEPTH = 4  # string constants inside string constants


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    statement: str
    reason: str

    def __str__(self) -> str:
        first = self.statement.strip().splitlines()[0] if self.statement.strip() else ""
        where = f"{one_line(self.file)}:{self.line}"
        return f"{where}: {self.reason}\n    in statement: {one_line(first, 120)}"


class StatementPolicyError(BadInputError):
    """The desired state holds statements that are not schema objects (exit 2)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        lines = "\n".join(f"  {v}" for v in self.violations)
        super().__init__(
            f"the desired state may only define schema objects; {len(self.violations)} "
            f"statement(s) refused, nothing was executed:\n{lines}"
        )


class EmptyDesiredStateError(BadInputError):
    """No statement at all: planning it would drop the whole warehouse."""


# ----------------------------------------------------------------- function names


def denied_function(name: str) -> bool:
    """True for server functions that act outside the database (see module docstring)."""
    name = name.lower()
    return name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)


def _name(parts: Iterable[dict[str, Any]]) -> str:
    return ".".join(str(p.get("sval", "")) for p in parts)


def _enum_name(value: Any) -> str:
    return value.get("name", "") if isinstance(value, dict) else str(value or "")


# ----------------------------------------------------------------- function bodies


def _unquote(token_text: str) -> str | None:
    """Content of a string constant token ('...', E'...', $tag$...$tag$); None if not one."""
    t = token_text
    if t[:1] in "eE" and t[1:2] == "'":
        return t[2:-1].replace("''", "'").replace("\\'", "'")
    if t[:1] == "'":
        return t[1:-1].replace("''", "'")
    if t.startswith("$"):
        end = t.find("$", 1)
        tag = t[: end + 1]
        if end > 0 and t.endswith(tag) and len(t) >= 2 * len(tag):
            return t[len(tag) : -len(tag)]
    return None


def scan_body(body: str, depth: int = 0) -> list[str]:
    """Reasons a function or DO body is refused (empty: accepted)."""
    from pglast.parser import scan  # on first use: see render.sql._keywords

    try:
        tokens = scan(body)
    except Exception:  # pglast scans any text; a failure means we cannot vouch for it
        return ["its body cannot be scanned"]
    reasons: list[str] = []
    words: list[str] = []
    for tok in tokens:
        text = body[tok.start : tok.end + 1]
        if tok.name == "SCONST":
            inner = _unquote(text)
            if inner is not None and depth < _MAX_DEPTH:
                reasons += scan_body(inner, depth + 1)
            words.append("")
            continue
        if tok.name == "IDENT" or tok.kind != "NO_KEYWORD":
            word = text.strip('"')
            if denied_function(word):
                reasons.append(f"it calls {one_line(word)}(), which acts outside the database")
            words.append(word.upper())
        else:
            words.append("")
    for a, b in zip(words, words[1:], strict=False):
        if (a, b) in _BODY_COMMANDS:
            reasons.append(f"it runs {a} {b}, which " + _CLUSTER)
    for word, label in _BODY_WORDS.items():
        if word in words:
            reasons.append(f"it runs {label}, which is not allowed in a desired state")
    return sorted(set(reasons))


def _function_reasons(stmt: dict[str, Any]) -> list[str]:
    """Function, procedure and DO bodies: a safe language, and a body that passes the scan."""
    language, body = None, []
    for opt in stmt.get("options") or stmt.get("args") or ():
        if stmt.get("@") == "DoStmt" and opt.get("defname") == "as":
            language = language or "plpgsql"
        if opt.get("defname") == "language":
            language = str(opt.get("arg", {}).get("sval", "")).lower()
        elif opt.get("defname") == "as":
            body = [str(a.get("sval", "")) for a in _walk(opt.get("arg")) if "sval" in a]
    if stmt.get("sql_body") is not None:
        language = language or "sql"
    if language not in _SAFE_LANGUAGES:
        return [
            f"functions in language {one_line(language) or '?'} are not allowed (only sql and "
            "plpgsql: others run code outside the database or load libraries)"
        ]
    reasons: list[str] = []
    for text in body:
        reasons += scan_body(text)
    return reasons


# ----------------------------------------------------------------- statements


def statement_reasons(node: Any, text: str = "") -> list[str]:
    """Why one parsed statement (a pglast node) is refused; empty when it is allowed."""
    return _reasons(node(skip_none=True), _command(text))


def _command(text: str) -> str:
    """The statement's leading keywords (`CREATE ROLE`, `COMMENT ON DATABASE`) for messages."""
    from pglast.parser import scan

    try:
        tokens = scan(text)
    except Exception:
        return "this statement"
    words = []
    for tok in tokens[:4]:
        if tok.kind == "NO_KEYWORD":
            break
        words.append(text[tok.start : tok.end + 1].upper())
    return " ".join(words) or "this statement"


def _reasons(stmt: dict[str, Any], label: str = "this statement") -> list[str]:
    kind = stmt.get("@", "")
    if kind in REJECTED:
        return [f"{label} is not allowed: {REJECTED[kind]}"]
    if kind not in ALLOWED:
        return [f"{label} is not a schema-object statement"]
    reasons: list[str] = []
    objtype = _enum_name(stmt.get("objtype") or stmt.get("objectType") or stmt.get("renameType"))
    if objtype in SHARED_OBJECTS:
        what = objtype.removeprefix("OBJECT_").lower().replace("_", " ")
        reasons.append(f"{label} is not allowed: a {what} is shared by the whole server")
    if kind == "VariableSetStmt":
        name = str(stmt.get("name") or "").lower()
        set_kind = _enum_name(stmt.get("kind"))
        if set_kind == "VAR_RESET_ALL" or name not in SAFE_SETTINGS:
            reasons.append(f"SET/RESET of {one_line(name) or 'ALL'} is not allowed (session identity or "
                           "server behaviour; only parsing/reporting settings may be set)")  # fmt: skip
    if kind in ("CreateFunctionStmt", "DoStmt"):
        reasons += _function_reasons(stmt)
    if kind == "SelectStmt" and (stmt.get("intoClause") or stmt.get("lockingClause")):
        reasons.append("SELECT INTO / FOR UPDATE is data manipulation, not schema")
    if kind == "CreateSchemaStmt":
        for element in stmt.get("schemaElts") or ():
            reasons += _reasons(element, label)
    for sub in _walk({k: v for k, v in stmt.items() if k != "schemaElts"}):
        if sub.get("@") == "FuncCall":
            name = _name(sub.get("funcname") or ())
            last = name.rsplit(".", 1)[-1]
            if last.lower() == "set_config" and _safe_set_config(sub):
                continue
            if denied_function(last):
                reasons.append(f"it calls {one_line(name)}(), which acts outside the database")
        elif sub.get("@") in ("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt") and (
            sub is not stmt
        ):
            reasons.append("data-modifying statements are not part of a schema")
    return sorted(set(reasons))


def _safe_set_config(call: dict[str, Any]) -> bool:
    """`set_config('search_path', '', false)` as pg_dump writes it is harmless."""
    args = call.get("args") or ()
    first = args[0].get("val", {}) if args and isinstance(args[0], dict) else {}
    return str(first.get("sval", "")).lower() in SAFE_SETTINGS


# ----------------------------------------------------------------- files


def check_statements(statements: Sequence[Any]) -> None:
    """Raise StatementPolicyError for refused statements, EmptyDesiredStateError when none.

    `statements` are `sqlfiles.SqlStatement`s (file, line, text).
    """
    from pglast import parse_sql
    from pglast.parser import ParseError

    if not statements:
        raise EmptyDesiredStateError(
            "the desired state is empty (no statement in the schema files): planning it would "
            "drop every object of the warehouse. Check SCHEMA_ASSETS_SCHEMA_FILES and the files."
        )
    violations: list[Violation] = []
    for stmt in statements:
        try:
            parsed = parse_sql(stmt.text)
        except ParseError as exc:  # split_statements parsed the file already
            violations.append(Violation(stmt.file, stmt.line, stmt.text, f"syntax error: {exc}"))
            continue
        for raw in parsed:
            for reason in statement_reasons(raw.stmt, stmt.text):
                violations.append(Violation(stmt.file, stmt.line, stmt.text, reason))
    if violations:
        raise StatementPolicyError(violations)
