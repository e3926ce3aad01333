-- Constraints: primary key, unique, foreign key, check, exclusion, deferrable.

-- case: add primary key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, note text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, note text, CONSTRAINT t_pkey PRIMARY KEY (id));

-- case: add primary key on a nullable column of a table with rows
-- data:
INSERT INTO s.t SELECT g, 'n' || g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint, note text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint CONSTRAINT t_pkey PRIMARY KEY, note text);

-- case: add unique constraint referenced by a new foreign key
-- data:
INSERT INTO s.p SELECT 'c' || g FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.p (code text);
CREATE TABLE s.c (code text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.p (code text CONSTRAINT p_code_key UNIQUE);
CREATE TABLE s.c (code text CONSTRAINT c_code_fk REFERENCES s.p (code));

-- case: drop primary key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, note text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint NOT NULL, note text);

-- case: change primary key columns
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (a int NOT NULL, b int NOT NULL, CONSTRAINT t_pkey PRIMARY KEY (a));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (a int NOT NULL, b int NOT NULL, CONSTRAINT t_pkey PRIMARY KEY (a, b));

-- case: add unique constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text CONSTRAINT t_symbol_key UNIQUE);

-- case: unique nulls not distinct
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, code text, CONSTRAINT t_code_key UNIQUE (code));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, code text, CONSTRAINT t_code_key UNIQUE NULLS NOT DISTINCT (code));

-- case: add foreign key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY);
CREATE TABLE s.trades (id bigint PRIMARY KEY, instrument_id bigint);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY);
CREATE TABLE s.trades (id bigint PRIMARY KEY, instrument_id bigint REFERENCES s.instruments (id));

-- case: change foreign key action
-- before:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY);
CREATE TABLE s.trades (id bigint PRIMARY KEY, instrument_id bigint CONSTRAINT trades_instrument_fk REFERENCES s.instruments (id));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY);
CREATE TABLE s.trades (id bigint PRIMARY KEY, instrument_id bigint CONSTRAINT trades_instrument_fk REFERENCES s.instruments (id) ON DELETE CASCADE ON UPDATE RESTRICT);

-- case: drop foreign key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY);
CREATE TABLE s.trades (id bigint PRIMARY KEY, instrument_id bigint REFERENCES s.instruments (id));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.instruments (id bigint PRIMARY KEY);
CREATE TABLE s.trades (id bigint PRIMARY KEY, instrument_id bigint);

-- case: composite foreign key across schemas
-- before:
CREATE SCHEMA ref;
CREATE SCHEMA s;
CREATE TABLE ref.listings (venue text, symbol text, PRIMARY KEY (venue, symbol));
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text, symbol text);
-- after:
CREATE SCHEMA ref;
CREATE SCHEMA s;
CREATE TABLE ref.listings (venue text, symbol text, PRIMARY KEY (venue, symbol));
CREATE TABLE s.trades (id bigint PRIMARY KEY, venue text, symbol text, FOREIGN KEY (venue, symbol) REFERENCES ref.listings (venue, symbol));

-- case: add check constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric CONSTRAINT price_positive CHECK (price > 0));

-- case: change check expression
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty int CONSTRAINT qty_ok CHECK (qty > 0));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty int CONSTRAINT qty_ok CHECK (qty > 0 AND qty < 1000));

-- case: drop check constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty int CONSTRAINT qty_ok CHECK (qty > 0));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty int);

-- case: add exclusion constraint on a range
-- before:
CREATE SCHEMA s;
CREATE TABLE s.sessions (id bigint PRIMARY KEY, during tstzrange NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.sessions (id bigint PRIMARY KEY, during tstzrange NOT NULL, CONSTRAINT sessions_no_overlap EXCLUDE USING gist (during WITH &&));

-- case: deferrable unique constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, pos int, CONSTRAINT t_pos_key UNIQUE (pos));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, pos int, CONSTRAINT t_pos_key UNIQUE (pos) DEFERRABLE INITIALLY DEFERRED);

-- case: deferrable foreign key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.a (id bigint PRIMARY KEY);
CREATE TABLE s.b (id bigint PRIMARY KEY, a_id bigint);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.a (id bigint PRIMARY KEY);
CREATE TABLE s.b (id bigint PRIMARY KEY, a_id bigint CONSTRAINT b_a_fk REFERENCES s.a (id) DEFERRABLE);

-- case: self referencing foreign key
-- before:
CREATE SCHEMA s;
CREATE TABLE s.nodes (id bigint PRIMARY KEY, parent_id bigint);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.nodes (id bigint PRIMARY KEY, parent_id bigint REFERENCES s.nodes (id));

-- case: rename-free constraint name change
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint, CONSTRAINT old_pk PRIMARY KEY (id));
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint, CONSTRAINT new_pk PRIMARY KEY (id));
