-- Publications (logical replication): members, column lists, row filters, options, comments.
-- The kind added through the registry: catalog/publications.py + queries/publications.sql.

-- case: create publication for two tables
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
CREATE TABLE s.quotes (id bigint PRIMARY KEY, bid numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
CREATE TABLE s.quotes (id bigint PRIMARY KEY, bid numeric);
CREATE PUBLICATION market FOR TABLE s.trades, s.quotes;

-- case: drop publication
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);

-- case: add a table to a publication
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
CREATE TABLE s.quotes (id bigint PRIMARY KEY, bid numeric);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
CREATE TABLE s.quotes (id bigint PRIMARY KEY, bid numeric);
CREATE PUBLICATION market FOR TABLE s.trades, s.quotes;

-- case: column list and row filter
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text, price numeric, note text);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text, price numeric, note text);
CREATE PUBLICATION market FOR TABLE s.trades (id, venue, price) WHERE (venue = 'XNAS');

-- case: publication of every table in a schema
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION everything_in_s FOR TABLES IN SCHEMA s;

-- case: change what a publication publishes
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market FOR TABLE s.trades WITH (publish = 'insert, update');

-- case: partitioned table published through its root
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE PUBLICATION bars_pub FOR TABLE s.bars WITH (publish_via_partition_root = true);

-- case: publication for all tables
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market FOR ALL TABLES;

-- case: comment on a publication
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market FOR TABLE s.trades;
COMMENT ON PUBLICATION market IS 'feeds the replica';

-- case: remove every member of a publication
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
CREATE PUBLICATION market;

-- case: publication and member with awkward names
-- before:
CREATE SCHEMA "Odd s";
CREATE TABLE "Odd s"."T'rades" ("Id" bigint PRIMARY KEY, "pr ice" numeric);
-- after:
CREATE SCHEMA "Odd s";
CREATE TABLE "Odd s"."T'rades" ("Id" bigint PRIMARY KEY, "pr ice" numeric);
CREATE PUBLICATION "Market $sa0$ feed" FOR TABLE "Odd s"."T'rades" ("Id", "pr ice") WHERE ("pr ice" > 0);
COMMENT ON PUBLICATION "Market $sa0$ feed" IS 'it''s quoted';

-- case: member table rebuilt as partitioned stays published
-- data:
INSERT INTO s.trades SELECT g, now() - g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint NOT NULL, traded_at timestamptz NOT NULL, price numeric);
CREATE PUBLICATION market FOR TABLE s.trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint NOT NULL, traded_at timestamptz NOT NULL, price numeric) PARTITION BY RANGE (traded_at);
CREATE TABLE s.trades_old PARTITION OF s.trades FOR VALUES FROM (MINVALUE) TO ('2020-01-01 00:00:00+00');
CREATE TABLE s.trades_new PARTITION OF s.trades FOR VALUES FROM ('2020-01-01 00:00:00+00') TO (MAXVALUE);
CREATE PUBLICATION market FOR TABLE s.trades;
