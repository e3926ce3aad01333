-- Enum types: create, add value (end, middle), remove value, drop, rename value.

-- case: create enum used by a new column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint PRIMARY KEY);
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side NOT NULL);

-- case: add enum value at the end
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side);
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell', 'short');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side);

-- case: add enum value in the middle
-- before:
CREATE SCHEMA s;
CREATE TYPE s.level AS ENUM ('low', 'high');
-- after:
CREATE SCHEMA s;
CREATE TYPE s.level AS ENUM ('low', 'medium', 'high');

-- case: add enum value used by a new default
-- before:
CREATE SCHEMA s;
CREATE TYPE s.status AS ENUM ('open', 'closed');
CREATE TABLE s.orders (id bigint PRIMARY KEY, status s.status NOT NULL DEFAULT 'open');
-- after:
CREATE SCHEMA s;
CREATE TYPE s.status AS ENUM ('new', 'open', 'closed');
CREATE TABLE s.orders (id bigint PRIMARY KEY, status s.status NOT NULL DEFAULT 'new');

-- case: remove enum value from a type used by a column
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell', 'short');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side NOT NULL DEFAULT 'buy');
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side NOT NULL DEFAULT 'buy');

-- case: replace an enum value
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell', 'short');
-- after:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell', 'sell_short');

-- case: drop enum
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
-- after:
CREATE SCHEMA s;

-- case: drop enum together with the column using it
-- before:
CREATE SCHEMA s;
CREATE TYPE s.side AS ENUM ('buy', 'sell');
CREATE TABLE s.orders (id bigint PRIMARY KEY, side s.side);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.orders (id bigint PRIMARY KEY);
