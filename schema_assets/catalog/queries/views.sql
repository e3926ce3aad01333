-- name: views  (views and materialized views)
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       pg_get_viewdef(c.oid, true) AS definition,
       c.reloptions::text[] AS options,
       CASE WHEN c.relacl IS NULL
              OR c.relacl @> acldefault('r', c.relowner) AND c.relacl <@ acldefault('r', c.relowner)
            THEN NULL  -- the default privileges, spelled out or not, are the same state
            ELSE ARRAY(SELECT x::text FROM unnest(c.relacl) x ORDER BY 1) END AS acl,
       (SELECT d.description FROM pg_description d WHERE d.objoid = c.oid
          AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
  AND n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
