-- Type changes without a direct cast path: through text where every value converts, or the
-- USING expression the user supplies (a '-- using:' hint, as [tool.schema-assets.using]).

-- case: bigint epoch to timestamptz with a USING expression
-- using: s.t.at=to_timestamp(at)
-- data:
INSERT INTO s.t SELECT g, 1700000000 + g * 60 FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id int PRIMARY KEY, at bigint);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id int PRIMARY KEY, at timestamptz);

-- case: one enum to another holding every label goes through text
-- data:
INSERT INTO s.orders SELECT g, (ARRAY['new', 'filled'])[1 + g % 2]::s.status_v1 FROM generate_series(1, 2000) g;
-- before:
CREATE SCHEMA s;
CREATE TYPE s.status_v1 AS ENUM ('new', 'filled');
CREATE TYPE s.status_v2 AS ENUM ('new', 'partial', 'filled');
CREATE TABLE s.orders (id int PRIMARY KEY, status s.status_v1);
-- after:
CREATE SCHEMA s;
CREATE TYPE s.status_v1 AS ENUM ('new', 'filled');
CREATE TYPE s.status_v2 AS ENUM ('new', 'partial', 'filled');
CREATE TABLE s.orders (id int PRIMARY KEY, status s.status_v2);

-- case: enum array to another enum array
-- before:
CREATE SCHEMA s;
CREATE TYPE s.a AS ENUM ('x', 'y');
CREATE TYPE s.b AS ENUM ('x', 'y', 'z');
CREATE TABLE s.t (tags s.a[]);
-- after:
CREATE SCHEMA s;
CREATE TYPE s.a AS ENUM ('x', 'y');
CREATE TYPE s.b AS ENUM ('x', 'y', 'z');
CREATE TABLE s.t (tags s.b[]);

-- case: text column becomes an enum
-- data:
INSERT INTO s.orders SELECT g, (ARRAY['new', 'filled'])[1 + g % 2] FROM generate_series(1, 1000) g;
-- before:
CREATE SCHEMA s;
CREATE TYPE s.status AS ENUM ('new', 'filled');
CREATE TABLE s.orders (id int PRIMARY KEY, status text);
-- after:
CREATE SCHEMA s;
CREATE TYPE s.status AS ENUM ('new', 'filled');
CREATE TABLE s.orders (id int PRIMARY KEY, status s.status);

-- case: integer to boolean through the built-in cast
-- data:
INSERT INTO s.flags SELECT g, g % 2 FROM generate_series(1, 1000) g;
-- before:
CREATE SCHEMA s;
CREATE TABLE s.flags (id int PRIMARY KEY, active integer);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.flags (id int PRIMARY KEY, active boolean);

-- case: json to jsonb and back to text
-- before:
CREATE SCHEMA s;
CREATE TABLE s.docs (id int PRIMARY KEY, body json, note jsonb);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.docs (id int PRIMARY KEY, body jsonb, note text);

-- case: column retyped to a domain over its type
-- before:
CREATE SCHEMA s;
CREATE DOMAIN s.price AS numeric(18, 8) CHECK (VALUE >= 0);
CREATE TABLE s.t (id int PRIMARY KEY, px numeric(10, 2));
-- after:
CREATE SCHEMA s;
CREATE DOMAIN s.price AS numeric(18, 8) CHECK (VALUE >= 0);
CREATE TABLE s.t (id int PRIMARY KEY, px s.price);

-- case: integer to text to integer with a hint for the way back
-- using: s.t.code=code::text
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id int PRIMARY KEY, code integer);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id int PRIMARY KEY, code text);
