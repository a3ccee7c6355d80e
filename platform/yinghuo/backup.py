"""``yinghuo backup`` and ``yinghuo restore``: one tar file holds a deployment.

Inside: ``database.dump`` (``pg_dump --format=custom``; on the embedded default
``database.sqlite``, a consistent copy by SQLite's backup API), the instance folder's own files
(``instance/…``: the keys the quick start generated; compiled catalogs are left out, they are
made again at start) and ``manifest.json`` (when, which version, the schema's revisions, a
SHA-256 of every member). Every file a person uploads or the platform renders (certificates,
exports, report attachments, photos) lives in the database, so the dump holds them too.

PostgreSQL's row-level security is forced on the owner as well, so a dump needs a role that
may read past it: ``YINGHUO_BACKUP_DATABASE_URL`` names one (``deploy/postgres-setup.sql`` makes
``yinghuo_backup``: BYPASSRLS, read-only); without it the backup connects as DATABASE_URL,
which works when that role is a superuser (tests, a dev machine) and otherwise stops with a
message saying so. A restore goes into an empty database only, checks every member's SHA-256
first, and upgrades the schema afterwards if the package is newer than the backup.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .config import Settings

#: instance files that are made again, not kept
SKIP = {"periodic.lock", ".doctor"}
SKIP_DIRS = ("translations",)


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _sqlite_path(url: str) -> Path:
    return Path(url.split("sqlite:///", 1)[1])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _instance_files(instance: Path, database: Path | None) -> list[Path]:
    if not instance.exists():
        return []
    found = []
    for path in sorted(instance.rglob("*")):
        rel = path.relative_to(instance)
        if not path.is_file() or path.name in SKIP or rel.parts[0].startswith(SKIP_DIRS):
            continue
        if database is not None and path.resolve() in (database.resolve(), Path(f"{database}-journal").resolve(),
                                                       Path(f"{database}-wal").resolve()):
            continue
        found.append(path)
    return found


def _heads(app) -> list[str]:
    from alembic.runtime.migration import MigrationContext

    from .extensions import db
    with app.app_context(), db.engine.connect() as conn:
        return sorted(MigrationContext.configure(conn).get_current_heads())


def backup(app, to: Path, keep: int | None = None, env: dict | None = None) -> Path:
    """Write ``yinghuo-<UTC time>.tar`` into ``to``; with ``keep``, delete all but the newest ``keep``."""
    env = dict(os.environ if env is None else env)
    settings: Settings = app.extensions["yinghuo"].settings
    to.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = to / f"yinghuo-{stamp}.tar"
    url = settings.database_url
    with tempfile.TemporaryDirectory(dir=to, prefix=".partial-") as tmp:
        work = Path(tmp)
        members: dict[str, Path] = {}
        sqlite_db = None
        if url.startswith("postgresql"):
            members["database.dump"] = _pg_dump(env.get("YINGHUO_BACKUP_DATABASE_URL") or url, work / "database.dump")
        else:
            sqlite_db = _sqlite_path(url)
            members["database.sqlite"] = _sqlite_copy(sqlite_db, work / "database.sqlite")
        for path in _instance_files(settings.instance_path, sqlite_db):
            members[f"instance/{path.relative_to(settings.instance_path).as_posix()}"] = path
        manifest = {"format": 1, "created_at": datetime.now(timezone.utc).isoformat(), "version": _version(),
                    "engine": "postgresql" if url.startswith("postgresql") else "sqlite",
                    "revisions": _heads(app), "sha256": {name: _sha256(path) for name, path in members.items()}}
        partial = work / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        partial.chmod(0o600)
        os.replace(partial, target)  # a backup is there whole or not at all
    if keep:
        for old in sorted(to.glob("yinghuo-*.tar"))[:-keep]:
            old.unlink()
    return target


def _version() -> str:
    try:
        return version("yinghuo")
    except PackageNotFoundError:
        return "unknown"


def _pg_dump(url: str, path: Path) -> Path:
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed: apt-get install postgresql-client")
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", f"--dbname={_libpq(url)}"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        message = " ".join(result.stderr.split())
        if "row-level security" in message:
            raise BackupError("pg_dump cannot read past row-level security as this role: set "
                              "YINGHUO_BACKUP_DATABASE_URL to a BYPASSRLS role (deploy/postgres-setup.sql makes "
                              f"yinghuo_backup) ({message})")
        raise BackupError(f"pg_dump failed: {message}")
    return path


def _sqlite_copy(source: Path, target: Path) -> Path:
    import sqlite3
    if not source.exists():
        raise BackupError(f"no database at {source}")
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive) as tar:
            return json.load(tar.extractfile("manifest.json"))
    except (tarfile.TarError, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"{archive} is not a Yinghuo backup ({exc})") from None


def restore(archive: Path, settings: Settings, env: dict | None = None) -> dict:
    """Restore ``archive`` into the empty database of ``settings`` and its instance folder."""
    manifest = read_manifest(archive)
    url = settings.database_url
    engine = "postgresql" if url.startswith("postgresql") else "sqlite"
    if manifest.get("engine") != engine:
        raise BackupError(f"the backup holds a {manifest.get('engine')} database and DATABASE_URL is {engine}")
    _refuse_unless_empty(url)
    with tempfile.TemporaryDirectory(prefix="yinghuo-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if member.name == "manifest.json":
                    continue
                if member.name not in manifest["sha256"] or not member.isfile():
                    raise BackupError(f"the backup holds {member.name!r}, which its manifest does not list")
                tar.extract(member, work, filter="data")
        for name, digest in manifest["sha256"].items():
            if not (work / name).exists() or _sha256(work / name) != digest:
                raise BackupError(f"{name} in the backup does not match its checksum: the file is damaged")
        if engine == "postgresql":
            _pg_restore(url, work / "database.dump", settings.app_role)
        else:
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "database.sqlite", target)
        replaced = []
        for name in manifest["sha256"]:
            if not name.startswith("instance/"):
                continue
            target = settings.instance_path / name.removeprefix("instance/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and target.read_bytes() != (work / name).read_bytes():
                target.rename(target.with_name(target.name + ".before-restore"))
                replaced.append(target.name)
            shutil.copyfile(work / name, target)
            target.chmod(0o600)
    return {"manifest": manifest, "replaced": replaced}


def _refuse_unless_empty(url: str) -> None:
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool
    if url.startswith("sqlite") and not _sqlite_path(url).exists():
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables): restore into a new, empty database "
                          "(createdb, or a new sqlite path) and point DATABASE_URL at it")


def _pg_restore(url: str, dump: Path, app_role: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from .db.rls import role_sql
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed: apt-get install postgresql-client")
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:  # the app's role exists (a new cluster) before its grants are restored
        conn.execute(text(role_sql(app_role)))
    engine.dispose()
    result = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
                             f"--dbname={_libpq(url)}", str(dump)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {' '.join(result.stderr.split())}")
