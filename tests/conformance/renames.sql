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
