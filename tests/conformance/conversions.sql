-- Plain table <-> partitioned table, another partition key, a partition sub-partitioned:
-- rebuilt with their rows (counted and checksummed), dependents recreated around them.

-- case: plain table becomes range partitioned with its keys, index, view, trigger and grants
-- data:
INSERT INTO s.instruments SELECT 'S' || g FROM generate_series(0, 49) g;
INSERT INTO s.trades (symbol, traded_at, price) SELECT 'S' || (g % 50), '2024-06-01 00:00:00+00'::timestamptz + g * interval '5 minutes', g / 10.0 FROM generate_series(1, 5000) g;
INSERT INTO s.fills SELECT g, g, '2024-06-01 00:00:00+00'::timestamptz + g * interval '5 minutes' FROM generate_series(1, 500) g;
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.trades (id bigint GENERATED ALWAYS AS IDENTITY, symbol text NOT NULL REFERENCES s.instruments, traded_at timestamptz NOT NULL, price numeric(18, 8), PRIMARY KEY (id, traded_at));
CREATE INDEX trades_symbol_idx ON s.trades (symbol);
CREATE TABLE s.fills (id bigint PRIMARY KEY, trade_id bigint NOT NULL, traded_at timestamptz NOT NULL, FOREIGN KEY (trade_id, traded_at) REFERENCES s.trades (id, traded_at));
CREATE VIEW s.last_prices AS SELECT symbol, max(price) AS price FROM s.trades GROUP BY symbol;
CREATE TRIGGER trades_touch BEFORE INSERT ON s.trades FOR EACH ROW EXECUTE FUNCTION s.touch();
COMMENT ON TABLE s.trades IS 'every trade';
GRANT SELECT ON s.trades TO PUBLIC;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.trades (id bigint GENERATED ALWAYS AS IDENTITY, symbol text NOT NULL REFERENCES s.instruments, traded_at timestamptz NOT NULL, price numeric(18, 8), PRIMARY KEY (id, traded_at)) PARTITION BY RANGE (traded_at);
CREATE TABLE s.trades_2024 PARTITION OF s.trades FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.trades_2025 PARTITION OF s.trades FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE INDEX trades_symbol_idx ON s.trades (symbol);
CREATE TABLE s.fills (id bigint PRIMARY KEY, trade_id bigint NOT NULL, traded_at timestamptz NOT NULL, FOREIGN KEY (trade_id, traded_at) REFERENCES s.trades (id, traded_at));
CREATE VIEW s.last_prices AS SELECT symbol, max(price) AS price FROM s.trades GROUP BY symbol;
CREATE TRIGGER trades_touch BEFORE INSERT ON s.trades FOR EACH ROW EXECUTE FUNCTION s.touch();
COMMENT ON TABLE s.trades IS 'every trade';
GRANT SELECT ON s.trades TO PUBLIC;

-- case: partitioned table becomes a plain table
-- data:
INSERT INTO s.bars SELECT 'S' || (g % 20), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', g FROM generate_series(1, 4000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric, PRIMARY KEY (symbol, bar_time)) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE INDEX bars_close_idx ON s.bars (close);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric, PRIMARY KEY (symbol, bar_time));
CREATE INDEX bars_close_idx ON s.bars (close);

-- case: range partitions become list partitions
-- data:
INSERT INTO s.orders SELECT g, (ARRAY['XNAS', 'XNYS', 'XLON'])[1 + g % 3], '2025-03-01'::date + g % 200 FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS', 'XNYS');
CREATE TABLE s.orders_other PARTITION OF s.orders DEFAULT;

