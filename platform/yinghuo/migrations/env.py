"""Alembic environment for the kernel and every installed plugin (one version table)."""
from __future__ import annotations

from alembic import context
from flask import current_app

config = context.config


def _app():
    app = config.attributes.get("app")
    if app is None:  # plain `alembic` command line: build the app from the environment
        from yinghuo.app import create_app
        app = create_app()
    return app


def run() -> None:
    app = _app()
    with app.app_context():
        from yinghuo.extensions import db
        from yinghuo import models  # noqa: F401
        engine = db.engine
        owner = context.get_x_argument(as_dictionary=True).get("owner")
        with engine.connect() as connection:
            context.configure(
                connection=connection, target_metadata=db.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                include_object=_owned_by(owner, list(app.extensions["yinghuo"].host.manifests)), compare_type=True, render_item=_render_item,
                include_name=lambda name, type_, parent: not (type_ == "table" and name == "id_counter"))
            with context.begin_transaction():
                context.run_migrations()


def _render_item(type_, obj, autogen_context):
    """Our column types are stored as plain SQLAlchemy types: migrations never import the app."""
    from yinghuo.db.base import UTCDateTime
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _owned_by(owner, plugins):
    """Autogenerate for one owner: a plugin's ``<name>_*`` tables, or the kernel's (the rest)."""
    def include(obj, name, type_, reflected, compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        if owner is None or table is None:
            return True
        if owner == "kernel":
            return not any(table.startswith(f"{p}_") for p in plugins)
        return table.startswith(f"{owner}_")
    return include


run()
