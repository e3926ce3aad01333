-- name: dependencies  (what views and materialized views read: relations, columns, functions)
SELECT DISTINCT vn.nspname AS schema, v.relname AS name,
       CASE dep.refclassid WHEN 'pg_class'::regclass THEN 'relation' ELSE 'function' END AS ref_kind,
       coalesce(rn.nspname, fn.nspname) AS ref_schema,
       coalesce(rc.relname, fp.proname) AS ref_name,
       a.attname AS ref_column
FROM pg_depend dep
JOIN pg_rewrite r ON r.oid = dep.objid
JOIN pg_class v ON v.oid = r.ev_class
JOIN pg_namespace vn ON vn.oid = v.relnamespace
LEFT JOIN pg_class rc ON dep.refclassid = 'pg_class'::regclass AND rc.oid = dep.refobjid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_attribute a ON dep.refclassid = 'pg_class'::regclass
       AND a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid AND dep.refobjsubid > 0
LEFT JOIN pg_proc fp ON dep.refclassid = 'pg_proc'::regclass AND fp.oid = dep.refobjid
LEFT JOIN pg_namespace fn ON fn.oid = fp.pronamespace
WHERE dep.classid = 'pg_rewrite'::regclass
  AND dep.refclassid IN ('pg_class'::regclass, 'pg_proc'::regclass)
  AND dep.refobjid <> r.ev_class
  AND vn.nspname NOT LIKE 'pg\_%%' AND vn.nspname <> ALL(%(excluded)s)
  AND coalesce(rn.nspname, fn.nspname) NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, 3, 4, 5, 6
