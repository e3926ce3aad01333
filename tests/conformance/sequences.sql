-- Sequences: type (AS integer), parameters, ownership, defaults using them.

-- case: create sequence as integer
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE SEQUENCE s.ticket_seq AS integer START 100 INCREMENT 5;

-- case: change sequence parameters
-- before:
CREATE SCHEMA s;
CREATE SEQUENCE s.ticket_seq;
-- after:
CREATE SCHEMA s;
CREATE SEQUENCE s.ticket_seq INCREMENT 10 MINVALUE 10 MAXVALUE 1000000 CACHE 20 CYCLE;

-- case: change sequence type from bigint to integer
-- before:
CREATE SCHEMA s;
CREATE SEQUENCE s.ticket_seq AS bigint;
-- after:
CREATE SCHEMA s;
CREATE SEQUENCE s.ticket_seq AS integer;

-- case: sequence owned by a column used as its default
-- before:
CREATE SCHEMA s;
CREATE TABLE s.tickets (id integer NOT NULL, note text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.tickets (id integer NOT NULL, note text);
CREATE SEQUENCE s.tickets_id_seq AS integer OWNED BY s.tickets.id;
ALTER TABLE s.tickets ALTER COLUMN id SET DEFAULT nextval('s.tickets_id_seq');

-- case: add serial column
-- before:
CREATE SCHEMA s;
CREATE TABLE s.events (note text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.events (note text, id serial NOT NULL);

-- case: drop sequence
-- before:
CREATE SCHEMA s;
CREATE SEQUENCE s.old_seq;
-- after:
CREATE SCHEMA s;

-- case: sequence shared by two tables survives
-- before:
CREATE SCHEMA s;
CREATE SEQUENCE s.global_id;
CREATE TABLE s.a (id bigint DEFAULT nextval('s.global_id'));
-- after:
CREATE SCHEMA s;
CREATE SEQUENCE s.global_id;
CREATE TABLE s.a (id bigint DEFAULT nextval('s.global_id'));
CREATE TABLE s.b (id bigint DEFAULT nextval('s.global_id'));
