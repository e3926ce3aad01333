"""`schema-assets diff` / `plan` as a user runs them: output, exit codes 0/2/3, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli


@pytest.fixture
def env(empty_db: str) -> dict[str, str]:
    return {"DATABASE_URL": empty_db, "SCHEMA_ASSETS_ALLOW_DESTRUCTIVE": ""}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    for name, sql in {
        "a": "CREATE TABLE t (id int PRIMARY KEY, a text);",
        "b": "CREATE TABLE t (id int PRIMARY KEY, b text);",
        "c": "CREATE TABLE t (id int PRIMARY KEY, a text, n int);",
    }.items():
        (tmp_path / f"{name}.sql").write_text(sql)
        out[name] = str(tmp_path / f"{name}.sql")
    return out


def test_diff_prints_the_migration_sql(env, files) -> None:
    result = run_cli("diff", "--from", files["a"], "--to", files["c"], env=env)
    assert result.returncode == 0, result.stderr
    assert "ALTER TABLE public.t ADD COLUMN n integer;" in result.stdout


def test_diff_of_identical_schemas_says_no_changes(env, files) -> None:
    result = run_cli("diff", "--from", files["a"], "--to", files["a"], env=env)
    assert result.returncode == 0 and "no changes" in result.stdout


def test_diff_accepts_several_files_per_side(env, files, tmp_path: Path) -> None:
    extra = tmp_path / "extra.sql"
    extra.write_text("CREATE INDEX t_a ON t (a);")
    result = run_cli("diff", "--from", files["a"], "--to", files["a"], "--to", str(extra), env=env)
    assert result.returncode == 0 and "CREATE INDEX CONCURRENTLY t_a" in result.stdout


def test_missing_file_is_exit_2_with_a_clear_message(env, files) -> None:
    result = run_cli("diff", "--from", "/nope/x.sql", "--to", files["a"], env=env)
    assert result.returncode == 2
    assert "/nope/x.sql: no such file" in result.stderr and "Traceback" not in result.stderr


def test_bad_sql_is_exit_2_naming_file_and_line(env, tmp_path: Path, files) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE x (id int);\nCREATE TABLE y (id nosuchtype);\n")
    result = run_cli("diff", "--from", files["a"], "--to", str(bad), env=env)
    assert result.returncode == 2 and f"{bad}:2:" in result.stderr
    assert "Traceback" not in result.stderr


def test_destructive_plan_is_refused_with_exit_3_listing_the_steps(env, files) -> None:
    result = run_cli("diff", "--from", files["a"], "--to", files["b"], env=env)
    assert result.returncode == 3
    assert "drop column public.t.a" in result.stderr and "--allow-destructive" in result.stderr
    assert "DROP COLUMN a" in result.stdout


def test_allow_destructive_flag_accepts_the_plan(env, files) -> None:
    result = run_cli(
        "diff", "--from", files["a"], "--to", files["b"], "--allow-destructive", env=env
    )
    assert result.returncode == 0, result.stderr


def test_allow_destructive_environment_variable_accepts_the_plan(env, files) -> None:
    env = {**env, "SCHEMA_ASSETS_ALLOW_DESTRUCTIVE": "1"}
    assert run_cli("diff", "--from", files["a"], "--to", files["b"], env=env).returncode == 0


def test_rename_option_turns_drop_and_add_into_rename(env, files) -> None:
    result = run_cli(
        "diff", "--from", files["a"], "--to", files["b"], "--rename", "public.t.a=b", env=env
    )
    assert result.returncode == 0, result.stderr
    assert "RENAME COLUMN a TO b" in result.stdout


def test_malformed_rename_option_is_exit_2(env, files) -> None:
    result = run_cli("diff", "--from", files["a"], "--to", files["b"], "--rename", "oops", env=env)
    assert result.returncode == 2 and "OLD=NEW" in result.stderr


def test_json_and_markdown_formats(env, files) -> None:
    as_json = run_cli("diff", "--from", files["a"], "--to", files["c"], "--format", "json", env=env)
    data = json.loads(as_json.stdout)
    assert data["steps"][0]["kind"] == "column"
    # The JSON form is the one that carries fingerprints (the SQL form is not slowed by them).
    assert len(data["source_fingerprint"]) == len(data["target_fingerprint"]) == 64
    assert data["source_fingerprint"] != data["target_fingerprint"]
    as_md = run_cli("diff", "--from", files["a"], "--to", files["c"], "--format", "md", env=env)
    assert "| # | action | object |" in as_md.stdout


def test_url_side_is_printed_with_the_password_masked(env, files, empty_db: str) -> None:
    url = empty_db.replace("postgres:@", "postgres:s3cret@")
    result = run_cli("diff", "--from", url, "--to", files["a"], env=env)
    assert result.returncode == 0, result.stderr
    assert "s3cret" not in result.stdout + result.stderr and "***" in result.stdout


def test_plan_on_the_warehouse_says_no_changes(warehouse_db: str) -> None:
    result = run_cli("plan", env={"DATABASE_URL": warehouse_db})
    assert result.returncode == 0, result.stderr
    assert "no changes" in result.stdout


def test_plan_on_an_empty_database_creates_the_warehouse(env) -> None:
    result = run_cli("plan", "--format", "md", env=env)
    assert result.returncode == 0, result.stderr
    assert "create table" in result.stdout and "`raw.trades`" in result.stdout


def test_help_documents_exit_codes() -> None:
    for command in ("diff", "plan"):
        result = run_cli(command, "--help")
        text = " ".join(result.stdout.split())  # help is re-wrapped to the terminal width
        assert result.returncode == 0 and "3 destructive steps not allowed" in text


def test_a_refusal_names_ten_destructive_steps_and_counts_the_rest(env, tmp_path: Path) -> None:
    before, after = tmp_path / "before.sql", tmp_path / "after.sql"
    before.write_text("".join(f"CREATE TABLE t{i:02d} (id int);\n" for i in range(12)))
    after.write_text("CREATE TABLE keep (id int);\n")
    result = run_cli("diff", "--from", str(before), "--to", str(after), env=env)
    assert result.returncode == 3
    assert "the plan has 12 destructive step(s)" in result.stderr
    assert "drop table public.t09" in result.stderr and "public.t10" not in result.stderr
    assert "and 2 more (see the plan)" in result.stderr
    assert "DROP TABLE public.t11" in result.stdout  # the printed plan has every step
