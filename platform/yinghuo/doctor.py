"""``yinghuo doctor``: checks a deployment's settings and services and says how to fix each fault.

Each check gives ``ok``, ``warn`` (works, but not as a deployment should) or ``fail`` (something
will break), with the fix in one line. The operator console's status page shows the same list.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .config import ConfigError, Settings
from .errors import first_line


@dataclass
class Finding:
    check: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""


def run(env: dict | None = None, app=None) -> list[Finding]:
    """Every check, in order. ``app``: check the settings this running app was made with (the
    operator console's status page) instead of reading them from ``env``."""
    env = dict(os.environ if env is None else env)
    found: list[Finding] = []
    if app is not None:
        settings = app.extensions["yinghuo"].settings
    else:
        try:
            settings = Settings.from_env(env)
        except ConfigError as exc:
            return [Finding("settings", "fail", str(exc), "correct it in /etc/yinghuo/env (deploy/env.example explains each)")]
    found.append(Finding("settings", "ok", "every setting reads"))
    postgres = settings.database_url.startswith("postgresql")
    found += _keys(settings, postgres)
    found.append(_instance(settings.instance_path))
    database = _database(settings)
    found += database
    if postgres and database[0].status == "ok":
        found += _guarded("app role", _roles, settings)
        found += _guarded("backup role", _backup_role, env, settings)
    if database[0].status == "ok" and not any(f.status == "fail" for f in found):
        found += _guarded("schema", _schema_and_periodic, app, settings)
    found += _redis(settings.redis_url, postgres)
    if settings.read_database_url:
        found.append(_replica(settings.read_database_url))
    found += _pdf()
    if settings.smtp_url:
        found.append(_smtp(settings.smtp_url))
    return found


def _guarded(check: str, func, *args) -> list[Finding]:
    """A check that raises is a failed check, never a crashed doctor."""
    try:
        return func(*args)
    except Exception as exc:
        return [Finding(check, "fail", f"{type(exc).__name__}: {first_line(exc)}", "see the line above")]


def _keys(settings: Settings, postgres: bool) -> list[Finding]:
    """Keys generated into the instance folder (the quick start) are this machine's alone."""
    from .config import parse_data_keys
    generated = []
    secret_file, data_file = settings.instance_path / "secret.key", settings.instance_path / "data.key"
    if secret_file.exists() and secret_file.read_text().strip() == settings.secret_key:
        generated.append("SECRET_KEY")
    if data_file.exists():
        try:
            keys = parse_data_keys(data_file.read_text().strip())[0]
        except ConfigError:
            keys = {}
        if keys == settings.data_keys:
            generated.append("YINGHUO_DATA_KEY")
    if not generated:
        return [Finding("keys", "ok", f"SECRET_KEY and YINGHUO_DATA_KEY set; data key {settings.current_key_id} encrypts")]
    return [Finding("keys", "warn" if postgres else "ok", f"{' and '.join(generated)} generated into {settings.instance_path}",
                    "set them in /etc/yinghuo/env so every web node and worker shares them, and keep a copy of "
                    "YINGHUO_DATA_KEY apart from the backups" if postgres else "")]


def _instance(path: Path) -> Finding:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".doctor"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return Finding("instance folder", "fail", f"{path}: {exc.strerror}",
                       f"chown yinghuo:yinghuo {path} (or set YINGHUO_INSTANCE to a writable folder)")
    return Finding("instance folder", "ok", f"{path} is writable")


def _engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool
    args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    return create_engine(url, connect_args=args, poolclass=NullPool)


def _database(settings: Settings) -> list[Finding]:
    from sqlalchemy import text
    url = settings.database_url
    try:
        with _engine(url).connect() as conn:
            if url.startswith("postgresql"):
                version = conn.execute(text("SHOW server_version")).scalar()
                where = conn.execute(text("SELECT current_database() || ' as ' || current_user")).scalar()
                return [Finding("database", "ok", f"PostgreSQL {version}, {where}")]
            version = conn.execute(text("SELECT sqlite_version()")).scalar()
            return [Finding("database", "ok", f"SQLite {version} (the embedded default: one machine, "
                                              f"for trying Yinghuo and small installs)")]
    except Exception as exc:
        return [Finding("database", "fail", f"cannot connect: {first_line(exc)}",
                        "check DATABASE_URL and that PostgreSQL runs (systemctl status postgresql); "
                        "deploy/postgres-setup.sql makes the role and database")]


def _roles(settings: Settings) -> list[Finding]:
    """The owner role may switch to the app roles (one tenant, several together); neither may
    bypass row-level security."""
    from sqlalchemy import text

    from .db.rls import together_role
    found = []
    with _engine(settings.database_url).connect() as conn:
        me = conn.execute(text("SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
        for label, role in (("app role", settings.app_role), ("together role", together_role(settings.app_role))):
            app = conn.execute(text("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = :r"),
                               {"r": role}).one_or_none()
            member = app is not None and conn.execute(text("SELECT pg_has_role(current_user, :r, 'MEMBER')"),
                                                      {"r": role}).scalar()
            found.append(_app_role_finding(label, role, app, member, me.rolname))
    if me.rolsuper or me.rolbypassrls:
        found.append(Finding("owner role", "warn", f"{me.rolname} connects as a {'superuser' if me.rolsuper else 'BYPASSRLS role'}",
                             "connect as a plain owner role (deploy/postgres-setup.sql makes one)"))
    else:
        found.append(Finding("owner role", "ok", f"{me.rolname}: no superuser, no BYPASSRLS"))
    return found


def _app_role_finding(label: str, role: str, app, member: bool, me: str) -> Finding:
    if app is None:
        return Finding(label, "fail", f"role {role} does not exist",
                       "run 'yinghuo db upgrade' (the migrations create it)")
    if app.rolsuper or app.rolbypassrls:
        return Finding(label, "fail", f"role {role} is {'a superuser' if app.rolsuper else 'BYPASSRLS'}: "
                       "row-level security would not hold", f"ALTER ROLE {role} NOSUPERUSER NOBYPASSRLS;")
    if not member:
        return Finding(label, "fail", f"{me} cannot switch to {role}",
                       f"run 'yinghuo db upgrade' (it grants it), or GRANT {role} TO {me};")
    return Finding(label, "ok", f"{role}: no superuser, no BYPASSRLS, "
                                     f"{'can log in (not needed)' if app.rolcanlogin else 'no login'}")


def _backup_role(env: dict, settings: Settings) -> list[Finding]:
    """``yinghuo backup`` must read past the forced row-level security: a BYPASSRLS role."""
    from sqlalchemy import text

    from .config import normalise_database_url
    url = env.get("YINGHUO_BACKUP_DATABASE_URL")
    try:
        with _engine(normalise_database_url(url) if url else settings.database_url).connect() as conn:
            name, able = conn.execute(text("SELECT rolname, rolsuper OR rolbypassrls FROM pg_roles "
                                           "WHERE rolname = current_user")).one()
    except Exception as exc:
        return [Finding("backup role", "fail", f"cannot connect: {first_line(exc)}", "check YINGHUO_BACKUP_DATABASE_URL")]
    if able:
        return [Finding("backup role", "ok", f"backups dump as {name}, which reads past row-level security")]
    return [Finding("backup role", "warn" if not url else "fail",
                    f"'yinghuo backup' as {name} would be refused: row-level security is forced on it",
                    "set YINGHUO_BACKUP_DATABASE_URL to the BYPASSRLS role deploy/postgres-setup.sql makes (yinghuo_backup)")]


def _schema_and_periodic(app, settings: Settings) -> list[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from . import migrate
    from .extensions import db
    if app is None:
        from .app import create_app
        app = create_app({"SETTINGS": settings})
    found = []
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.alembic_config())
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
        heads = set(script.get_heads())
        if current == heads:
            found.append(Finding("schema", "ok", f"at the newest revision of {len(heads)} branch(es)"))
        else:
            found.append(Finding("schema", "fail", f"{len(heads - current)} branch(es) behind" if current else "empty database",
                                 "yinghuo db upgrade"))
            return found
        from . import periodic
        from .db.base import utcnow
        runs = periodic.last_runs()
        sweep = next((r for r in runs if r["func"] == "yinghuo.jobs.sweep_outbox"), None)
        last = sweep and sweep["last"] and sweep["last"]["started_at"]
        if app.config.get("REDIS_URL") and not last:
            found.append(Finding("periodic jobs", "ok", "scheduled by the RQ worker"))
        elif last and (utcnow() - last).total_seconds() < 600:
            found.append(Finding("periodic jobs", "ok", f"{len(runs)} declared; the minute's sweep ran "
                                                        f"{int((utcnow() - last).total_seconds())} s ago"))
        else:
            found.append(Finding("periodic jobs", "warn", "the outbox sweep has not run in the last 10 minutes",
                                 "start the web service (no Redis) or the worker (systemctl start yinghuo-worker), "
                                 "or run 'yinghuo periodic run' from cron"))
    return found


def _redis(url: str | None, postgres: bool) -> list[Finding]:
    if not url:
        return [Finding("redis", "warn" if postgres else "ok",
                        "not configured: jobs run inline in the request, periodic jobs in the web processes",
                        "set REDIS_URL and start yinghuo-worker for a deployment" if postgres else "")]
    import redis
    try:
        conn = redis.Redis.from_url(url, socket_connect_timeout=5)
        conn.ping()
    except Exception as exc:
        return [Finding("redis", "fail", f"cannot reach {url}: {exc}", "check REDIS_URL; systemctl status redis-server")]
    found = [Finding("redis", "ok", f"Redis {conn.info('server').get('redis_version')} at {url}")]
    try:
        aof = conn.config_get("appendonly").get("appendonly")
    except Exception:
        aof = None
    if aof == "yes":
        found.append(Finding("redis persistence", "ok", "appendonly yes: queued jobs survive a restart"))
    else:
        found.append(Finding("redis persistence", "warn", f"appendonly is {aof or 'unknown'}: queued jobs are lost on a "
                             "restart (the outbox sweep queues them again, later)",
                             "appendonly yes in /etc/redis/redis.conf, then systemctl restart redis-server"))
    from rq import Worker
    workers = Worker.count(connection=conn)
    found.append(Finding("job workers", "ok" if workers else "warn", f"{workers} RQ worker(s) running",
                         "" if workers else "systemctl enable --now yinghuo-worker"))
    return found


def _replica(url: str) -> Finding:
    from sqlalchemy import text
    try:
        with _engine(url).connect() as conn:
            standby = conn.execute(text("SELECT pg_is_in_recovery()")).scalar()
            lag = conn.execute(text("SELECT coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)")).scalar()
    except Exception as exc:
        return Finding("read replica", "fail", f"cannot connect: {first_line(exc)}", "check YINGHUO_READ_DATABASE_URL")
    if not standby:
        return Finding("read replica", "warn", "YINGHUO_READ_DATABASE_URL is not a standby (pg_is_in_recovery is false)",
                       "point it at a streaming replica, or unset it")
    return Finding("read replica", "ok", f"a standby, last replayed transaction {float(lag):.0f} s ago")


def _pdf() -> list[Finding]:
    found = []
    if shutil.which("fc-list") is None:
        found.append(Finding("pdf font", "fail", "fontconfig is not installed", "apt-get install fontconfig fonts-noto-cjk"))
    else:
        families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
        if families:
            names = [line.split(",")[0] for line in families.splitlines()]
            found.append(Finding("pdf font", "ok", f"Chinese: {next((n for n in names if 'SC' in n), names[0])}"))
        else:
            found.append(Finding("pdf font", "fail", "no font with Chinese: certificates would print empty boxes",
                                 "apt-get install fonts-noto-cjk"))
    try:
        import weasyprint  # noqa: F401
        found.append(Finding("pdf engine", "ok", "WeasyPrint loads (Pango found)"))
    except OSError as exc:
        found.append(Finding("pdf engine", "fail", f"WeasyPrint cannot load: {exc}",
                             "apt-get install libpango-1.0-0 libpangoft2-1.0-0"))
    return found


def _smtp(url: str) -> Finding:
    parts = urlsplit(url)
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    try:
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except OSError as exc:
        return Finding("mail", "warn", f"cannot reach {parts.hostname}:{port}: {exc.strerror or exc}",
                       "check YINGHUO_SMTP_URL and the firewall; notifications stay in-app meanwhile")
    return Finding("mail", "ok", f"{parts.hostname}:{port} answers")
