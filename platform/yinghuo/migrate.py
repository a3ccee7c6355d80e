"""Alembic wiring: one environment, one version table, one branch per owner.

The kernel's revisions live in ``yinghuo/migrations/versions`` (branch "kernel", inside the
package so an installed wheel carries them); each plugin's
manifest names its own folder (branch = plugin name). ``upgrade()`` applies every head.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    root = migrations_dir()
    cfg = Config()
    cfg.set_main_option("script_location", str(root))
    locations = [str(root / "versions")] + list(current_app.extensions["yinghuo"].host.migration_dirs().values())
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", current_app.config["SQLALCHEMY_DATABASE_URI"])
    cfg.attributes["app"] = current_app._get_current_object()
    return cfg


def upgrade(target: str = "heads") -> None:
    command.upgrade(alembic_config(), target)


def check() -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    command.check(alembic_config())
