-- Domains: create, change check / default / not null, drop.

-- case: create domain with a check used by a column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY);
-- after:
CREATE SCHEMA s;
CREATE DOMAIN s.price AS numeric(18, 8) CONSTRAINT price_positive CHECK (VALUE > 0);
CREATE TABLE s.trades (id bigint PRIMARY KEY, price s.price);

-- case: change domain check
-- before:
CREATE SCHEMA s;
CREATE DOMAIN s.qty AS integer CONSTRAINT qty_range CHECK (VALUE >= 0);
CREATE TABLE s.lots (id bigint PRIMARY KEY, qty s.qty);
-- after:
CREATE SCHEMA s;
CREATE DOMAIN s.qty AS integer CONSTRAINT qty_range CHECK (VALUE >= 0 AND VALUE < 1000000);
CREATE TABLE s.lots (id bigint PRIMARY KEY, qty s.qty);

-- case: domain gains a default and not null
-- before:
CREATE SCHEMA s;
CREATE DOMAIN s.code AS text;
-- after:
CREATE SCHEMA s;
CREATE DOMAIN s.code AS text NOT NULL DEFAULT 'n/a';

-- case: drop domain
-- before:
CREATE SCHEMA s;
CREATE DOMAIN s.code AS varchar(8);
-- after:
CREATE SCHEMA s;

-- case: domain over an enum
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE DOMAIN s.strict_side AS s.side NOT NULL;
CREATE TABLE s.fills (id bigint PRIMARY KEY, side s.strict_side);
