-- name: constraints  (NOT NULL, contype 'n' in PG 18, is compared through columns instead)
SELECT n.nspname AS schema, c.relname AS "table", con.conname AS name, con.contype AS type,
       pg_get_constraintdef(con.oid) AS definition,
       con.condeferrable AS deferrable, con.condeferred AS deferred,
       con.convalidated AS validated,
       con.conislocal AS is_local, con.coninhcount AS inherited_count,
       con.conparentid <> 0 AS has_parent,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       CASE WHEN fc.oid IS NOT NULL THEN json_build_array(fn.nspname, fc.relname) END AS ref_table,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS ref_columns,
       ic.relname AS index_name,
       (SELECT d.description FROM pg_description d WHERE d.objoid = con.oid
          AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0) AS comment
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_class ic ON ic.oid = con.conindid AND con.contype IN ('p', 'u', 'x')
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relkind IN ('r', 'p')
  AND n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
