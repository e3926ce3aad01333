"""CHECK constraint definitions → simple conditions (column op constant/column, IN, BETWEEN, ~).

Both the rules (is `price > 0` declared?) and the pandera derivation (turn declared checks
into dataframe checks) need to know what a CHECK says. We parse PostgreSQL's own deparsed
text with pglast and keep only the top-level AND terms we understand; anything else
(functions, OR, CASE) is reported as untranslated rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, BoolExprType

_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "=": "=", "<>": "<>"}
COMPARISONS = tuple(_FLIP)


@dataclass(frozen=True)
class Condition:
    """One understood AND term of a CHECK; NULLs pass it, as in SQL."""

    kind: str  # 'compare' | 'between' | 'in' | 'match'
    column: str
    op: str = ""  # compare: one of COMPARISONS; match: '~' or '!~'
    value: Any = None  # constant operand (compare), pattern (match)
    other: str | None = None  # column operand (compare)
    values: tuple[Any, ...] = ()  # in: allowed values; between: (low, high)


@dataclass(frozen=True)
class ParsedCheck:
    conditions: tuple[Condition, ...]
    untranslated: int  # AND terms we could not express


class _Unknown(Exception):
    pass


_NUMBER_TYPES = frozenset({"numeric", "int2", "int4", "int8", "float4", "float8"})


def _const(node: Any) -> Any:
    # pglast types every child as Optional; the shapes below are checked at run time.
    n: Any = node
    if isinstance(node, ast.TypeCast):
        value = _const(n.arg)
        names = n.typeName.names if n.typeName is not None else ()
        type_name = names[-1].sval if names else ""
        if isinstance(value, str) and type_name in _NUMBER_TYPES:
            return Decimal(value)  # big literals are deparsed quoted: '1000000000000'::numeric
        return value
    if isinstance(node, ast.A_Const) and not node.isnull:
        val = node.val
        if isinstance(val, ast.Integer):
            return val.ival
        if isinstance(val, ast.Float):
            return Decimal(str(val.fval))
        if isinstance(val, ast.String):
            return val.sval
        if isinstance(val, ast.Boolean):
            return val.boolval
    raise _Unknown


def _column(node: Any) -> str:
    if isinstance(node, ast.ColumnRef) and node.fields and len(node.fields) == 1:
        field: Any = node.fields[0]
        if isinstance(field, ast.String) and field.sval is not None:
            return str(field.sval)
    raise _Unknown


def _is_column(node: Any) -> bool:
    try:
        _column(node)
        return True
    except _Unknown:
        return False


def _op(node: Any) -> str:
    return str(node.name[-1].sval)


def _term(expr: Any) -> Condition:
    if not isinstance(expr, ast.A_Expr):
        raise _Unknown
    node: Any = expr
    if node.kind == A_Expr_Kind.AEXPR_OP:
        op = _op(node)
        if op in ("~", "!~"):
            return Condition("match", _column(node.lexpr), op=op, value=str(_const(node.rexpr)))
        if op not in _FLIP:
            raise _Unknown
        if _is_column(node.lexpr) and _is_column(node.rexpr):
            return Condition("compare", _column(node.lexpr), op=op, other=_column(node.rexpr))
        if _is_column(node.lexpr):
            return Condition("compare", _column(node.lexpr), op=op, value=_const(node.rexpr))
        return Condition("compare", _column(node.rexpr), op=_FLIP[op], value=_const(node.lexpr))
    if node.kind == A_Expr_Kind.AEXPR_OP_ANY and _op(node) == "=":
        if isinstance(node.rexpr, ast.A_ArrayExpr):
            values = tuple(_const(e) for e in node.rexpr.elements or ())
            return Condition("in", _column(node.lexpr), values=values)
    if node.kind == A_Expr_Kind.AEXPR_IN and _op(node) == "=":
        return Condition("in", _column(node.lexpr), values=tuple(_const(e) for e in node.rexpr))
    if node.kind == A_Expr_Kind.AEXPR_BETWEEN:
        low, high = node.rexpr
        return Condition("between", _column(node.lexpr), values=(_const(low), _const(high)))
    raise _Unknown


def _and_terms(node: Any) -> list[Any]:
    if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.AND_EXPR:
        return [t for arg in node.args or () for t in _and_terms(arg)]
    return [node]


def _expression(definition: str) -> str:
    text = definition.strip()
    for suffix in (" NOT VALID", " NO INHERIT"):
        if text.endswith(suffix):
            text = text[: -len(suffix)].rstrip()
    if text.upper().startswith("CHECK"):
        text = text[5:].strip()
    return text


@lru_cache(maxsize=4096)
def parse_check(definition: str) -> ParsedCheck:
    """Understood AND terms of a `CHECK (...)` definition as deparsed by pg_get_constraintdef."""
    try:
        stmt: Any = parse_sql("SELECT " + _expression(definition))[0].stmt
        expr = stmt.targetList[0].val
    except Exception:  # pglast raises several error types; none is ours to report here
        return ParsedCheck((), 1)
    conditions: list[Condition] = []
    untranslated = 0
    for term in _and_terms(expr):
        try:
            conditions.append(_term(term))
        except (_Unknown, ValueError, TypeError, AttributeError):
            untranslated += 1
    return ParsedCheck(tuple(conditions), untranslated)


def states_positive(condition: Condition, column: str) -> bool:
    """True when the condition alone guarantees `column > 0` (for non-null values)."""
    if condition.column != column:
        return False
    number = condition.value if isinstance(condition.value, (int, Decimal)) else None
    if condition.kind == "compare" and condition.other is None and number is not None:
        return (condition.op == ">" and number >= 0) or (condition.op == ">=" and number > 0)
    if condition.kind == "between":
        low = condition.values[0]
        return isinstance(low, (int, Decimal)) and not isinstance(low, bool) and low > 0
    return False


def states_at_least(condition: Condition, high: str, low: str) -> bool:
    """True when the condition states `high >= low` (or the stricter `high > low`)."""
    if condition.kind != "compare" or condition.other is None:
        return False
    pair, op = (condition.column, condition.other), condition.op
    return (pair == (high, low) and op in (">=", ">")) or (
        pair == (low, high) and op in ("<=", "<")
    )
