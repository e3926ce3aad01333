-- name: publications  (logical replication: members, column lists, row filters, options)
SELECT p.pubname AS name, p.puballtables AS all_tables,
       array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END,
                          CASE WHEN p.pubupdate THEN 'update' END,
                          CASE WHEN p.pubdelete THEN 'delete' END,
                          CASE WHEN p.pubtruncate THEN 'truncate' END], NULL) AS publish,
       p.pubviaroot AS via_root,
       coalesce(to_jsonb(p) ->> 'pubgencols', 'n') AS generated_columns,
       coalesce((SELECT json_agg(json_build_array(
                   n.nspname, c.relname,
                   (SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a
                     WHERE a.attrelid = r.prrelid AND a.attnum = ANY(r.prattrs)),
                   pg_get_expr(r.prqual, r.prrelid)) ORDER BY n.nspname, c.relname)
                 FROM pg_publication_rel r
                 JOIN pg_class c ON c.oid = r.prrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE r.prpubid = p.oid AND n.nspname <> ALL(%(excluded)s)), '[]') AS tables,
       ARRAY(SELECT n.nspname::text FROM pg_publication_namespace s
             JOIN pg_namespace n ON n.oid = s.pnnspid
             WHERE s.pnpubid = p.oid ORDER BY 1) AS schemas,
       (SELECT d.description FROM pg_description d WHERE d.objoid = p.oid
          AND d.classoid = 'pg_publication'::regclass AND d.objsubid = 0) AS comment
FROM pg_publication p
ORDER BY 1
