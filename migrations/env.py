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
                include_object=_owned_by(owner), compare_type=True, render_item=_render_item,
                include_name=lambda name, type_, parent: not (type_ == "table" and name == "id_counter"))
            with context.begin_transaction():
                context.run_migrations()


def _render_item(type_, obj, autogen_context):
    """Our column types are stored as plain SQLAlchemy types: migrations never import the app."""
    from yinghuo.db.base import UTCDateTime
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _owned_by(owner):
    def include(obj, name, type_, reflected, compare_to):
        if owner is None or type_ != "table":
            return True
        return name.startswith(f"{owner}_") if owner != "kernel" else "_" not in name.split("_")[0]
    return include


run()
