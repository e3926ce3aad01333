-- Views and materialized views: create, drop, change, dependencies, options, indexes.

-- case: create view
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE VIEW s.expensive AS SELECT id, symbol FROM s.trades WHERE price > 100;

-- case: drop view
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE VIEW s.symbols AS SELECT DISTINCT symbol FROM s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);

-- case: change view definition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE VIEW s.v AS SELECT id, symbol FROM s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE VIEW s.v AS SELECT id, symbol FROM s.trades WHERE price IS NOT NULL;

-- case: view drops a column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE VIEW s.v AS SELECT id, symbol, price FROM s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE VIEW s.v AS SELECT id, price FROM s.trades;

-- case: view with security barrier option
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE VIEW s.v AS SELECT id, symbol FROM s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE VIEW s.v WITH (security_barrier = true) AS SELECT id, symbol FROM s.trades;

-- case: create materialized view with index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE MATERIALIZED VIEW s.daily AS SELECT symbol, avg(price) AS avg_price FROM s.trades GROUP BY symbol;
CREATE UNIQUE INDEX daily_symbol_idx ON s.daily (symbol);

-- case: change materialized view keeps its index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE MATERIALIZED VIEW s.daily AS SELECT symbol, avg(price) AS avg_price FROM s.trades GROUP BY symbol;
CREATE UNIQUE INDEX daily_symbol_idx ON s.daily (symbol);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE MATERIALIZED VIEW s.daily AS SELECT symbol, avg(price) AS avg_price, max(price) AS max_price FROM s.trades GROUP BY symbol;
CREATE UNIQUE INDEX daily_symbol_idx ON s.daily (symbol);

-- case: drop materialized view
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE MATERIALIZED VIEW s.m AS SELECT count(*) AS n FROM s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);

-- case: view over a retyped column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, qty integer);
CREATE VIEW s.big AS SELECT id, qty FROM s.trades WHERE qty > 1000;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, qty bigint);
CREATE VIEW s.big AS SELECT id, qty FROM s.trades WHERE qty > 1000;

-- case: materialized view with index over a retyped column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol varchar(8), price numeric);
CREATE MATERIALIZED VIEW s.last AS SELECT symbol, max(price) AS price FROM s.trades GROUP BY symbol;
CREATE UNIQUE INDEX last_symbol_idx ON s.last (symbol);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE MATERIALIZED VIEW s.last AS SELECT symbol, max(price) AS price FROM s.trades GROUP BY symbol;
CREATE UNIQUE INDEX last_symbol_idx ON s.last (symbol);

-- case: view on a view over a retyped column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric(10, 2));
CREATE VIEW s.v1 AS SELECT id, price FROM s.trades;
CREATE VIEW s.v2 AS SELECT id, price * 2 AS doubled FROM s.v1;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric(18, 8));
CREATE VIEW s.v1 AS SELECT id, price FROM s.trades;
CREATE VIEW s.v2 AS SELECT id, price * 2 AS doubled FROM s.v1;

-- case: view using a function
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
CREATE FUNCTION s.bps(x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT x * 10000';
CREATE VIEW s.v AS SELECT id, s.bps(price) AS price_bps FROM s.trades;

-- case: view on a dropped column is dropped first
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, legacy text);
CREATE VIEW s.v AS SELECT id, legacy FROM s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
