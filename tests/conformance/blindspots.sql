-- What a snapshot once did not see: replica identity, NOT NULL constraint names (PG 18),
-- column statistics/storage/compression, CLUSTER ON. Each is checked against pg_dump.

-- case: replica identity full
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
ALTER TABLE s.trades REPLICA IDENTITY FULL;

-- case: replica identity nothing back to default
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);
ALTER TABLE s.trades REPLICA IDENTITY NOTHING;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, price numeric);

-- case: replica identity using a new unique index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint NOT NULL, venue text NOT NULL, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint NOT NULL, venue text NOT NULL, price numeric);
CREATE UNIQUE INDEX trades_id_venue_key ON s.trades (id, venue);
ALTER TABLE s.trades REPLICA IDENTITY USING INDEX trades_id_venue_key;

-- case: replica identity moves to another index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint NOT NULL, venue text NOT NULL);
CREATE UNIQUE INDEX trades_a ON s.trades (id);
CREATE UNIQUE INDEX trades_b ON s.trades (id, venue);
ALTER TABLE s.trades REPLICA IDENTITY USING INDEX trades_a;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint NOT NULL, venue text NOT NULL);
CREATE UNIQUE INDEX trades_a ON s.trades (id);
CREATE UNIQUE INDEX trades_b ON s.trades (id, venue);
ALTER TABLE s.trades REPLICA IDENTITY USING INDEX trades_b;

-- case: new table with replica identity full
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.audit (id bigint, note text);
ALTER TABLE s.audit REPLICA IDENTITY FULL;

-- case: named not null constraint on a new column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text CONSTRAINT trades_venue_required NOT NULL DEFAULT 'XNAS');

-- case: not null constraint renamed
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text CONSTRAINT venue_is_set NOT NULL);

-- case: set not null under a name
-- data:
INSERT INTO s.trades SELECT g, 'XNAS' FROM generate_series(1, 1000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text CONSTRAINT venue_is_set NOT NULL);

-- case: not null names after the table was created under another name
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades_old (id bigint NOT NULL, venue text NOT NULL);
ALTER TABLE s.trades_old RENAME TO trades;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint NOT NULL, venue text NOT NULL);

-- case: not null no inherit on a new table
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.base (id bigint NOT NULL NO INHERIT, note text);

-- case: column statistics target
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
ALTER TABLE s.trades ALTER COLUMN symbol SET STATISTICS 500;

-- case: statistics target back to the default
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
ALTER TABLE s.trades ALTER COLUMN symbol SET STATISTICS 500;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);

-- case: column storage external
-- before:
CREATE SCHEMA s;
CREATE TABLE s.docs (id bigint PRIMARY KEY, body text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.docs (id bigint PRIMARY KEY, body text);
ALTER TABLE s.docs ALTER COLUMN body SET STORAGE EXTERNAL;

-- case: column compression method
-- before:
CREATE SCHEMA s;
CREATE TABLE s.docs (id bigint PRIMARY KEY, body text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.docs (id bigint PRIMARY KEY, body text);
ALTER TABLE s.docs ALTER COLUMN body SET COMPRESSION pglz;

-- case: new table with storage, compression and statistics
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.docs (id bigint PRIMARY KEY, body text STORAGE MAIN COMPRESSION pglz, tag text);
ALTER TABLE s.docs ALTER COLUMN tag SET STATISTICS 50;

-- case: cluster on an index
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE INDEX trades_symbol_idx ON s.trades (symbol);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE INDEX trades_symbol_idx ON s.trades (symbol);
ALTER TABLE s.trades CLUSTER ON trades_symbol_idx;

-- case: cluster moves to the primary key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE INDEX trades_symbol_idx ON s.trades (symbol);
ALTER TABLE s.trades CLUSTER ON trades_symbol_idx;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text);
CREATE INDEX trades_symbol_idx ON s.trades (symbol);
ALTER TABLE s.trades CLUSTER ON trades_pkey;
