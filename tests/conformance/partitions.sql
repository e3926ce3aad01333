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

-- case: range partitioned table with a default partition
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.fills (id bigint NOT NULL, filled_on date NOT NULL, qty int) PARTITION BY RANGE (filled_on);
CREATE TABLE s.fills_2025 PARTITION OF s.fills FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE s.fills_rest PARTITION OF s.fills DEFAULT;

-- case: add a default partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS');
CREATE TABLE s.orders_rest PARTITION OF s.orders DEFAULT;

-- case: drop the default partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS');
CREATE TABLE s.orders_rest PARTITION OF s.orders DEFAULT;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (venue);
CREATE TABLE s.orders_us PARTITION OF s.orders FOR VALUES IN ('XNAS');

-- case: list partition with a null value
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text) PARTITION BY LIST (venue);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text) PARTITION BY LIST (venue);
CREATE TABLE s.orders_unknown PARTITION OF s.orders FOR VALUES IN (NULL);

-- case: range partition on two columns
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_date date NOT NULL, close numeric) PARTITION BY RANGE (symbol, bar_date);
CREATE TABLE s.bars_a PARTITION OF s.bars FOR VALUES FROM ('A', '2024-01-01') TO ('M', '2025-01-01');
CREATE TABLE s.bars_m PARTITION OF s.bars FOR VALUES FROM ('M', '2025-01-01') TO (MAXVALUE, MAXVALUE);

-- case: range partition on an expression
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.ticks (symbol text NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE ((at AT TIME ZONE 'UTC'));
CREATE TABLE s.ticks_2025 PARTITION OF s.ticks FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: list partition on lower of a column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (lower(venue));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL) PARTITION BY LIST (lower(venue));
CREATE TABLE s.orders_xnas PARTITION OF s.orders FOR VALUES IN ('xnas');

-- case: hash partitions grow from two to four
-- before:
CREATE SCHEMA s;
CREATE TABLE s.ticks (id bigint NOT NULL) PARTITION BY HASH (id);
CREATE TABLE s.ticks_0 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE s.ticks_1 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 2, REMAINDER 1);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.ticks (id bigint NOT NULL) PARTITION BY HASH (id);
CREATE TABLE s.ticks_0 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE s.ticks_1 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE s.ticks_2 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE s.ticks_3 PARTITION OF s.ticks FOR VALUES WITH (MODULUS 4, REMAINDER 3);

-- case: drop a partitioned table with its partitions
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;

-- case: drop a column from a partitioned parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric, note text) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: default added on a partitioned parent reaches the partitions
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, volume bigint) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, volume bigint DEFAULT 0) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: partition with its own default
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, source text) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, source text) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ALTER COLUMN source SET DEFAULT 'archive';

-- case: new partition with its own default
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, source text DEFAULT 'live') PARTITION BY RANGE (bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, source text DEFAULT 'live') PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ALTER COLUMN source SET DEFAULT 'archive';

-- case: not null declared on one partition only
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ALTER COLUMN close SET NOT NULL;

-- case: a partition drops its own not null
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ALTER COLUMN close SET NOT NULL;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: new partition with a not null of its own
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ALTER COLUMN close SET NOT NULL;

-- case: drop not null on a partitioned parent keeps a partition's own
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
ALTER TABLE s.bars_2025 ALTER COLUMN close SET NOT NULL;

-- case: replica identity full on a partitioned parent and one partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
ALTER TABLE s.bars REPLICA IDENTITY FULL;
ALTER TABLE s.bars_2025 REPLICA IDENTITY FULL;

-- case: replica identity using the primary key index of each partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (id bigint NOT NULL, bar_time timestamptz NOT NULL, PRIMARY KEY (id, bar_time)) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (id bigint NOT NULL, bar_time timestamptz NOT NULL, PRIMARY KEY (id, bar_time)) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 REPLICA IDENTITY USING INDEX bars_2024_pkey;

-- case: partition storage parameter
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00') WITH (fillfactor = 70);

-- case: comment and grant on a partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
COMMENT ON TABLE s.bars_2024 IS 'closed year';
COMMENT ON COLUMN s.bars_2024.close IS 'audited';
GRANT SELECT ON s.bars_2024 TO PUBLIC;

-- case: trigger on a partitioned parent reaches a new partition
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TRIGGER bars_touch BEFORE INSERT ON s.bars FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TRIGGER bars_touch BEFORE INSERT ON s.bars FOR EACH ROW EXECUTE FUNCTION s.touch();
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: unlogged partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE UNLOGGED TABLE s.bars_scratch PARTITION OF s.bars FOR VALUES FROM ('2030-01-01 00:00:00+00') TO ('2031-01-01 00:00:00+00');

-- case: partitions with quoted names and bounds holding quotes
-- before:
CREATE SCHEMA "Mkt";
CREATE TABLE "Mkt"."Orders" (id bigint NOT NULL, "Venue" text NOT NULL) PARTITION BY LIST ("Venue");
-- after:
CREATE SCHEMA "Mkt";
CREATE TABLE "Mkt"."Orders" (id bigint NOT NULL, "Venue" text NOT NULL) PARTITION BY LIST ("Venue");
CREATE TABLE "Mkt"."Orders O'Brien" PARTITION OF "Mkt"."Orders" FOR VALUES IN ('O''Brien', 'a,b');
CREATE TABLE "Mkt"."Orders ""rest""" PARTITION OF "Mkt"."Orders" DEFAULT;
