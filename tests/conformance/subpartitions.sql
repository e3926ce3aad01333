-- Sub-partitioning: partitions that are partitioned themselves, their partitions and indexes.

-- case: create a two level partitioned table
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
CREATE TABLE s.orders_2025_rest PARTITION OF s.orders_2025 DEFAULT;

-- case: add a leaf under a sub-partitioned partition
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
CREATE TABLE s.orders_2025_eu PARTITION OF s.orders_2025 FOR VALUES IN ('XLON', 'XPAR');

-- case: add a sub-partitioned partition with hash leaves
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
CREATE TABLE s.orders_2026 PARTITION OF s.orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY HASH (id);
CREATE TABLE s.orders_2026_h0 PARTITION OF s.orders_2026 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE s.orders_2026_h1 PARTITION OF s.orders_2026 FOR VALUES WITH (MODULUS 2, REMAINDER 1);

-- case: index on a two level partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
CREATE INDEX orders_id_idx ON s.orders (id);

-- case: primary key on a two level partitioned table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
ALTER TABLE s.orders ADD PRIMARY KEY (id, placed_on, venue);

-- case: drop a sub-partitioned partition with its leaves
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
CREATE TABLE s.orders_2026 PARTITION OF s.orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2026_us PARTITION OF s.orders_2026 FOR VALUES IN ('XNAS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');

-- case: column added through two levels
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL, qty int NOT NULL DEFAULT 1) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');

-- case: new two level table with named indexes at every level
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint NOT NULL, venue text NOT NULL, placed_on date NOT NULL) PARTITION BY RANGE (placed_on);
CREATE TABLE s.orders_2025 PARTITION OF s.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (venue);
CREATE TABLE s.orders_2025_us PARTITION OF s.orders_2025 FOR VALUES IN ('XNAS', 'XNYS');
CREATE INDEX us_by_id ON s.orders_2025_us (id);
CREATE INDEX mid_by_id ON s.orders_2025 (id);
CREATE INDEX orders_id_idx ON s.orders (id);
