-- name: indexes  (including those backing constraints; diff skips the latter)
SELECT n.nspname AS schema, ic.relname AS name, tc.relname AS "table",
       d.definition,
       -- what follows "... ON [ONLY] schema.table ": rendered again from structured parts
       substr(d.definition,
              length(format('CREATE %%sINDEX %%s ON %%s%%s.%%s ',
                            CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END,
                            quote_ident(ic.relname), CASE WHEN ic.relkind = 'I' THEN 'ONLY ' END,
                            quote_ident(n.nspname), quote_ident(tc.relname))) + 1) AS body,
       i.indisunique AS is_unique, i.indisprimary AS is_primary, i.indisvalid AS is_valid,
       am.amname AS method,
       ic.relkind = 'I' AS is_partitioned,
       (SELECT con.conname FROM pg_constraint con
         WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
           AND con.contype IN ('p', 'u', 'x') LIMIT 1) AS constraint_name,
       (SELECT json_build_array(pn.nspname, pc.relname) FROM pg_inherits h
          JOIN pg_class pc ON pc.oid = h.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE h.inhrelid = i.indexrelid) AS parent_index,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(1, i.indnkeyatts) k) AS key_columns,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(i.indnkeyatts + 1, i.indnatts) k) AS include_columns,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       i.indisclustered AS clustered,
       (SELECT d.description FROM pg_description d WHERE d.objoid = ic.oid
          AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0) AS comment
FROM pg_index i
CROSS JOIN LATERAL (SELECT pg_get_indexdef(i.indexrelid) AS definition OFFSET 0) d  -- deparsed once
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE tc.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = tc.oid AND d.deptype = 'e')
ORDER BY 1, 2
