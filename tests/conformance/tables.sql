-- Tables: create, drop, persistence, storage options, inheritance.

-- case: create table
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (
    id bigint PRIMARY KEY,
    symbol text NOT NULL,
    price numeric(18, 8) NOT NULL,
    traded_at timestamptz NOT NULL DEFAULT now()
);

-- case: drop table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
-- after:
CREATE SCHEMA s;

-- case: unlogged table becomes logged
-- before:
CREATE SCHEMA s;
CREATE UNLOGGED TABLE s.scratch (id int, payload jsonb);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.scratch (id int, payload jsonb);

-- case: storage parameter fillfactor
-- before:
CREATE SCHEMA s;
CREATE TABLE s.quotes (id bigint PRIMARY KEY, bid numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.quotes (id bigint PRIMARY KEY, bid numeric) WITH (fillfactor = 70);

-- case: create inheritance child
-- before:
CREATE SCHEMA s;
CREATE TABLE s.base (id bigint NOT NULL, created_at timestamptz);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.base (id bigint NOT NULL, created_at timestamptz);
CREATE TABLE s.child (extra text) INHERITS (s.base);

-- case: table with no columns gains one
-- before:
CREATE SCHEMA s;
CREATE TABLE s.empty ();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.empty (id int);

-- case: add a column to an inheritance parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.base (id bigint NOT NULL);
CREATE TABLE s.child (extra text) INHERITS (s.base);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.base (id bigint NOT NULL, created_at timestamptz);
CREATE TABLE s.child (extra text) INHERITS (s.base);
