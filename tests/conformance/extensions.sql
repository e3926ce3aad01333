-- Extensions (contrib modules shipped with the embedded server).

-- case: create extension used by a column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.users (id bigint PRIMARY KEY);
-- after:
CREATE SCHEMA s;
CREATE EXTENSION citext;
CREATE TABLE s.users (id bigint PRIMARY KEY, email citext);

-- case: drop extension
-- before:
CREATE EXTENSION pg_trgm;
-- after:

-- case: extension version update
-- before:
CREATE EXTENSION hstore VERSION '1.7';
-- after:
CREATE EXTENSION hstore VERSION '1.8';

-- case: extension in its own schema used by an exclusion constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.rooms (room int NOT NULL, during tstzrange NOT NULL);
-- after:
CREATE SCHEMA s;
CREATE SCHEMA ext;
CREATE EXTENSION btree_gist SCHEMA ext;
CREATE TABLE s.rooms (
    room int NOT NULL,
    during tstzrange NOT NULL,
    CONSTRAINT rooms_no_overlap EXCLUDE USING gist (room ext.gist_int4_ops WITH =, during WITH &&)
);
