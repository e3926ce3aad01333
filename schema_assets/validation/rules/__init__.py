"""The catalog rules, one module per family; the engine runs `RULES` in this order."""

from schema_assets.validation.rules.base import Hit, Rule, RuleContext
from schema_assets.validation.rules.checks import chk001, chk002
from schema_assets.validation.rules.keys import fk001, pk001
from schema_assets.validation.rules.naming import nam001, nam002
from schema_assets.validation.rules.partitions import par001, par002, par003
from schema_assets.validation.rules.required import req001, req002
from schema_assets.validation.rules.sequences import seq001
from schema_assets.validation.rules.types import typ001, typ002, typ003

RULES: tuple[Rule, ...] = (
    pk001,
    fk001,
    typ001,
    typ002,
    typ003,
    nam001,
    nam002,
    req001,
    req002,
    par001,
    par002,
    par003,
    chk001,
    chk002,
    seq001,
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)

__all__ = ["RULES", "RULE_IDS", "Hit", "Rule", "RuleContext"]
