-- =============================================================================
-- setup_schema_functions.sql
--
-- Helper schema and functions required by schema.sql. Applied FIRST.
-- Idempotent: every statement can be re-run safely (CREATE ... IF NOT EXISTS /
-- CREATE OR REPLACE), so this file may be applied on every deployment.
-- Only core PostgreSQL (14+) features are used.
-- =============================================================================

CREATE SCHEMA IF NOT EXISTS util;

COMMENT ON SCHEMA util IS 'Helper functions shared by all warehouse schemas (triggers, partition maintenance).';

-- -----------------------------------------------------------------------------
-- util.set_updated_at(): BEFORE UPDATE row trigger maintaining updated_at.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION util.set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $function$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$function$;

COMMENT ON FUNCTION util.set_updated_at() IS
    'Trigger function for BEFORE UPDATE ... FOR EACH ROW triggers: sets NEW.updated_at to now().';

-- -----------------------------------------------------------------------------
-- util.create_monthly_partitions(parent, start_month, months)
--
-- Creates the missing monthly range partitions <parent>_pYYYYMM (in the
-- parent's schema) for `months` consecutive months starting at the month that
-- contains start_month. Returns the schema-qualified names of the partitions
-- that were actually created by this call (existing ones are skipped).
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION util.create_monthly_partitions(
    parent      regclass,
    start_month date,
    months      integer
)
RETURNS SETOF text
LANGUAGE plpgsql
AS $function$
DECLARE
    v_schema    name;
    v_table     name;
    v_nsp_oid   oid;
    v_strategy  "char";
    v_first     date;
    v_from      date;
    v_to        date;
    v_part_name text;
    i           integer;
BEGIN
    IF parent IS NULL OR start_month IS NULL OR months IS NULL THEN
        RAISE EXCEPTION 'util.create_monthly_partitions: arguments must not be NULL';
    END IF;
    IF months < 0 THEN
        RAISE EXCEPTION 'util.create_monthly_partitions: months must be >= 0 (got %)', months;
    END IF;

    SELECT n.nspname, c.relname, n.oid, pt.partstrat
      INTO v_schema, v_table, v_nsp_oid, v_strategy
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = c.oid
     WHERE c.oid = parent::oid;

    IF v_strategy IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION 'util.create_monthly_partitions: % is not a range-partitioned table', parent;
    END IF;

    v_first := start_month - (extract(day FROM start_month)::integer - 1);

    FOR i IN 0 .. months - 1 LOOP
        v_from      := (v_first + make_interval(months => i))::date;
        v_to        := (v_from + interval '1 month')::date;
        v_part_name := v_table || '_p' || to_char(v_from, 'YYYYMM');

        CONTINUE WHEN EXISTS (
            SELECT 1
              FROM pg_catalog.pg_class c
             WHERE c.relnamespace = v_nsp_oid
               AND c.relname = v_part_name
        );

        BEGIN
            EXECUTE format(
                'CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                v_schema, v_part_name, v_schema, v_table,
                -- Explicit UTC: bounds must not depend on the session's TimeZone.
                to_char(v_from, 'YYYY-MM-DD') || ' 00:00:00+00',
                to_char(v_to, 'YYYY-MM-DD') || ' 00:00:00+00'
            );
        EXCEPTION WHEN duplicate_table THEN
            -- Created concurrently by another session: not ours to report.
            CONTINUE;
        END;

        RETURN NEXT format('%I.%I', v_schema, v_part_name);
    END LOOP;

    RETURN;
END;
$function$;

COMMENT ON FUNCTION util.create_monthly_partitions(regclass, date, integer) IS
    'Creates missing monthly range partitions <parent>_pYYYYMM for the given number of months starting at start_month; returns the qualified names of the partitions it created.';

-- -----------------------------------------------------------------------------
-- util.ensure_default_partition(parent)
--
-- Creates <parent>_default as the DEFAULT partition if the parent has no
-- default partition yet. Returns the qualified name when created, else NULL.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION util.ensure_default_partition(parent regclass)
RETURNS text
LANGUAGE plpgsql
AS $function$
DECLARE
    v_schema    name;
    v_table     name;
    v_default   oid;
    v_part_name text;
BEGIN
    IF parent IS NULL THEN
        RAISE EXCEPTION 'util.ensure_default_partition: parent must not be NULL';
    END IF;

    SELECT n.nspname, c.relname, pt.partdefid
      INTO v_schema, v_table, v_default
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = c.oid
     WHERE c.oid = parent::oid;

    IF NOT FOUND THEN
        RAISE EXCEPTION 'util.ensure_default_partition: % is not a partitioned table', parent;
    END IF;

    IF v_default <> 0 THEN
        RETURN NULL;   -- a default partition already exists
    END IF;

    v_part_name := v_table || '_default';

    BEGIN
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I DEFAULT',
                       v_schema, v_part_name, v_schema, v_table);
    EXCEPTION WHEN duplicate_table OR duplicate_object THEN
        RETURN NULL;
    END;

    RETURN format('%I.%I', v_schema, v_part_name);
END;
$function$;

COMMENT ON FUNCTION util.ensure_default_partition(regclass) IS
    'Creates the DEFAULT partition <parent>_default if the partitioned table has none; returns its qualified name when created, NULL otherwise.';

-- -----------------------------------------------------------------------------
-- util.ensure_partitions(months_back, months_ahead)
--
-- Scheduled maintenance: for every range-partitioned table in the raw,
-- staging, features and ml schemas, creates the monthly partitions from
-- (current month - months_back) through (current month + months_ahead).
-- Returns the qualified names of the partitions it created.
-- -----------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION util.ensure_partitions(
    months_back  integer DEFAULT 1,
    months_ahead integer DEFAULT 2
)
RETURNS SETOF text
LANGUAGE plpgsql
AS $function$
DECLARE
    v_parent regclass;
    v_start  date;
BEGIN
    IF months_back IS NULL OR months_ahead IS NULL OR months_back < 0 OR months_ahead < 0 THEN
        RAISE EXCEPTION 'util.ensure_partitions: months_back and months_ahead must be non-negative';
    END IF;

    v_start := (date_trunc('month', now()) - make_interval(months => months_back))::date;

    FOR v_parent IN
        SELECT c.oid::regclass
          FROM pg_catalog.pg_partitioned_table pt
          JOIN pg_catalog.pg_class c ON c.oid = pt.partrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE pt.partstrat = 'r'
           AND NOT c.relispartition
           AND n.nspname IN ('raw', 'staging', 'features', 'ml')
         ORDER BY n.nspname, c.relname
    LOOP
        RETURN QUERY
            SELECT created
              FROM util.create_monthly_partitions(v_parent, v_start,
                                                  months_back + months_ahead + 1) AS created;
    END LOOP;

    RETURN;
END;
$function$;

COMMENT ON FUNCTION util.ensure_partitions(integer, integer) IS
    'Creates missing monthly partitions for every range-partitioned table in raw, staging, features and ml, from months_back months ago to months_ahead months ahead; returns the qualified names created.';
