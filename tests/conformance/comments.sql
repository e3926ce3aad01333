-- Comments on every kind that carries one.

-- case: comment on table and column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric);
COMMENT ON TABLE s.t IS 'Executed trades';
COMMENT ON COLUMN s.t.price IS 'Price in quote currency, it''s never negative';

-- case: change and remove comments
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric);
COMMENT ON TABLE s.t IS 'old';
COMMENT ON COLUMN s.t.price IS 'old price';
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric);
COMMENT ON TABLE s.t IS 'new';

-- case: comments on schema, enum, domain, sequence and function
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE DOMAIN s.qty AS integer;
CREATE SEQUENCE s.seq;
CREATE FUNCTION s.one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE DOMAIN s.qty AS integer;
CREATE SEQUENCE s.seq;
CREATE FUNCTION s.one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
COMMENT ON SCHEMA s IS 'trading';
COMMENT ON TYPE s.side IS 'order side';
COMMENT ON DOMAIN s.qty IS 'quantity';
COMMENT ON SEQUENCE s.seq IS 'ids';
COMMENT ON FUNCTION s.one() IS 'constant';

-- case: comments on view, index, constraint and trigger
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint CONSTRAINT t_pkey PRIMARY KEY, a int CONSTRAINT a_pos CHECK (a > 0));
CREATE INDEX t_a_idx ON s.t (a);
CREATE VIEW s.v AS SELECT id FROM s.t;
CREATE FUNCTION s.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_noop BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.noop();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint CONSTRAINT t_pkey PRIMARY KEY, a int CONSTRAINT a_pos CHECK (a > 0));
CREATE INDEX t_a_idx ON s.t (a);
CREATE VIEW s.v AS SELECT id FROM s.t;
CREATE FUNCTION s.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_noop BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.noop();
COMMENT ON VIEW s.v IS 'ids only';
COMMENT ON INDEX s.t_a_idx IS 'lookup by a';
COMMENT ON CONSTRAINT a_pos ON s.t IS 'a is positive';
COMMENT ON TRIGGER t_noop ON s.t IS 'does nothing';
COMMENT ON COLUMN s.v.id IS 'view column';
