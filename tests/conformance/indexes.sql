-- Indexes: plain, unique, partial, expression, INCLUDE, methods (hash, gist, brin), changes.

-- case: create index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text, at timestamptz);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text, at timestamptz);
CREATE INDEX t_symbol_at_idx ON s.t (symbol, at DESC);

-- case: drop index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text);
CREATE INDEX t_symbol_idx ON s.t (symbol);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text);

-- case: unique index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, code text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, code text);
CREATE UNIQUE INDEX t_code_uidx ON s.t (code);

-- case: partial index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text, active boolean);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text, active boolean);
CREATE INDEX t_active_symbol_idx ON s.t (symbol) WHERE active;

-- case: expression index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, email text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, email text);
CREATE UNIQUE INDEX t_email_lower_idx ON s.t (lower(email));

-- case: index with include columns
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE INDEX t_symbol_incl_idx ON s.t (symbol) INCLUDE (price);

-- case: hash index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, token text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, token text);
CREATE INDEX t_token_hash ON s.t USING hash (token);

-- case: gist index on a range
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, valid tstzrange);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, valid tstzrange);
CREATE INDEX t_valid_gist ON s.t USING gist (valid);

-- case: brin index with storage parameter
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, at timestamptz);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, at timestamptz);
CREATE INDEX t_at_brin ON s.t USING brin (at) WITH (pages_per_range = 32);

-- case: change index columns under the same name
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, a int, b int);
CREATE INDEX t_idx ON s.t (a);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, a int, b int);
CREATE INDEX t_idx ON s.t (a, b);

-- case: index becomes unique
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, a int);
CREATE INDEX t_a_idx ON s.t (a);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, a int);
CREATE UNIQUE INDEX t_a_idx ON s.t (a);

-- case: index with operator class
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text);
CREATE INDEX t_symbol_prefix_idx ON s.t (symbol text_pattern_ops);
