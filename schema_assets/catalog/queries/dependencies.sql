-- name: dependencies  (what reads a relation (column) or calls a function: views and
-- materialized views; and, for functions, column defaults, check constraints, indexes,
-- triggers, policies and SQL-standard function bodies)
SELECT DISTINCT vn.nspname AS schema, v.relname AS name, 'view' AS kind, '' AS part,
       CASE dep.refclassid WHEN 'pg_class'::regclass THEN 'relation' ELSE 'function' END AS ref_kind,
       coalesce(rn.nspname, fn.nspname) AS ref_schema,
       coalesce(rc.relname, fp.proname) AS ref_name,
       a.attname AS ref_column,
       CASE WHEN fp.oid IS NOT NULL THEN pg_get_function_identity_arguments(fp.oid) END AS ref_args
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
UNION
SELECT DISTINCT o.schema, o.name, o.kind, o.part, 'function', fn.nspname, fp.proname, NULL,
       pg_get_function_identity_arguments(fp.oid)
FROM pg_depend dep
JOIN pg_proc fp ON fp.oid = dep.refobjid
JOIN pg_namespace fn ON fn.oid = fp.pronamespace
CROSS JOIN LATERAL (
  SELECT n.nspname, c.relname, 'default', att.attname::text
  FROM pg_attrdef ad JOIN pg_class c ON c.oid = ad.adrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute att ON att.attrelid = ad.adrelid AND att.attnum = ad.adnum
  WHERE dep.classid = 'pg_attrdef'::regclass AND ad.oid = dep.objid
  UNION ALL
  SELECT n.nspname, c.relname, 'constraint', con.conname::text
  FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE dep.classid = 'pg_constraint'::regclass AND con.oid = dep.objid
  UNION ALL
  SELECT n.nspname, i.relname, 'index', ''
  FROM pg_class i JOIN pg_namespace n ON n.oid = i.relnamespace
  WHERE dep.classid = 'pg_class'::regclass AND i.oid = dep.objid AND i.relkind IN ('i', 'I')
  UNION ALL
  SELECT n.nspname, c.relname, 'trigger', t.tgname::text
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE dep.classid = 'pg_trigger'::regclass AND t.oid = dep.objid AND NOT t.tgisinternal
    AND t.tgparentid = 0 AND t.tgfoid <> fp.oid
  UNION ALL
  SELECT n.nspname, c.relname, 'policy', pol.polname::text
  FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE dep.classid = 'pg_policy'::regclass AND pol.oid = dep.objid
  UNION ALL
  SELECT n.nspname, p.proname, 'function', pg_get_function_identity_arguments(p.oid)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE dep.classid = 'pg_proc'::regclass AND p.oid = dep.objid
) AS o(schema, name, kind, part)
WHERE dep.refclassid = 'pg_proc'::regclass AND dep.deptype = 'n'
  AND fn.nspname NOT IN ('pg_catalog', 'information_schema')
  AND o.schema NOT LIKE 'pg\_%%' AND o.schema <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass
                  AND e.objid = fp.oid AND e.deptype = 'e')
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
