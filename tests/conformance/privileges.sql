-- Privileges (GRANT/REVOKE) on schemas, tables, columns, sequences, functions, views.
-- Roles are cluster-wide: each side creates them idempotently.

-- case: grant select on a table
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY);
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY);
GRANT SELECT ON s.t TO conformance_reader;

-- case: revoke a table privilege
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE conformance_writer NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY);
GRANT SELECT, INSERT, UPDATE ON s.t TO conformance_writer;
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE conformance_writer NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY);
GRANT SELECT, INSERT ON s.t TO conformance_writer;

-- case: grant usage on a schema
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
GRANT USAGE ON SCHEMA s TO conformance_reader;

-- case: column level grant
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, secret text, public_note text);
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, secret text, public_note text);
GRANT SELECT (id, public_note) ON s.t TO conformance_reader;

-- case: revoke execute from public and grant to a role
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
REVOKE EXECUTE ON FUNCTION s.f() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION s.f() TO conformance_reader;

-- case: grant usage on a sequence
-- before:
DO $$ BEGIN CREATE ROLE conformance_writer NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE SEQUENCE s.seq;
-- after:
DO $$ BEGIN CREATE ROLE conformance_writer NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE SEQUENCE s.seq;
GRANT USAGE, SELECT ON SEQUENCE s.seq TO conformance_writer;

-- case: grant on a view
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY);
CREATE VIEW s.v AS SELECT id FROM s.t;
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY);
CREATE VIEW s.v AS SELECT id FROM s.t;
GRANT SELECT ON s.v TO conformance_reader;
