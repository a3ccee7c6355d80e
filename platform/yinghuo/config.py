"""Settings read from the environment, checked once at start.

A missing or malformed setting raises :class:`ConfigError` naming the setting, so
``yinghuo`` and gunicorn stop with one clear line instead of a traceback.
"""
from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


#: Settings documented in README.md (name, default, meaning).
SETTINGS_TABLE = [
    ("DATABASE_URL", "sqlite:///<instance>/yinghuo.db", "postgresql://user@host/db or sqlite:///path"),
    ("YINGHUO_READ_DATABASE_URL", "unset", "postgresql:// of a streaming replica: hub roll-ups, rankings and exports "
     "read there (seconds behind the primary); unset or unreachable: the primary"),
    ("REDIS_URL", "unset", "redis://host:port/db; unset runs jobs inline in the request"),
    ("SECRET_KEY", "generated into the instance folder", "signs session cookies and QR tokens"),
    ("YINGHUO_DATA_KEY", "generated into the instance folder",
     "keys for personal fields: 'kid:base64(32 bytes)', several comma-separated, first one current"),
    ("YINGHUO_INSTANCE", "./instance", "folder for the SQLite file and generated keys"),
    ("YINGHUO_BACKUP_DATABASE_URL", "DATABASE_URL", "the role 'yinghuo backup' dumps as: BYPASSRLS and read-only "
     "(deploy/postgres-setup.sql makes yinghuo_backup), since row-level security is forced on the owner too"),
    ("YINGHUO_APP_ROLE", "yinghuo_app", "PostgreSQL role the app switches to (no superuser, no BYPASSRLS)"),
    ("YINGHUO_PLUGINS", "all installed", "comma-separated plugin names to load (default: every entry point)"),
    ("YINGHUO_SMTP_URL", "unset", "smtp://user:password@host:port (or smtps://): turns on the email channel"),
    ("YINGHUO_MAIL_FROM", "noreply@yinghuo.local", "sender address of notification emails"),
    ("YINGHUO_EXTRA_PLUGINS", "unset", "comma-separated module paths of plugins not installed as packages (development, tests)"),
    ("YINGHUO_TRACE_HOOKS", "0", "1 logs every hook call"),
    ("YINGHUO_DEBUG", "0", "1: a failing 'yinghuo' command shows its traceback instead of one line"),
    ("YINGHUO_PASSWORD_PROFILE", "RFC_9106_LOW_MEMORY",
     "argon2 parameters for new password hashes: RFC_9106_LOW_MEMORY, RFC_9106_HIGH_MEMORY, or CHEAPEST "
     "(tests only: fast to guess)"),
    ("YINGHUO_RATE_LIMITS", "the defaults of yinghuo/ratelimit.py",
     "space-separated name=limits, e.g. 'vote=60/minute;600/day vote_burst=50/minute'"),
    ("YINGHUO_PERIODIC_POLL", "20", "without REDIS_URL: seconds between the periodic-job runner's rounds in "
     "the web processes (yinghuo.periodic)"),
    ("YINGHUO_BIND", "127.0.0.1:8000", "address gunicorn listens on (yinghuo.gunicorn_conf)"),
    ("YINGHUO_WORKERS", "(2 x cores) + 1", "gunicorn worker processes (yinghuo.gunicorn_conf)"),
    ("YINGHUO_PROXIES", "0", "reverse proxies in front whose X-Forwarded-For/-Proto/-Host are believed "
     "(1 behind one nginx); 0 believes none, so a client cannot claim another address"),
]


#: argon2-cffi's named parameter sets a deployment may choose from
PASSWORD_PROFILES = ("RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST")


