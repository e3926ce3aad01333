-- name: sequences
SELECT n.nspname AS schema, c.relname AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min_value,
       s.seqmax AS max_value, s.seqcache AS cache, s.seqcycle AS cycle,
       CASE WHEN own.table_name IS NOT NULL
            THEN json_build_array(own.table_schema, own.table_name, own.column_name) END AS owned_by,
       coalesce(own.deptype = 'i', false) AS identity,
       CASE WHEN c.relacl IS NULL
              OR c.relacl @> acldefault('s', c.relowner) AND c.relacl <@ acldefault('s', c.relowner)
            THEN NULL  -- the default privileges, spelled out or not, are the same state
            ELSE ARRAY(SELECT x::text FROM unnest(c.relacl) x ORDER BY 1) END AS acl,
       (SELECT d.description FROM pg_description d WHERE d.objoid = c.oid
          AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS comment
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
  SELECT tn.nspname AS table_schema, tc.relname AS table_name, a.attname AS column_name, d.deptype
  FROM pg_depend d
  JOIN pg_class tc ON tc.oid = d.refobjid
  JOIN pg_namespace tn ON tn.oid = tc.relnamespace
  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  LIMIT 1
) own ON true
WHERE n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
