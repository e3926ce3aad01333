-- Renames: only with an explicit hint; without one a drop+add is planned (and flagged).

-- case: rename column with a hint
-- renames: s.t.qty=quantity
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty integer NOT NULL DEFAULT 0);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, quantity integer NOT NULL DEFAULT 0);

-- case: rename table with a hint
-- renames: s.trades_old=trades
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades_old (id bigint PRIMARY KEY, symbol text);
CREATE INDEX trades_symbol_idx ON s.trades_old (symbol);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE INDEX trades_symbol_idx ON s.trades (symbol);

-- case: rename column used by an index with a hint
-- renames: s.t.sym=symbol
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, sym text);
CREATE INDEX t_sym_idx ON s.t (sym);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text);
CREATE INDEX t_sym_idx ON s.t (symbol);

-- case: column renamed without a hint is dropped and added
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty integer);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, quantity integer);

-- case: rename table referenced by a foreign key with a hint
-- renames: s.parents=accounts
-- before:
CREATE SCHEMA s;
CREATE TABLE s.parents (id bigint PRIMARY KEY);
CREATE TABLE s.child (id bigint PRIMARY KEY, parent_id bigint REFERENCES s.parents (id));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.accounts (id bigint PRIMARY KEY);
CREATE TABLE s.child (id bigint PRIMARY KEY, parent_id bigint REFERENCES s.accounts (id));

-- case: rename column with a check constraint with a hint
-- renames: s.t.q=qty
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, q int CONSTRAINT t_q_positive CHECK (q > 0));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty int CONSTRAINT t_q_positive CHECK (qty > 0));

-- case: rename table and one of its columns with hints
-- renames: s.old_trades=trades
-- renames: s.old_trades.px=price
-- before:
CREATE SCHEMA s;
CREATE TABLE s.old_trades (id bigint PRIMARY KEY, px numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);

-- case: rename table with a trigger with a hint
-- renames: s.t_old=t
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t_old (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER touch BEFORE UPDATE ON s.t_old FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