-- case: partition key moves to another column with the same partition names
-- data:
INSERT INTO s.ticks SELECT g, g % 1000, '2024-01-01'::date + (g % 700) FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.ticks (id bigint NOT NULL, bucket int NOT NULL, day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE s.ticks_low PARTITION OF s.ticks FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE s.ticks_high PARTITION OF s.ticks FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.ticks (id bigint NOT NULL, bucket int NOT NULL, day date NOT NULL) PARTITION BY RANGE (bucket);
CREATE TABLE s.ticks_low PARTITION OF s.ticks FOR VALUES FROM (0) TO (500);
CREATE TABLE s.ticks_high PARTITION OF s.ticks FOR VALUES FROM (500) TO (1000);

-- case: plain table becomes hash partitioned and its identity continues
-- data:
INSERT INTO s.events (payload) SELECT 'e' || g FROM generate_series(1, 2500) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 100) PRIMARY KEY, payload text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 100) PRIMARY KEY, payload text) PARTITION BY HASH (id);
CREATE TABLE s.events_0 PARTITION OF s.events FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE s.events_1 PARTITION OF s.events FOR VALUES WITH (MODULUS 2, REMAINDER 1);

-- case: table with a serial column becomes partitioned and keeps its sequence
-- data:
INSERT INTO s.log (at, line) SELECT '2025-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', 'l' || g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.log (id serial NOT NULL, at timestamptz NOT NULL, line text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.log (id serial NOT NULL, at timestamptz NOT NULL, line text) PARTITION BY RANGE (at);
CREATE TABLE s.log_2025 PARTITION OF s.log FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');

-- case: table read by a materialized view becomes partitioned
-- data:
INSERT INTO s.bars SELECT 'S' || (g % 10), '2025-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
CREATE MATERIALIZED VIEW s.daily AS SELECT symbol, date_trunc('day', bar_time) AS day, avg(close) AS close FROM s.bars GROUP BY 1, 2;
CREATE INDEX daily_symbol_idx ON s.daily (symbol);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE MATERIALIZED VIEW s.daily AS SELECT symbol, date_trunc('day', bar_time) AS day, avg(close) AS close FROM s.bars GROUP BY 1, 2;
CREATE INDEX daily_symbol_idx ON s.daily (symbol);

-- case: partition sub-partitioned by list
-- data:
INSERT INTO s.orders SELECT g, (ARRAY['XNAS', 'XLON'])[1 + g % 2], '2025-01-01'::date + g % 300 FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS');
CREATE TABLE s.orders_2025_eu PARTITION OF s.orders_2025 DEFAULT;

-- case: sub-partitioned partition flattened back
-- data:
INSERT INTO s.orders SELECT g, (ARRAY['XNAS', 'XLON'])[1 + g % 2], '2025-01-01'::date + g % 300 FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS');
CREATE TABLE s.orders_2025_eu PARTITION OF s.orders_2025 DEFAULT;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: empty table becomes partitioned
-- before:
CREATE SCHEMA s;
CREATE TABLE s.quotes (symbol text NOT NULL, at timestamptz NOT NULL, bid numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.quotes (symbol text NOT NULL, at timestamptz NOT NULL, bid numeric) PARTITION BY LIST (symbol);
CREATE TABLE s.quotes_rest PARTITION OF s.quotes DEFAULT;

-- case: quoted table becomes partitioned with a policy and row level security
-- data:
INSERT INTO "Desk"."Trade Log" SELECT g, 'desk' || (g % 3), g FROM generate_series(1, 1500) g;
-- before:
CREATE SCHEMA "Desk";
CREATE TABLE "Desk"."Trade Log" ("Id" bigint NOT NULL, "desk" text NOT NULL, qty int);
ALTER TABLE "Desk"."Trade Log" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own desk" ON "Desk"."Trade Log" USING (desk = current_user);
-- after:
CREATE SCHEMA "Desk";
CREATE TABLE "Desk"."Trade Log" ("Id" bigint NOT NULL, "desk" text NOT NULL, qty int) PARTITION BY LIST ("desk");
CREATE TABLE "Desk"."Trade Log ""rest""" PARTITION OF "Desk"."Trade Log" DEFAULT;
ALTER TABLE "Desk"."Trade Log" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own desk" ON "Desk"."Trade Log" USING (desk = current_user);

-- case: partitioned table rebuilt as plain with a column retyped at the same time
-- data:
INSERT INTO s.bars SELECT g, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (id int NOT NULL, bar_time timestamptz NOT NULL, close numeric(10, 2)) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_all PARTITION OF s.bars FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (id bigint NOT NULL, bar_time timestamptz NOT NULL, close numeric(18, 8));
