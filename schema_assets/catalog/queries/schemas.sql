-- name: schemas
SELECT n.nspname AS name,
       (SELECT d.description FROM pg_description d WHERE d.objoid = n.oid
          AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0) AS comment,
       CASE WHEN n.nspacl IS NULL
              OR n.nspacl @> acldefault('n', n.nspowner) AND n.nspacl <@ acldefault('n', n.nspowner)
            THEN NULL  -- the default privileges, spelled out or not, are the same state
            ELSE ARRAY(SELECT x::text FROM unnest(n.nspacl) x ORDER BY 1) END AS acl
FROM pg_namespace n
WHERE n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
ORDER BY 1
