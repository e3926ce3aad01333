-- Functions whose signature or result changes while other objects call them: defaults,
-- checks, indexes, triggers, policies, views and other functions let go and bind again.

-- case: argument type change under a column default
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.next_code(n int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'C' || n $$;
CREATE TABLE s.t (id int PRIMARY KEY, code text DEFAULT s.next_code(1));
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.next_code(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'C' || n $$;
CREATE TABLE s.t (id int PRIMARY KEY, code text DEFAULT s.next_code(1));

-- case: argument type change under a check constraint
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.is_positive(x int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x > 0 $$;
CREATE TABLE s.t (id int PRIMARY KEY, qty int CONSTRAINT qty_ok CHECK (s.is_positive(qty)));
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.is_positive(x numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x > 0 $$;
CREATE TABLE s.t (id int PRIMARY KEY, qty int CONSTRAINT qty_ok CHECK (s.is_positive(qty)));

-- case: argument type change under an expression index
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.norm(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(v) $$;
CREATE TABLE s.t (id int PRIMARY KEY, code varchar(20));
CREATE INDEX t_norm_idx ON s.t (s.norm(code));
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.norm(v varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(v) $$;
CREATE TABLE s.t (id int PRIMARY KEY, code varchar(20));
CREATE INDEX t_norm_idx ON s.t (s.norm(code));

-- case: argument type change under a trigger when clause
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.big(q int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT q > 100 $$;
CREATE FUNCTION s.flag() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.t (id int PRIMARY KEY, qty int);
CREATE TRIGGER t_flag BEFORE INSERT ON s.t FOR EACH ROW WHEN (s.big(NEW.qty)) EXECUTE FUNCTION s.flag();
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.big(q bigint) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT q > 100 $$;
CREATE FUNCTION s.flag() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.t (id int PRIMARY KEY, qty int);
CREATE TRIGGER t_flag BEFORE INSERT ON s.t FOR EACH ROW WHEN (s.big(NEW.qty)) EXECUTE FUNCTION s.flag();

-- case: argument type change under a policy
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.mine(owner text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT owner = current_user $$;
CREATE TABLE s.t (id int PRIMARY KEY, owner varchar(30));
ALTER TABLE s.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON s.t USING (s.mine(owner));
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.mine(owner varchar) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT owner = current_user $$;
CREATE TABLE s.t (id int PRIMARY KEY, owner varchar(30));
ALTER TABLE s.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON s.t USING (s.mine(owner));

-- case: argument type change under a function with a standard sql body
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.fee(q int) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT q * 0.01 $$;
CREATE FUNCTION s.total(q int) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN q + s.fee(q);
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.fee(q bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT q * 0.01 $$;
CREATE FUNCTION s.total(q int) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN q + s.fee(q);

-- case: result type change under a view and a default
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.rate() RETURNS numeric(10, 2) LANGUAGE sql STABLE AS $$ SELECT 1.5 $$;
CREATE TABLE s.t (id int PRIMARY KEY, rate numeric DEFAULT s.rate());
CREATE VIEW s.rates AS SELECT s.rate() AS r;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.rate() RETURNS double precision LANGUAGE sql STABLE AS $$ SELECT 1.5::float8 $$;
CREATE TABLE s.t (id int PRIMARY KEY, rate numeric DEFAULT s.rate());
CREATE VIEW s.rates AS SELECT s.rate() AS r;

-- case: function replaced by an overload with a default argument under a view
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.scaled(v numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT v * 10 $$;
CREATE TABLE s.t (v numeric);
CREATE VIEW s.scaled_t AS SELECT s.scaled(v) AS x FROM s.t;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.scaled(v numeric, factor int DEFAULT 10) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT v * factor $$;
CREATE TABLE s.t (v numeric);
CREATE VIEW s.scaled_t AS SELECT s.scaled(v) AS x FROM s.t;
