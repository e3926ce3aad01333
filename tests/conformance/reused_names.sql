-- Names reused within one plan: the object giving up a name is dropped before the one
-- taking it is created; a unique index becomes a key in place (USING INDEX).

-- case: table replaced by a view of the same name
-- before:
CREATE SCHEMA s;
CREATE TABLE s.prices (symbol text, price numeric);
CREATE TABLE s.quotes (symbol text, bid numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.quotes (symbol text, bid numeric);
CREATE VIEW s.prices AS SELECT symbol, bid AS price FROM s.quotes;

-- case: view replaced by a table of the same name
-- before:
CREATE SCHEMA s;
CREATE TABLE s.quotes (symbol text, bid numeric);
CREATE VIEW s.prices AS SELECT symbol, bid AS price FROM s.quotes;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.quotes (symbol text, bid numeric);
CREATE TABLE s.prices (symbol text, price numeric);

-- case: table replaced by a materialized view of the same name
-- before:
CREATE SCHEMA s;
CREATE TABLE s.daily (day date, total numeric);
CREATE TABLE s.fills (day date, qty numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.fills (day date, qty numeric);
CREATE MATERIALIZED VIEW s.daily AS SELECT day, sum(qty) AS total FROM s.fills GROUP BY day;

-- case: index replaced by a unique constraint of the same name and columns
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, code text);
CREATE UNIQUE INDEX t_code_key ON s.t (code);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, code text, CONSTRAINT t_code_key UNIQUE (code));

-- case: index replaced by a constraint of the same name on other columns
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, code text, venue text);
CREATE INDEX t_code_key ON s.t (code);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, code text, venue text, CONSTRAINT t_code_key UNIQUE (code, venue));

-- case: unique index promoted to primary key with not null set first
-- data:
INSERT INTO s.t SELECT g, 'c' || g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint, code text);
CREATE UNIQUE INDEX t_id_idx ON s.t (id);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint, code text, CONSTRAINT t_pkey PRIMARY KEY (id));

-- case: unique index an FK depends on is replaced
-- before:
CREATE SCHEMA s;
CREATE TABLE s.parent (id bigint NOT NULL, region text);
CREATE UNIQUE INDEX parent_id_key ON s.parent (id);
CREATE TABLE s.child (id bigint PRIMARY KEY, parent_id bigint REFERENCES s.parent (id));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.parent (id bigint NOT NULL, region text);
CREATE UNIQUE INDEX parent_id_key ON s.parent (id) INCLUDE (region);
CREATE TABLE s.child (id bigint PRIMARY KEY, parent_id bigint REFERENCES s.parent (id));

-- case: constraint replaced by a plain index of the same name
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, code text, CONSTRAINT t_code_key UNIQUE (code));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, code text);
CREATE INDEX t_code_key ON s.t (code);

-- case: sequence replaced by a table of the same name
-- before:
CREATE SCHEMA s;
CREATE SEQUENCE s.ids;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.ids (id bigint);

-- case: partitioned table replaced by a view of the same name
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.ticks (at timestamptz, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.ticks (at timestamptz, price numeric);
CREATE VIEW s.bars AS SELECT date_trunc('minute', at) AS bar_time, max(price) AS close FROM s.ticks GROUP BY 1;
