"""Reusable scratch databases for round-trip tests: reset in milliseconds, not re-created.

`CREATE DATABASE` copies a template (a quarter of a second and more on a loaded machine),
and a fresh backend starts with cold catalog caches. The corpus builds hundreds of
databases, so each test process keeps a few and empties them between uses instead. A
reset is proven complete, not assumed: what remains is compared with a freshly created
database's residue, and a database that does not come back clean is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from schema_assets.database import connect, create_database, drop_database, scratch_name

#: Empties a database back to what CREATE DATABASE gives (public recreated as initdb made it).
RESET_SQL = r"""
DO $reset$
DECLARE r record;
BEGIN
  FOR r IN SELECT evtname FROM pg_event_trigger LOOP
    EXECUTE format('DROP EVENT TRIGGER %I', r.evtname);
  END LOOP;
  FOR r IN SELECT pubname FROM pg_publication LOOP
    EXECUTE format('DROP PUBLICATION %I', r.pubname);
  END LOOP;
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);
  END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
END
$reset$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
COMMENT ON SCHEMA public IS 'standard public schema';
GRANT USAGE ON SCHEMA public TO PUBLIC;
"""

#: What a database holds beyond the system's own objects (oid >= FirstNormalObjectId).
RESIDUE_SQL = r"""
SELECT 'objects' AS what, string_agg(format('%s=%s', cat, n), ',' ORDER BY cat) AS value FROM (
  SELECT 'pg_class' AS cat, count(*) AS n FROM pg_class WHERE oid >= 16384
  UNION ALL SELECT 'pg_type', count(*) FROM pg_type WHERE oid >= 16384
  UNION ALL SELECT 'pg_proc', count(*) FROM pg_proc WHERE oid >= 16384
  UNION ALL SELECT 'pg_namespace', count(*) FROM pg_namespace
            WHERE oid >= 16384 AND nspname <> 'public' AND nspname NOT LIKE 'pg\_temp\_%'
            AND nspname NOT LIKE 'pg\_toast\_temp\_%'
  UNION ALL SELECT 'pg_constraint', count(*) FROM pg_constraint WHERE oid >= 16384
  UNION ALL SELECT 'pg_extension', count(*) FROM pg_extension WHERE oid >= 16384
  UNION ALL SELECT 'pg_publication', count(*) FROM pg_publication
  UNION ALL SELECT 'pg_event_trigger', count(*) FROM pg_event_trigger
  UNION ALL SELECT 'pg_default_acl', count(*) FROM pg_default_acl
  UNION ALL SELECT 'pg_cast', count(*) FROM pg_cast WHERE oid >= 16384
  UNION ALL SELECT 'pg_collation', count(*) FROM pg_collation WHERE oid >= 16384
  UNION ALL SELECT 'pg_operator', count(*) FROM pg_operator WHERE oid >= 16384
  UNION ALL SELECT 'pg_language', count(*) FROM pg_language WHERE oid >= 16384
  UNION ALL SELECT 'pg_foreign_data_wrapper', count(*) FROM pg_foreign_data_wrapper
  UNION ALL SELECT 'pg_largeobject_metadata', count(*) FROM pg_largeobject_metadata
  UNION ALL SELECT 'pg_db_role_setting', count(*) FROM pg_db_role_setting s
            JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()
) counts
UNION ALL
SELECT 'public', format('%s %s %s', n.nspowner::regrole, n.nspacl,
                        obj_description(n.oid, 'pg_namespace'))
FROM pg_namespace n WHERE n.nspname = 'public'
"""


@dataclass
class PooledDatabase:
    name: str
    url: str
    conn: psycopg.Connection  # autocommit; its warm catalog caches make snapshots cheap


class DatabasePool:
    """Databases of one server, leased one test at a time (thread-safe, grows on demand)."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._free: list[PooledDatabase] = []
        self._lock = threading.Lock()
        self._clean: list[tuple[str, str]] | None = None

    def _create(self) -> PooledDatabase:
        name = scratch_name("pool")
        url = create_database(self.server_url, name)
        conn = connect(url, autocommit=True)
        if self._clean is None:
            self._clean = _residue(conn)
        return PooledDatabase(name, url, conn)

    @contextmanager
    def lease(self) -> Iterator[PooledDatabase]:
        with self._lock:
            db = self._free.pop() if self._free else None
        db = db or self._create()
        try:
            yield db
        finally:
            self._give_back(db)

    def _give_back(self, db: PooledDatabase) -> None:
        try:
            db.conn.execute("RESET ALL")
            db.conn.execute(RESET_SQL)
            clean = _residue(db.conn) == self._clean
        except psycopg.Error:
            clean = False
        if not clean:  # never hand out a database that differs from a fresh one
            db.conn.close()
            drop_database(self.server_url, db.name)
            return
        with self._lock:
            self._free.append(db)


def _residue(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute(RESIDUE_SQL).fetchall()]


_POOLS: dict[str, DatabasePool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(server_url: str) -> DatabasePool:
    with _POOLS_LOCK:
        if server_url not in _POOLS:
            _POOLS[server_url] = DatabasePool(server_url)
        return _POOLS[server_url]
