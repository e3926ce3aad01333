"""squawk findings on a plan: attached to the right step, warnings unless configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

from schema_assets.config import Settings
from schema_assets.errors import PlanRefusedError
from schema_assets.plan import Plan, Step
from schema_assets.safety.lint import check_lint, lint_plan, squawk_binary

PLAIN_INDEX = Step(
    kind="index",
    action="create",
    object="raw.trades_symbol_idx",
    up=('CREATE INDEX "trades_symbol_idx" ON "raw"."trades" ("symbol")',),
    lock="SHARE",
)
CONCURRENT_INDEX = Step(
    kind="index",
    action="create",
    object="raw.trades_symbol_idx",
    up=('CREATE INDEX CONCURRENTLY "trades_symbol_idx" ON "raw"."trades" ("symbol")',),
    transactional=False,
    lock="SHARE UPDATE EXCLUSIVE",
)
FK_TWO_STATEMENTS = Step(
    kind="constraint",
    action="create",
    object="raw.trades.trades_instrument_fk",
    up=(
        'ALTER TABLE "raw"."trades" ADD COLUMN "note" text',
        'ALTER TABLE "raw"."trades" ADD CONSTRAINT "trades_instrument_fk" '
        'FOREIGN KEY ("instrument_id") REFERENCES "ref"."instruments" ("instrument_id")',
    ),
)


def settings(**lint) -> Settings:
    return Settings(project_root=Path.cwd(), tool={"lint": lint} if lint else {})


def rules(plan: Plan) -> set[str]:
    return {f["rule"] for f in plan.lint}


def test_squawk_binary_is_found_in_the_environment():
    assert squawk_binary() is not None


def test_plain_index_build_is_reported_as_a_warning_on_its_step():
    plan = lint_plan(Plan(steps=(CONCURRENT_INDEX, PLAIN_INDEX)), settings())
    [finding] = [f for f in plan.lint if f["rule"] == "require-concurrent-index-creation"]
    assert finding["level"] == "warning"
    assert finding["step"] == 2 and finding["statement"] == 1
    assert finding["object"] == "create index raw.trades_symbol_idx"


CREATE_TRADES = Step(
    kind="table",
    action="create",
    object="raw.trades",
    up=('CREATE TABLE "raw"."trades" ("symbol" text, "instrument_id" bigint)',),
)


def test_steps_on_a_table_created_earlier_in_the_plan_are_not_lock_findings():
    plan = lint_plan(Plan(steps=(CREATE_TRADES, PLAIN_INDEX, FK_TWO_STATEMENTS)), settings())
    assert not rules(plan) & {
        "require-concurrent-index-creation",
        "constraint-missing-not-valid",
        "adding-foreign-key-constraint",
    }


def test_the_same_steps_on_an_existing_table_are_lock_findings():
    plan = lint_plan(Plan(steps=(PLAIN_INDEX, FK_TWO_STATEMENTS)), settings())
    assert {"require-concurrent-index-creation", "constraint-missing-not-valid"} <= rules(plan)


def test_concurrent_index_with_the_appliers_lock_timeout_has_no_findings():
    plan = lint_plan(Plan(steps=(CONCURRENT_INDEX,)), settings())
    assert plan.lint == ()


def test_finding_names_the_statement_within_a_multi_statement_step():
    plan = lint_plan(Plan(steps=(FK_TWO_STATEMENTS,)), settings())
    statements = {f["statement"] for f in plan.lint if f["rule"] == "adding-foreign-key-constraint"}
    assert statements == {2}


def test_rule_configured_as_error_is_an_error_and_refuses_the_plan():
    plan = lint_plan(
        Plan(steps=(PLAIN_INDEX,)), settings(errors=["require-concurrent-index-creation"])
    )
    assert {f["level"] for f in plan.lint if f["rule"] == "require-concurrent-index-creation"} == {
        "error"
    }
    with pytest.raises(PlanRefusedError, match="require-concurrent-index-creation"):
        check_lint(plan)


def test_warnings_alone_do_not_refuse_the_plan():
    plan = lint_plan(Plan(steps=(PLAIN_INDEX,)), settings())
    assert plan.lint
    check_lint(plan)


def test_excluded_rules_are_not_reported():
    plan = lint_plan(
        Plan(steps=(PLAIN_INDEX,)), settings(exclude=["require-concurrent-index-creation"])
    )
    assert "require-concurrent-index-creation" not in rules(plan)


def test_default_excludes_can_be_turned_back_on():
    quiet = lint_plan(Plan(steps=(PLAIN_INDEX,)), settings())
    loud = lint_plan(Plan(steps=(PLAIN_INDEX,)), settings(exclude=[]))
    assert "require-statement-timeout" not in rules(quiet)
    assert "require-statement-timeout" in rules(loud)


def test_missing_squawk_is_a_warning_not_a_crash(tmp_path):
    plan = lint_plan(Plan(steps=(PLAIN_INDEX,)), settings(), binary=tmp_path / "no-squawk")
    assert plan.lint == ()
    assert any("squawk binary was not found" in w for w in plan.warnings)


def test_findings_appear_in_the_plan_markdown():
    plan = lint_plan(Plan(steps=(PLAIN_INDEX,)), settings())
    assert "require-concurrent-index-creation" in plan.to_markdown()


def test_plan_commands_show_lint_findings_in_sql_and_markdown(tmp_path, pg_server):
    before, after = tmp_path / "before.sql", tmp_path / "after.sql"
    before.write_text("CREATE TABLE public.t (id bigint PRIMARY KEY, a text);\n")
    after.write_text("CREATE TABLE public.t (id bigint PRIMARY KEY);\n")
    env = {"DATABASE_URL": pg_server}
    args = ("diff", "--from", str(before), "--to", str(after), "--allow-destructive")
    sql = run_cli(*args, env=env)
    assert sql.returncode == 0, sql.stderr
    assert "-- lint: 1 finding(s)" in sql.stdout and "ban-drop-column" in sql.stdout
    md = run_cli(*args, "--format", "md", env=env)
    assert "#### Lint" in md.stdout and "`ban-drop-column` (warning)" in md.stdout
