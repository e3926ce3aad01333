-- Row-level security: enable/force, create/change/drop policies.

-- case: enable row level security with a policy
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON s.accounts FOR SELECT TO conformance_reader USING (owner = current_user);

-- case: change policy expression
-- before:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL, active boolean);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON s.accounts USING (owner = current_user);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL, active boolean);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON s.accounts USING (owner = current_user AND active);

-- case: drop policy and disable row level security
-- before:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON s.accounts USING (owner = current_user);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);

-- case: force row level security
-- before:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE s.accounts FORCE ROW LEVEL SECURITY;

-- case: restrictive insert policy with check
-- before:
DO $$ BEGIN CREATE ROLE conformance_writer NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint PRIMARY KEY, qty int);
ALTER TABLE s.orders ENABLE ROW LEVEL SECURITY;
-- after:
DO $$ BEGIN CREATE ROLE conformance_writer NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint PRIMARY KEY, qty int);
ALTER TABLE s.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_small ON s.orders AS RESTRICTIVE FOR INSERT TO conformance_writer WITH CHECK (qty < 1000);
