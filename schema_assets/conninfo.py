"""Connection strings parsed, not pattern-matched: every form libpq accepts, masked everywhere.

A password may hold any character, including an unencoded `#`, `?`, `/` or `@`, and may sit in
the userinfo, in a `password=` query parameter or in a `key=value` conninfo string. Regexes over
URLs miss some of those (and Python's `urlsplit` reads `?` as the start of a query), so a URL is
parsed once into libpq keywords (`ConnInfo`) and everything else is rendered from that: the
masked form for output, a canonical percent-encoded URI, a `key=value` string for libpq and
pg_dump, and the parameters for SQLAlchemy. Every password seen by the parser is remembered, so
`mask_secrets` removes it from any text, whatever shape the text holds it in.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import quote, unquote

from schema_assets.errors import BadInputError
from schema_assets.render.text import visible

_SCHEME = re.compile(r"(?i)(postgres(?:ql)?)(\+[A-Za-z0-9_]+)?://")
#: What may follow the `@` that ends the userinfo: hosts, then an optional /dbname and ?query.
#: No part of it holds an unencoded `@` (hosts and the database name no `/` either), so the `@`
#: that ends a password holding `@`, `?` or `/` is the last one.
_TAIL = re.compile(
    r"(?P<hosts>[^@/?#]*)(?:/(?P<db>[^@/?]*))?"
    r"(?:\?(?P<query>(?:[^=&@]+=[^&@]*)(?:&[^=&@]+=[^&@]*)*)?)?\Z",
    re.S,
)
#: `password=...` in a key=value conninfo or a URI query (quoted values with \\ escapes).
_KV_PASSWORD = re.compile(r"(?i)(\bpassword\s*=\s*)('(?:\\.|[^'\\])*'|[^\s&]*)")
_URI_IN_TEXT = re.compile(r"(?i)postgres(?:ql)?(?:\+[A-Za-z0-9_]+)?://\S*")
MASK = "***"
#: Secrets shorter than this are not searched for in free text (they would mask ordinary words).
_MIN_SECRET = 4

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()


def remember_secret(value: str | None) -> None:
    """From now on `mask_secrets` removes `value` from every text it is given."""
    if value and len(value) >= _MIN_SECRET:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


@dataclass(frozen=True)
class ConnInfo:
    """libpq connection keywords (host, port, user, password, dbname, options, ...), in order."""

    params: tuple[tuple[str, str], ...]
    uri: bool = True  # the user wrote a URI (else a key=value string)

    def get(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.params:
            if k == key:
                return v
        return default

    def replace(self, **changes: str | None) -> ConnInfo:
        """A copy with keywords set (None removes one)."""
        params = [(k, v) for k, v in self.params if k not in changes]
        params += [(k, v) for k, v in changes.items() if v is not None]
        return ConnInfo(tuple(params), self.uri)

    @property
    def password(self) -> str | None:
        return self.get("password")

    @property
    def dbname(self) -> str:
        return self.get("dbname") or "postgres"

    # ----------------------------------------------------------------- rendering
    def to_uri(self, *, masked: bool = False) -> str:
        """Canonical `postgresql://` URI, every component percent-encoded."""
        p = dict(self.params)
        user = p.pop("user", None)
        password = p.pop("password", None)
        host = p.pop("host", None)
        port = p.pop("port", None)
        dbname = p.pop("dbname", None)
        auth = ""
        if user is not None or password is not None:
            auth = quote(user or "", safe="")
            if password is not None:
                auth += ":" + (MASK if masked else quote(password, safe=""))
            auth += "@"
        netloc = ""
        query: list[tuple[str, str]] = []
        hosts = (host or "").split(",") if host else []
        ports = (port or "").split(",") if port else []
        if any(h.startswith("/") for h in hosts) or (ports and len(ports) != max(len(hosts), 1)):
            # Unix sockets and uneven host/port lists read best as parameters.
            query += [("host", host or "")] if host else []
            query += [("port", port or "")] if port else []
        else:
            parts = []
            for i, h in enumerate(hosts or [""]):
                hp = f"[{h}]" if ":" in h else quote(h, safe="")
                if i < len(ports) and ports[i]:
                    hp += ":" + quote(ports[i], safe="")
                parts.append(hp)
            netloc = ",".join(parts)
        path = "/" + quote(dbname, safe="") if dbname is not None else ""
        query += list(p.items())
        qs = "&".join(f"{quote(k, safe='')}={quote(v, safe='/:,')}" for k, v in query)
        return f"postgresql://{auth}{netloc}{path}" + (f"?{qs}" if qs else "")

    def to_libpq(self, *, with_password: bool = True) -> str:
        """A `key=value` conninfo string (values quoted libpq's way)."""
        out = []
        for k, v in self.params:
            if k == "password" and not with_password:
                continue
            out.append(f"{k}={_kv_quote(v)}")
        return " ".join(out)

    def masked(self) -> str:
        """The form for humans: the password (wherever it was) replaced by `***`."""
        if self.uri:
            return self.to_uri(masked=True)
        return " ".join(f"{k}={MASK if k == 'password' else _kv_quote(v)}" for k, v in self.params)


def _kv_quote(value: str) -> str:
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# ----------------------------------------------------------------- parsing


def is_uri(text: str) -> bool:
    return _SCHEME.match(text.strip()) is not None


def _split_userinfo(rest: str) -> tuple[str | None, str]:
    """(userinfo, remainder): the userinfo ends at the first `@` followed by a valid tail."""
    at = [i for i, ch in enumerate(rest) if ch == "@"]
    for i in at:
        if _TAIL.match(rest[i + 1 :]):
            return rest[:i], rest[i + 1 :]
    if at:  # nothing parses: still never let a would-be password through
        return rest[: at[-1]], rest[at[-1] + 1 :]
    return None, rest


def _hosts(text: str) -> tuple[list[str], list[str]]:
    hosts, ports = [], []
    for item in text.split(",") if text else []:
        m = re.fullmatch(r"\[(?P<v6>[^\]]*)\](?::(?P<p6>.*))?|(?P<h>[^:]*)(?::(?P<p>.*))?", item)
        assert m is not None  # the pattern matches any string
        host = m.group("v6") if m.group("v6") is not None else unquote(m.group("h") or "")
        hosts.append(host)
        ports.append(unquote(m.group("p6") or m.group("p") or ""))
    return hosts, ports


def _parse_uri(text: str) -> ConnInfo:
    m = _SCHEME.match(text)
    assert m is not None
    rest = text[m.end() :]
    userinfo, tail = _split_userinfo(rest)
    params: list[tuple[str, str]] = []
    if userinfo is not None:
        user, sep, password = userinfo.partition(":")
        if user:
            params.append(("user", unquote(user)))
        if sep:
            params.append(("password", unquote(password)))
            remember_secret(password)  # as written too: text may quote the URL undecoded
    t = _TAIL.match(tail)
    if t is None:
        hosts_text, db, query = tail.split("/", 1)[0], None, None
    else:
        hosts_text, db, query = t.group("hosts"), t.group("db"), t.group("query")
    hosts, ports = _hosts(hosts_text)
    if any(hosts):
        params.append(("host", ",".join(hosts)))
    if any(ports):
        params.append(("port", ",".join(ports)))
    if db:
        params.append(("dbname", unquote(db)))
    for item in (query or "").split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        key, value = unquote(key), unquote(value)
        if key == "ssl" and value == "true":
            key, value = "sslmode", "require"
        params = [(k, v) for k, v in params if k != key] + [(key, value)]
    return ConnInfo(tuple(params), uri=True)


def _parse_kv(text: str) -> ConnInfo:
    """libpq's `key=value` syntax: values bare or single-quoted, `\\` escaping the next char."""
    params: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        start = i
        while i < n and text[i] != "=" and not text[i].isspace():
            i += 1
        key = text[start:i]
        while i < n and text[i].isspace():
            i += 1
        if not key or i >= n or text[i] != "=":
            raise BadInputError(
                "not a valid connection string: expected postgresql://user:password@host:port/"
                f"dbname or key=value pairs (near {visible(key[:20]) or 'the start'})"
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        value: list[str] = []
        if i < n and text[i] == "'":
            i += 1
            while i < n and text[i] != "'":
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(text[i])
                i += 1
            if i >= n:
                raise BadInputError(f"not a valid connection string: unterminated quote ({MASK})")
            i += 1
        else:
            while i < n and not text[i].isspace():
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(text[i])
                i += 1
        params = [(k, v) for k, v in params if k != key] + [(key, "".join(value))]
    return ConnInfo(tuple(params), uri=False)


def parse(text: str) -> ConnInfo:
    """Parse a libpq URI (tolerating unencoded specials in the password) or key=value string."""
    text = text.strip()
    info = _parse_uri(text) if is_uri(text) else _parse_kv(text)
    remember_secret(info.password)
    return info


# ----------------------------------------------------------------- masking


def mask_url(url: str) -> str:
    """The URL or conninfo with its password replaced by `***`: safe for logs and metadata."""
    try:
        return parse(url).masked()
    except Exception:
        return mask_secrets(url)


def mask_secrets(text: str) -> str:
    """Mask every connection string, `password=` value and remembered password in `text`."""
    if not text:
        return text

    def uri(m: re.Match[str]) -> str:
        try:
            return _parse_uri(m.group(0)).masked()
        except Exception:  # pragma: no cover - _parse_uri accepts any string
            return MASK

    out = _URI_IN_TEXT.sub(uri, text)
    out = _KV_PASSWORD.sub(lambda m: m.group(1) + MASK, out)
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, MASK)
    return out
