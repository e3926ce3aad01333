-- name: tables  (ordinary, partitioned and partition tables; views are in views.sql)
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       c.relispartition AS is_partition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       (SELECT json_agg(json_build_array(pn.nspname, pc.relname) ORDER BY i.inhseqno)
          FROM pg_inherits i
          JOIN pg_class pc ON pc.oid = i.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid) AS parents,
       c.relpersistence AS persistence,
       c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced,
       c.reloptions::text[] AS options,
       c.relreplident AS replica_identity,
       (SELECT ri.relname FROM pg_index i JOIN pg_class ri ON ri.oid = i.indexrelid
         WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_index,
       CASE WHEN c.relacl IS NULL
              OR c.relacl @> acldefault('r', c.relowner) AND c.relacl <@ acldefault('r', c.relowner)
            THEN NULL  -- the default privileges, spelled out or not, are the same state
            ELSE ARRAY(SELECT x::text FROM unnest(c.relacl) x ORDER BY 1) END AS acl,
       (SELECT d.description FROM pg_description d WHERE d.objoid = c.oid
          AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
