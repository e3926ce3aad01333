-- Table inheritance (INHERITS): columns added to parents, children joining and leaving.

-- case: column added to a parent that a child already declares
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz);
CREATE TABLE s.trade_events (venue text, price numeric) INHERITS (s.events);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz, venue text);
CREATE TABLE s.trade_events (venue text, price numeric) INHERITS (s.events);

-- case: child declares locally a column its parent gains
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL);
CREATE TABLE s.trade_events (price numeric) INHERITS (s.events);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, source text);
CREATE TABLE s.trade_events (price numeric) INHERITS (s.events);

-- case: table with the parent's columns starts inheriting
-- data:
INSERT INTO s.trade_events SELECT g, now(), g FROM generate_series(1, 1000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz);
CREATE TABLE s.trade_events (id bigint NOT NULL, at timestamptz, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz);
CREATE TABLE s.trade_events (id bigint NOT NULL, at timestamptz, price numeric) INHERITS (s.events);

-- case: table starts inheriting and gives its columns to the parent
-- data:
INSERT INTO s.trade_events SELECT g, now(), g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz);
CREATE TABLE s.trade_events (id bigint NOT NULL, at timestamptz, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz);
CREATE TABLE s.trade_events (price numeric) INHERITS (s.events);

-- case: child stops inheriting and keeps its columns
-- data:
INSERT INTO s.trade_events SELECT g, now(), g FROM generate_series(1, 1000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz);
CREATE TABLE s.trade_events (price numeric) INHERITS (s.events);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, at timestamptz);
CREATE TABLE s.trade_events (id bigint NOT NULL, at timestamptz, price numeric);

-- case: child of two parents
-- before:
CREATE SCHEMA s;
CREATE TABLE s.timed (at timestamptz);
CREATE TABLE s.priced (price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.timed (at timestamptz);
CREATE TABLE s.priced (price numeric);
CREATE TABLE s.ticks (symbol text) INHERITS (s.timed, s.priced);

-- case: check constraint on a parent reaches its children
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, qty int);
CREATE TABLE s.trade_events (price numeric) INHERITS (s.events);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL, qty int, CONSTRAINT events_qty_positive CHECK (qty > 0));
CREATE TABLE s.trade_events (price numeric) INHERITS (s.events);

-- case: parent dropped while its child stays
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (id bigint NOT NULL);
CREATE TABLE s.trade_events (price numeric) INHERITS (s.events);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trade_events (id bigint NOT NULL, price numeric);
