-- Partitioned tables (range, list, hash): create, add/drop partitions, attach, detach, bounds.

-- case: create range partitioned table with partitions
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric, PRIMARY KEY (symbol, bar_time)) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');

-- case: add range partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');

-- case: drop range partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2023 PARTITION OF s.bars FOR VALUES FROM ('2023-01-01 00:00:00+00') TO ('2024-01-01 00:00:00+00');
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: list partitioned table with default partition
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS', 'XNYS');
CREATE TABLE s.orders_other PARTITION OF s.orders DEFAULT;

-- case: hash partitioned table
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.ticks (id bigint NOT NULL, symbol text NOT NULL) PARTITION BY HASH (symbol);
CREATE TABLE s.ticks_p0 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE s.ticks_p1 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 2, REMAINDER 1);

-- case: attach standalone table as partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_eu (id bigint NOT NULL, venue text NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_eu (id bigint NOT NULL, venue text NOT NULL);
ALTER TABLE s.orders ATTACH PARTITION s.orders_eu FOR VALUES IN ('XLON', 'XPAR');

-- case: detach partition into standalone table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_eu (id bigint NOT NULL, venue text NOT NULL);
ALTER TABLE s.orders ATTACH PARTITION s.orders_eu FOR VALUES IN ('XLON', 'XPAR');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_eu (id bigint NOT NULL, venue text NOT NULL);

-- case: change partition bounds
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS', 'XNYS');

-- case: index on a partitioned parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE INDEX bars_symbol_idx ON s.bars (symbol);

-- case: column added to a partitioned parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, volume bigint NOT NULL DEFAULT 0) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: foreign key from a partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.bars (symbol text NOT NULL REFERENCES s.instruments (symbol), bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: set not null on a partitioned parent column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: retype a column of a partitioned parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (close numeric(10, 2), bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (close numeric(18, 8), bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
