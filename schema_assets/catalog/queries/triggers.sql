-- name: triggers  (user triggers; clones on partitions are skipped, the parent's one counts)
SELECT n.nspname AS schema, c.relname AS "table", t.tgname AS name,
       pg_get_triggerdef(t.oid, true) AS definition,
       t.tgenabled AS enabled,
       json_build_array(pn.nspname, p.proname) AS function,
       (SELECT d.description FROM pg_description d WHERE d.objoid = t.oid
          AND d.classoid = 'pg_trigger'::regclass AND d.objsubid = 0) AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0
  AND n.nspname NOT LIKE 'pg\_%%' AND n.nspname <> ALL(%(excluded)s)
ORDER BY 1, 2, 3