@dataclass
class Settings:
    database_url: str
    redis_url: str | None
    secret_key: str
    data_keys: dict[str, bytes]
    current_key_id: str
    instance_path: Path
    app_role: str = "yinghuo_app"
    plugins: list[str] | None = None
    extra_plugins: list[str] = field(default_factory=list)
    rate_limits: dict = field(default_factory=dict)
    smtp_url: str | None = None
    mail_from: str | None = None
    trace_hooks: bool = False
    #: reverse proxies in front whose X-Forwarded-* headers are believed
    proxies: int = 0
    #: argon2-cffi profile for new password hashes (existing hashes carry their own parameters)
    password_profile: str = "RFC_9106_LOW_MEMORY"
    #: a streaming replica for the read-heavy work (``yinghuo.db.replica``)
    read_database_url: str | None = None
    #: seconds between the periodic runner's rounds (no Redis)
    periodic_poll: float = 20.0
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("YINGHUO_INSTANCE") or Path.cwd() / "instance").resolve()
        database_url = normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance / 'yinghuo.db'}")
        redis_url = _redis_url(env.get("REDIS_URL"))
        secret = env.get("SECRET_KEY") or _instance_secret(instance, "secret.key", lambda: secrets.token_hex(32))
        if len(secret) < 16:
            raise ConfigError("SECRET_KEY: must be at least 16 characters")
        raw_keys = env.get("YINGHUO_DATA_KEY") or _instance_secret(
            instance, "data.key", lambda: "k1:" + base64.b64encode(secrets.token_bytes(32)).decode())
        keys, current = parse_data_keys(raw_keys)
        role = env.get("YINGHUO_APP_ROLE") or "yinghuo_app"
        if not role.replace("_", "").isalnum():
            raise ConfigError("YINGHUO_APP_ROLE: letters, digits and underscores only")
        plugins = env.get("YINGHUO_PLUGINS")
        proxies = (env.get("YINGHUO_PROXIES") or "0").strip()
        if not proxies.isdigit() or int(proxies) > 5:
            raise ConfigError(f"YINGHUO_PROXIES: expected a number of proxies from 0 to 5, got {proxies!r}")
        profile = (env.get("YINGHUO_PASSWORD_PROFILE") or "RFC_9106_LOW_MEMORY").strip()
        if profile not in PASSWORD_PROFILES:
            raise ConfigError(f"YINGHUO_PASSWORD_PROFILE: expected one of {', '.join(PASSWORD_PROFILES)}, got {profile!r}")
        read_url = env.get("YINGHUO_READ_DATABASE_URL") or None
        if read_url:
            try:
                read_url = normalise_database_url(read_url)
            except ConfigError:
                read_url = ""
            if not (read_url.startswith("postgresql") and database_url.startswith("postgresql")):
                raise ConfigError("YINGHUO_READ_DATABASE_URL: a replica of a PostgreSQL DATABASE_URL, "
                                  f"postgresql://user@host/db, got {env['YINGHUO_READ_DATABASE_URL']!r}")
        poll = (env.get("YINGHUO_PERIODIC_POLL") or "20").strip()
        try:
            periodic_poll = float(poll)
        except ValueError:
            periodic_poll = -1.0
        if not 0.1 <= periodic_poll <= 3600:
            raise ConfigError(f"YINGHUO_PERIODIC_POLL: expected seconds from 0.1 to 3600, got {poll!r}")
        return cls(
            periodic_poll=periodic_poll, database_url=database_url, read_database_url=read_url, password_profile=profile, redis_url=redis_url, secret_key=secret,
            data_keys=keys, current_key_id=current, instance_path=instance, app_role=role,
            plugins=[p.strip() for p in plugins.split(",") if p.strip()] if plugins else None,
            trace_hooks=env.get("YINGHUO_TRACE_HOOKS") == "1", proxies=int(proxies),
            smtp_url=_smtp_url(env.get("YINGHUO_SMTP_URL")), mail_from=env.get("YINGHUO_MAIL_FROM"),
            extra_plugins=[p.strip() for p in (env.get("YINGHUO_EXTRA_PLUGINS") or "").split(",") if p.strip()],
            rate_limits=_rate_limits(env.get("YINGHUO_RATE_LIMITS")),
        )


def _rate_limits(raw: str | None) -> dict:
    from limits import parse_many
    from .ratelimit import DEFAULTS
    found = {}
    for item in (raw or "").split():
        name, _, value = item.partition("=")
        if name not in DEFAULTS:
            raise ConfigError(f"YINGHUO_RATE_LIMITS: unknown limit {name!r} (known: {', '.join(DEFAULTS)})")
        try:
            parse_many(value)
        except ValueError:
            raise ConfigError(f"YINGHUO_RATE_LIMITS: {name}={value!r} is not like 30/minute;300/day") from None
        found[name] = value
    return found


def normalise_database_url(url: str) -> str:
    """Accept ``postgresql://`` and ``sqlite:///`` and pick the psycopg 3 driver."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme in ("postgresql+psycopg", "sqlite"):
        return url
    raise ConfigError(f"DATABASE_URL: expected postgresql://user@host/db or sqlite:///path, got {url!r}")


def _redis_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ConfigError(f"REDIS_URL: expected redis://host:port/db, got {url!r}")
    return url


def _smtp_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(f"YINGHUO_SMTP_URL: expected smtp://user:password@host:port, got {url!r}")
    return url


def parse_data_keys(raw: str) -> tuple[dict[str, bytes], str]:
    """Parse ``kid:base64,kid2:base64``; the first key encrypts, all decrypt."""
    keys: dict[str, bytes] = {}
    for item in raw.split(","):
        kid, sep, b64 = item.strip().partition(":")
        try:
            key = base64.b64decode(b64, validate=True)
        except ValueError:
            key = b""
        if not sep or not kid or len(key) != 32:
            raise ConfigError("YINGHUO_DATA_KEY: expected 'kid:<base64 of 32 bytes>' (comma-separated for rotation)")
        keys[kid] = key
    return keys, raw.split(",")[0].split(":")[0].strip()


def _instance_secret(instance: Path, name: str, make) -> str:
    """Read or create a secret in the instance folder (quick start only)."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value)
    path.chmod(0o600)
    return value
