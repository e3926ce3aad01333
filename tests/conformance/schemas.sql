-- Schemas: create, drop, drop with contents.

-- case: create schema
-- before:
-- after:
CREATE SCHEMA s;

-- case: drop empty schema
-- before:
CREATE SCHEMA s;
-- after:

-- case: drop schema with a table in it
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, note text);
-- after:

-- case: move nothing between two schemas but create the second
-- before:
CREATE SCHEMA a;
CREATE TABLE a.t (id int);
-- after:
CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE a.t (id int);
CREATE TABLE b.t (id int);
