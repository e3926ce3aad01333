-- Attach and detach: tables becoming partitions and partitions becoming tables, with their
-- names (NOT NULLs, indexes, keys) as the target has them.

-- case: partition detached into a plain table keeps its rows and takes plain names
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);

-- case: plain table attached keeps its rows and takes the partition's names
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: detach a partition of a keyed parent
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
ALTER TABLE s.bars_2024 ADD CONSTRAINT bars_2024_pkey PRIMARY KEY (symbol, bar_time);

-- case: attach a keyed table to a keyed parent
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
ALTER TABLE s.bars_2024 ADD CONSTRAINT bars_2024_pkey PRIMARY KEY (symbol, bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: attach an unkeyed table to a keyed parent
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
ALTER TABLE s.bars ADD PRIMARY KEY (symbol, bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: detach a partition whose parent has an index
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE INDEX bars_symbol_idx ON s.bars (symbol);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE INDEX bars_symbol_idx ON s.bars (symbol);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
CREATE INDEX bars_2024_symbol_idx ON s.bars_2024 (symbol);

-- case: attach a table without the parent's index
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE INDEX bars_symbol_idx ON s.bars (symbol);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE INDEX bars_symbol_idx ON s.bars (symbol);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: attach as the default partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_rest (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_rest PARTITION OF s.bars DEFAULT;

-- case: move a partition's bounds keeps its rows
-- data:
INSERT INTO s.bars_2024 SELECT 'S' || (g % 50), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2023-07-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: detach a partition with a trigger inherited from the parent
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TRIGGER bars_touch BEFORE INSERT ON s.bars FOR EACH ROW EXECUTE FUNCTION s.touch();
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TRIGGER bars_touch BEFORE INSERT ON s.bars FOR EACH ROW EXECUTE FUNCTION s.touch();
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric);

-- case: detached partition turned into a table of another schema's parent
-- before:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE SCHEMA t;
CREATE TABLE t.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE SCHEMA t;
CREATE TABLE t.bars (symbol text NOT NULL, bar_time timestamptz NOT NULL, close numeric) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF t.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

-- case: attach a table with a foreign key of its own to a parent with the same key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.bars (symbol text NOT NULL REFERENCES s.instruments, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 (symbol text NOT NULL, bar_time timestamptz NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.instruments (symbol text PRIMARY KEY);
CREATE TABLE s.bars (symbol text NOT NULL REFERENCES s.instruments, bar_time timestamptz NOT NULL) PARTITION BY RANGE (bar_time);
CREATE TABLE s.bars_2024 PARTITION OF s.bars FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
