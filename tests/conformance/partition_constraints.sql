-- Keys and constraints of partitioned tables: cloned onto partitions, the partitions' own,
-- their names, NOT NULL names inherited through PARTITION OF.

-- case: primary key added to a partitioned table with partitions
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);

-- case: drop the primary key of a partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: partition's own primary key attached to the parent's
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ADD CONSTRAINT bars_2024_pkey PRIMARY KEY (symbol, bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ADD CONSTRAINT bars_2024_pkey PRIMARY KEY (symbol, bar_time);
ALTER TABLE s.bars ADD CONSTRAINT bars_pkey PRIMARY KEY (symbol, bar_time);

-- case: partition primary key under its own name on a new partitioned table
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ADD CONSTRAINT pk_2024 PRIMARY KEY (symbol, bar_time);
ALTER TABLE s.bars ADD CONSTRAINT bars_pkey PRIMARY KEY (symbol, bar_time);

-- case: unique constraint on a partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD CONSTRAINT bars_symbol_time_key UNIQUE (symbol, bar_time);

-- case: check constraint on a partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD CONSTRAINT bars_close_positive CHECK (close > 0);

-- case: check constraint on one partition only
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
ALTER TABLE s.bars_2025 ADD CONSTRAINT bars_2025_recent CHECK (bar_time >= '2025-01-01 00:00:00+00');

-- case: foreign key from a partition to a lookup table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars_2024 ADD CONSTRAINT bars_2024_symbol_fkey FOREIGN KEY (symbol) REFERENCES s.instruments (symbol);

-- case: foreign key referencing a partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.marks (id bigint PRIMARY KEY, symbol text NOT NULL, bar_time timestamptz NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.marks (id bigint PRIMARY KEY, symbol text NOT NULL, bar_time timestamptz NOT NULL);
ALTER TABLE s.marks ADD CONSTRAINT marks_bar_fkey FOREIGN KEY (symbol, bar_time) REFERENCES s.bars (symbol, bar_time);

-- case: exclusion constraint on a partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.slots (room int NOT NULL, during tstzrange NOT NULL) PARTITION BY LIST (room);
CREATE TABLE s.slots_1 PARTITION OF s.slots FOR VALUES IN (1);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.slots (room int NOT NULL, during tstzrange NOT NULL) PARTITION BY LIST (room);
CREATE TABLE s.slots_1 PARTITION OF s.slots FOR VALUES IN (1);
ALTER TABLE s.slots_1 ADD CONSTRAINT slots_1_no_overlap EXCLUDE USING gist (during WITH &&);

-- case: not null constraint names inherited from the parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text CONSTRAINT bars_symbol_required NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text CONSTRAINT bars_symbol_required NOT NULL, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: partition with its own name for an inherited not null
-- data:
INSERT INTO s.bars SELECT 'S' || g, '2024-03-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 (symbol text CONSTRAINT bars_2024_symbol_required NOT NULL, bar_time timestamptz NOT NULL, close numeric);
ALTER TABLE s.bars ATTACH PARTITION s.bars_2024 FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: new partition with its own not null names
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric DEFAULT 0) PARTITION BY RANGE (bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric DEFAULT 0) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 (symbol text CONSTRAINT sym_required NOT NULL, bar_time timestamptz NOT NULL, close numeric DEFAULT 0);
ALTER TABLE s.bars ATTACH PARTITION s.bars_2024 FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: named not null on a partitioned parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

ALTER TABLE s.bars ALTER COLUMN close SET NOT NULL;
ALTER TABLE s.bars RENAME CONSTRAINT bars_close_not_null TO bars_close_required;

-- case: primary key on a new partition of a keyed parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE s.bars_2025 PARTITION OF s.bars FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');

-- case: deferrable unique constraint on a partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD CONSTRAINT bars_symbol_time_key UNIQUE (symbol, bar_time) DEFERRABLE INITIALLY DEFERRED;

-- case: comment on a partitioned table's constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
COMMENT ON CONSTRAINT bars_pkey ON s.bars IS 'one bar per symbol and time';
