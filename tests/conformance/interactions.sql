-- Interactions between kinds, where ordering from real dependencies matters.

-- case: foreign key onto a new unique constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY, isin text);
CREATE TABLE s.trades (id bigint PRIMARY KEY, isin text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY, isin text CONSTRAINT instruments_isin_key UNIQUE);
CREATE TABLE s.trades (id bigint PRIMARY KEY, isin text REFERENCES s.instruments (isin));

-- case: partition attached to a new parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL);
ALTER TABLE s.bars ATTACH PARTITION s.bars_2024 FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: new enum value used by a new default and a new check
-- before:
CREATE SCHEMA s;
CREATE TYPE s.state AS ENUM ('open', 'filled');
CREATE TABLE s.orders (id bigint PRIMARY KEY, state s.state NOT NULL DEFAULT 'open');
-- after:
CREATE SCHEMA s;
CREATE TYPE s.state AS ENUM ('pending', 'open', 'filled');
CREATE TABLE s.orders (id bigint PRIMARY KEY, state s.state NOT NULL DEFAULT 'pending' CONSTRAINT orders_state_known CHECK (state <> 'pending' OR id > 0));

-- case: trigger function return type change keeps its trigger
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.stamp() RETURNS timestamptz LANGUAGE sql AS $$ SELECT now() $$;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := s.stamp(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.stamp() RETURNS timestamp LANGUAGE sql AS $$ SELECT localtimestamp $$;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := s.stamp(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();

-- case: view over a retyped column keeps its grant and comment
-- before:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, qty integer);
CREATE VIEW s.v AS SELECT id, qty FROM s.trades;
GRANT SELECT ON s.v TO conformance_reader;
COMMENT ON VIEW s.v IS 'trades view';
-- after:
DO $$ BEGIN CREATE ROLE conformance_reader NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, qty numeric(20, 4));
CREATE VIEW s.v AS SELECT id, qty FROM s.trades;
GRANT SELECT ON s.v TO conformance_reader;
COMMENT ON VIEW s.v IS 'trades view';

-- case: new schema with a table referencing an existing one
-- before:
CREATE SCHEMA ref;
CREATE TABLE ref.instruments (id bigint PRIMARY KEY);
-- after:
CREATE SCHEMA ref;
CREATE SCHEMA raw;
CREATE TABLE ref.instruments (id bigint PRIMARY KEY);
CREATE TABLE raw.trades (id bigint PRIMARY KEY, instrument_id bigint NOT NULL REFERENCES ref.instruments (id));
CREATE INDEX trades_instrument_idx ON raw.trades (instrument_id);

-- case: drop two tables linked by a foreign key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.parent (id bigint PRIMARY KEY);
CREATE TABLE s.child (id bigint PRIMARY KEY, parent_id bigint REFERENCES s.parent (id));
-- after:
CREATE SCHEMA s;

-- case: retype a column used by an index and a foreign key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.parent (id integer PRIMARY KEY);
CREATE TABLE s.child (id bigint PRIMARY KEY, parent_id integer REFERENCES s.parent (id));
CREATE INDEX child_parent_idx ON s.child (parent_id);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.parent (id bigint PRIMARY KEY);
CREATE TABLE s.child (id bigint PRIMARY KEY, parent_id bigint REFERENCES s.parent (id));
CREATE INDEX child_parent_idx ON s.child (parent_id);

-- case: column type changes to a new enum
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint PRIMARY KEY, side text NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side NOT NULL);

-- case: generated column over a retyped column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (price integer, qty integer, notional bigint GENERATED ALWAYS AS (price * qty) STORED);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (price numeric, qty integer, notional numeric GENERATED ALWAYS AS (price * qty) STORED);

-- case: partitioned table with index constraint and trigger in a new schema
-- before:
-- after:
CREATE SCHEMA mkt;
CREATE TABLE mkt.instruments (symbol text PRIMARY KEY);
CREATE TABLE mkt.bars (
    symbol text NOT NULL REFERENCES mkt.instruments (symbol),
    bar_time timestamptz NOT NULL,
    close numeric(18, 8) CHECK (close > 0),
    PRIMARY KEY (symbol, bar_time)
) PARTITION BY RANGE (bar_time);
CREATE TABLE mkt.bars_2025 PARTITION OF mkt.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE INDEX bars_time_brin ON mkt.bars USING brin (bar_time);
CREATE FUNCTION mkt.reject_zero() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.close = 0 THEN RETURN NULL; END IF; RETURN NEW; END $$;
CREATE TRIGGER bars_reject_zero BEFORE INSERT ON mkt.bars FOR EACH ROW EXECUTE FUNCTION mkt.reject_zero();

-- case: sequence owned by a column of a new table
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigserial PRIMARY KEY, n integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 10));

-- case: drop a column used by an index and a unique constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, code text CONSTRAINT t_code_key UNIQUE, note text);
CREATE INDEX t_code_note_idx ON s.t (code, note);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, note text);

-- case: remove an enum value from a type read by a view
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell', 'short');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side NOT NULL);
CREATE VIEW s.buys AS SELECT id FROM s.orders WHERE side = 'buy';
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side NOT NULL);
CREATE VIEW s.buys AS SELECT id FROM s.orders WHERE side = 'buy';

-- case: function read by a view changes return type
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric);
CREATE FUNCTION s.ticks(x numeric) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT (x * 100)::integer $$;
CREATE VIEW s.v AS SELECT id, s.ticks(price) AS ticks FROM s.t;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric);
CREATE FUNCTION s.ticks(x numeric) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT (x * 100)::bigint $$;
CREATE VIEW s.v AS SELECT id, s.ticks(price) AS ticks FROM s.t;

-- case: retype a column used by a partial index predicate
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty integer);
CREATE INDEX t_big_idx ON s.t (id) WHERE qty > 100;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty bigint);
CREATE INDEX t_big_idx ON s.t (id) WHERE qty > 100;

-- case: retype a column used by a policy
-- before:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner varchar(32) NOT NULL);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON s.accounts USING (owner = current_user);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON s.accounts USING (owner = current_user);

-- case: retype a column used by a trigger when clause
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty integer, flagged boolean);
CREATE FUNCTION s.flag() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.flagged := true; RETURN NEW; END $$;
CREATE TRIGGER t_flag BEFORE INSERT ON s.t FOR EACH ROW WHEN (NEW.qty > 1000) EXECUTE FUNCTION s.flag();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty bigint, flagged boolean);
CREATE FUNCTION s.flag() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.flagged := true; RETURN NEW; END $$;
CREATE TRIGGER t_flag BEFORE INSERT ON s.t FOR EACH ROW WHEN (NEW.qty > 1000) EXECUTE FUNCTION s.flag();

-- case: drop a schema whose view reads another schema
-- before:
CREATE SCHEMA core;
CREATE SCHEMA reports;
CREATE TABLE core.trades (id bigint PRIMARY KEY, price numeric);
CREATE VIEW reports.prices AS SELECT id, price FROM core.trades;
-- after:
CREATE SCHEMA core;
CREATE TABLE core.trades (id bigint PRIMARY KEY, price numeric);

-- case: detach a partition and attach it to another parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.old_bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.new_bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.old_bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.old_bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.new_bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL);
ALTER TABLE s.new_bars ATTACH PARTITION s.bars_2024 FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: policy calling a new function
-- before:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY, owner text NOT NULL);
CREATE FUNCTION s.is_owner(o text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT o = current_user $$;
ALTER TABLE s.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_own ON s.accounts USING (s.is_owner(owner));
