-- Functions and procedures: create, body change, return type change, overloads, drop.

-- case: create sql function
-- before:
CREATE SCHEMA s;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.mid(bid numeric, ask numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT (bid + ask) / 2 $$;

-- case: change function body
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.fee(notional numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT notional * 0.001 $$;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.fee(notional numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT notional * 0.0005 $$;

-- case: change function return type
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.lot(x numeric) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT floor(x)::integer $$;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.lot(x numeric) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT floor(x)::bigint $$;

-- case: add overload with another argument list
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.scale(x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x * 100 $$;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.scale(x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x * 100 $$;
CREATE FUNCTION s.scale(x numeric, factor integer) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x * factor $$;

-- case: change function volatility and strictness
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.f(x int) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT x + 1 $$;

-- case: plpgsql function returning a table
-- before:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.trades (id bigint PRIMARY KEY, symbol text, price numeric);
CREATE FUNCTION s.trades_for(p_symbol text) RETURNS TABLE (id bigint, price numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT t.id, t.price FROM s.trades t WHERE t.symbol = p_symbol;
END
$$;

-- case: create procedure
-- before:
CREATE SCHEMA s;
CREATE TABLE s.log (msg text);
-- after:
CREATE SCHEMA s;
CREATE TABLE s.log (msg text);
CREATE PROCEDURE s.note(p_msg text) LANGUAGE sql AS $$ INSERT INTO s.log VALUES (p_msg) $$;

-- case: change procedure body
-- before:
CREATE SCHEMA s;
CREATE TABLE s.log (msg text);
CREATE PROCEDURE s.note(p_msg text) LANGUAGE sql AS $$ INSERT INTO s.log VALUES (p_msg) $$;
-- after:
CREATE SCHEMA s;
CREATE TABLE s.log (msg text);
CREATE PROCEDURE s.note(p_msg text) LANGUAGE sql AS $$ INSERT INTO s.log VALUES (upper(p_msg)) $$;

-- case: drop function
-- before:
CREATE SCHEMA s;
CREATE FUNCTION s.old() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
-- after:
CREATE SCHEMA s;

-- case: function used by a column default
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, ref text);
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.new_ref() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;
CREATE TABLE s.t (id bigint PRIMARY KEY, ref text DEFAULT s.new_ref());

-- case: function used by a check constraint
-- before:
CREATE SCHEMA s;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text);
-- after:
CREATE SCHEMA s;
CREATE FUNCTION s.is_ticker(x text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x ~ '^[A-Z.]{1,12}$' $$;
CREATE TABLE s.t (id bigint PRIMARY KEY, symbol text CONSTRAINT t_symbol_ticker CHECK (s.is_ticker(symbol)));
