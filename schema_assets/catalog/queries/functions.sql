-- name: functions  (functions and procedures; aggregates are not covered)
SELECT n.nspname AS schema, p.proname AS name,
       pg_get_function_identity_arguments(p.oid) AS identity_args,
       pg_get_function_result(p.oid) AS result,
       p.prokind AS kind,
       pg_get_functiondef(p.oid) AS definition,
       l.lanname AS language,
       CASE WHEN p.proacl IS NULL
              OR p.proacl @> acldefault('f', p.proowner) AND p.proacl <@ acldefault('f', p.proowner)
            THEN NULL  -- the default privileges, spelled out or not, are the same state
            ELSE ARRAY(SELECT x::text FROM unnest(p.proacl) x ORDER BY 1) END AS acl,
       (SELECT d.description FROM pg_description d WHERE d.objoid = p.oid
          AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0) AS comment
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p', 'w')
  AND n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
