"""The ``yinghuo`` command line. Bad input: a clear message and exit code 2."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from alembic.util.exc import CommandError
from flask import current_app

from .audit import acting_as
from .config import ConfigError
from .db.context import tenant_scope
from .errors import DomainError
from .extensions import db


class AppGroup(click.Group):
    """Creates the app once, runs each command in its context, turns errors into exit 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (DomainError, ConfigError) as exc:
            fields = getattr(exc, "fields", None)
            detail = f" {json.dumps(fields, ensure_ascii=False)}" if fields else ""
            click.echo(f"error: {getattr(exc, 'message', str(exc))}{detail}", err=True)
            ctx.exit(2)
        except CommandError as exc:  # migrations: a state to fix, not a traceback
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=AppGroup)
@click.pass_context
def cli(ctx):
    """Yinghuo (萤火): volunteer service platform."""
    from .app import create_app
    if ctx.invoked_subcommand is None or "--help" in sys.argv:
        return
    try:
        app = create_app()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(2)
    ctx.obj = app
    ctx.with_resource(app.app_context())
    ctx.with_resource(acting_as("cli"))
    ctx.with_resource(tenant_scope(None, operator=True))  # the CLI is the platform operator's tool


def add_plugin_commands(group=None) -> None:
    """Let the installed plugins add their commands (``yinghuo_cli_commands``); a broken
    plugin must neither hide the kernel's commands nor fail silently."""
    from .config import Settings
    from .plugin_host import PluginHost
    try:
        settings = Settings.from_env()
        host = PluginHost(only=settings.plugins, extra=settings.extra_plugins)
        for _ in host.per_plugin("yinghuo_cli_commands", cli=group or cli):
            pass
    except ConfigError:
        pass  # the command itself reports the setting and exits 2
    except Exception as exc:
        click.echo(f"warning: plugin commands not loaded: {exc}", err=True)


def main():
    add_plugin_commands()
    cli(prog_name="yinghuo")


# --- db ------------------------------------------------------------------------------

@cli.group("db")
def db_group():
    """Database migrations."""


@db_group.command("upgrade")
@click.option("--target", default="heads", show_default=True, help="revision or heads")
def db_upgrade(target):
    """Apply every migration of the kernel and the installed plugins."""
    from . import migrate
    migrate.upgrade(target)
    click.echo("database is up to date")


@db_group.command("check")
def db_check():
    """Fail if the models and the migrations disagree."""
    from . import migrate
    migrate.check()
    click.echo("models and migrations agree")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--plugin", default=None, help="owner of the revision (default: kernel)")
@click.option("--autogenerate", is_flag=True)
def db_revision(message, plugin, autogenerate):
    """Write a new revision on the kernel's or a plugin's branch."""
    from alembic import command
    from . import migrate
    cfg = migrate.alembic_config()
    owner = plugin or "kernel"
    cfg.cmd_opts = type("Opts", (), {"x": [f"owner={owner}"]})()
    head, path, label, depends_on = f"{owner}@head", None, None, None
    if plugin:
        path = current_app.extensions["yinghuo"].host.migration_dirs().get(plugin)
        if path is None:
            raise click.BadParameter(f"plugin {plugin!r} has no migrations folder", param_hint="--plugin")
        if not any(Path(path).glob("*.py")):  # a plugin's first revision starts its branch
            from alembic.script import ScriptDirectory
            kernel_head = ScriptDirectory.from_config(cfg).get_revision("kernel@head").revision
            head, label, depends_on = "base", plugin, kernel_head
    command.revision(cfg, message=message, autogenerate=autogenerate, head=head, version_path=path,
                     branch_label=label, depends_on=depends_on)


# --- data keys -------------------------------------------------------------------------

@cli.group("keys")
def keys_group():
    """Data keys for personal fields (YINGHUO_DATA_KEY)."""


@keys_group.command("rekey")
@click.option("--retire", multiple=True, metavar="KID",
              help="a key to drop from YINGHUO_DATA_KEY afterwards (repeatable); the app must be stopped")
@click.option("--yes", is_flag=True, help="confirm that the app is stopped (needed with --retire)")
def keys_rekey(retire, yes):
    """Re-encrypt every ID number and pending import with the current (first) key."""
    from .rekey import rekey
    if retire and not yes:
        raise click.UsageError("retiring a key recomputes the ID-number hashes: stop the app and the worker, "
                               "then run again with --yes")
    done = rekey(list(retire))
    click.echo(f"{done['id_numbers']} ID numbers and {done['imports']} pending imports in "
               f"{done['tenants']} tenants re-encrypted with key {done['key']}")
    if retire:
        click.echo(f"now set YINGHUO_DATA_KEY to the keys {', '.join(done['keep'])} only, then start the app")


# --- tenants ---------------------------------------------------------------------------

