-- name: columns  (of tables, views and materialized views; PG 18 NOT NULL names included)
SELECT n.nspname AS schema, c.relname AS relation, c.relkind AS relation_kind,
       a.attnum AS position, a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default_expr,
       a.attidentity AS identity,
       a.attgenerated AS generated,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generation_expr,
       CASE WHEN a.attcollation <> t.typcollation THEN
         (SELECT format('%%I.%%I', cn.nspname, co.collname) FROM pg_collation co
          JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation)
       END AS collation,
       a.attislocal AS is_local,
       a.attinhcount AS inherited_count,
       CASE WHEN a.attacl IS NOT NULL
            THEN ARRAY(SELECT x::text FROM unnest(a.attacl) x ORDER BY 1) END AS acl,
       (SELECT d.description FROM pg_description d WHERE d.objoid = c.oid
          AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum) AS comment,
       CASE WHEN nn.conname <> c.relname || '_' || a.attname || '_not_null'
            THEN nn.conname::text END AS not_null_name,
       coalesce(nn.connoinherit, false) AS not_null_no_inherit,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS statistics,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
       a.attcompression::text AS compression
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n'
       AND nn.conkey[1] = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2, 4
