-- Triggers and the functions they call.

-- case: create trigger with its function
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();

-- case: change the body of a trigger function
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();

-- case: change trigger events
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE INSERT OR UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();

-- case: drop trigger and its function
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);

-- case: disable trigger
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
ALTER TABLE s.t DISABLE TRIGGER t_touch;

-- case: statement trigger with when clause and transition table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty int);
CREATE TABLE s.audit (n bigint);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, qty int);
CREATE TABLE s.audit (n bigint);
CREATE FUNCTION s.count_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO s.audit SELECT count(*) FROM new_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER t_count AFTER INSERT ON s.t REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION s.count_new();

-- case: trigger function shared by two tables
-- before:
CREATE SCHEMA s;
CREATE TABLE s.a (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE TABLE s.b (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER a_touch BEFORE UPDATE ON s.a FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.a (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE TABLE s.b (id bigint PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER a_touch BEFORE UPDATE ON s.a FOR EACH ROW EXECUTE FUNCTION s.touch();
CREATE TRIGGER b_touch BEFORE UPDATE ON s.b FOR EACH ROW EXECUTE FUNCTION s.touch();

-- case: retype a column named in update of
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric(10, 2), updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE OF price ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
-- after:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, price numeric(18, 8), updated_at timestamptz);
CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE OF price ON s.t FOR EACH ROW EXECUTE FUNCTION s.touch();