@cli.group("tenant")
def tenant_group():
    """Create and manage tenants."""


def _split(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


@tenant_group.command("create")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(["university", "county", "hub", "other"]))
@click.option("--parent", default=None, help="slug of the parent hub")
@click.option("--plugins", default="", help="comma-separated plugin names")
@click.option("--admin-email", default=None)
@click.option("--admin-password", default=None)
def tenant_create(slug, name, kind, parent, plugins, admin_email, admin_password):
    """Create a tenant with its plugins and optionally its first admin."""
    from .people.services import make_admin
    from .tenancy import services
    if admin_email and not admin_password:
        raise click.BadParameter("--admin-password is required with --admin-email", param_hint="--admin-password")
    tenant = services.create_tenant(slug=slug, name=name, kind=kind, parent=parent, plugins=_split(plugins))
    if admin_email:
        make_admin(tenant, email=admin_email, password=admin_password)
    db.session.commit()
    click.echo(f"created tenant {slug} (plugins: {', '.join(tenant.enabled_plugins) or 'none'})")


@tenant_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def tenant_list(as_json):
    """List tenants."""
    from sqlalchemy import select
    from .tenancy.models import Tenant
    from .tenancy.services import tenant_snapshot
    rows = [tenant_snapshot(t) for t in db.session.scalars(select(Tenant).order_by(Tenant.slug))]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['slug']:<24} {r['kind']:<11} {r['status']:<10} {','.join(r['plugins']) or '-':<30} {r['name']}")


@tenant_group.command("plugins")
@click.argument("slug")
@click.option("--enable", "enable", multiple=True, help="plugin to enable (repeatable or a,b)")
@click.option("--disable", "disable", multiple=True, help="plugin to disable (repeatable or a,b)")
def tenant_plugins(slug, enable, disable):
    """Show or change the plugins enabled for a tenant."""
    from .tenancy import services
    tenant = services.get_tenant(slug)
    for name in (n for e in enable for n in _split(e)):
        services.enable_plugin(tenant, name)
    for name in (n for d in disable for n in _split(d)):
        services.disable_plugin(tenant, name)
    db.session.commit()
    click.echo(f"{slug}: {', '.join(tenant.enabled_plugins) or 'no plugins'}")


@tenant_group.command("suspend")
@click.argument("slug")
@click.option("--reason", default=None)
def tenant_suspend(slug, reason):
    """Suspend a tenant (its pages answer 403; data kept)."""
    from .tenancy import services
    changed = services.set_status(services.get_tenant(slug), "suspended", reason)
    db.session.commit()
    click.echo(f"{slug}: suspended" if changed else f"{slug}: already suspended")


@tenant_group.command("resume")
@click.argument("slug")
def tenant_resume(slug):
    """Resume a suspended tenant."""
    from .tenancy import services
    changed = services.set_status(services.get_tenant(slug), "active")
    db.session.commit()
    click.echo(f"{slug}: active" if changed else f"{slug}: already active")


@tenant_group.command("apply")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def tenant_apply(path):
    """Apply a tenant file or the tenants/ folder: idempotent, prints what changed."""
    from .tenancy.files import apply_path
    for line in apply_path(path):
        click.echo(line)


# --- plugins, demo, worker, serve ---------------------------------------------------------

@cli.group("plugins", invoke_without_command=True)
@click.pass_context
def plugins_group(ctx):
    """Installed plugins."""


@plugins_group.command("list")
def plugins_list():
    """List installed plugins."""
    for name, m in current_app.extensions["yinghuo"].host.manifests.items():
        click.echo(f"{name:<16} {m.version:<8} {m.title_zh} / {m.title_en}")
    if not current_app.extensions["yinghuo"].host.manifests:
        click.echo("no plugins installed")


@cli.command("demo")
@click.option("--tenants", "tenants_dir", default=None, type=click.Path(path_type=Path),
              help="folder of tenant files (default: the repository's tenants/)")
def demo(tenants_dir):
    """Migrate, apply tenants/ and load believable demo data (idempotent)."""
    from . import demo as demo_mod, migrate
    migrate.upgrade()
    for line in demo_mod.load(tenants_dir):
        click.echo(line)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
def worker(burst):
    """Start an RQ worker with the scheduler (needs REDIS_URL)."""
    from . import jobs
    try:
        jobs.work(burst=burst)
    except RuntimeError as exc:
        raise click.UsageError(str(exc))


@cli.group("jobs")
def jobs_group():
    """The job outbox."""


@jobs_group.command("sweep")
@click.option("--older-than", default=60, show_default=True, help="seconds a call waits before it is queued again")
def jobs_sweep(older_than):
    """Queue again (or, without Redis, run) every call whose run never finished."""
    from . import jobs
    click.echo(f"{jobs.sweep_outbox(stale_seconds=older_than)} job(s) queued again")


if __name__ == "__main__":
    main()
