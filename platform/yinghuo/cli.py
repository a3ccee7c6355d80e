"""The ``yinghuo`` command line. Bad input: a clear message and exit code 2."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from alembic.util.exc import CommandError
from flask import current_app

from .audit import acting_as
from .config import ConfigError
from .db.context import tenant_scope
from .errors import DomainError, first_line
from .extensions import db


class AppGroup(click.Group):
    """Creates the app once and runs each command in its context. Every failure, a usage
    mistake as much as an unreachable database, ends as one line ``error: …`` and exit code 2
    (``YINGHUO_DEBUG=1`` shows the traceback instead)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # a bare group: its help, not an error
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        except click.exceptions.Abort:
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("YINGHUO_DEBUG") == "1":
                raise
            click.echo(f"error: {describe(exc)}", err=True)
            sys.exit(2)
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return rv


def describe(exc: BaseException) -> str:
    """One line saying what went wrong, naming the setting, option or service at fault."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    if isinstance(exc, (DomainError,)):
        fields = getattr(exc, "fields", None)
        text = getattr(exc, "message", str(exc)) + (f" {json.dumps(fields, ensure_ascii=False)}" if fields else "")
    elif isinstance(exc, click.UsageError):
        where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        text = exc.format_message() + where
    elif isinstance(exc, click.ClickException):
        text = exc.format_message()
    elif isinstance(exc, OperationalError):
        text = f"the database cannot be reached or refused: {first_line(exc)} (check DATABASE_URL; 'yinghuo doctor')"
    elif isinstance(exc, DBAPIError):
        text = f"the database refused: {first_line(exc)}"
    elif type(exc).__module__.startswith("redis"):
        text = f"Redis: {first_line(exc)} (check REDIS_URL; 'yinghuo doctor')"
    elif isinstance(exc, (ConfigError, CommandError, OSError)) or type(exc).__name__ == "BackupError":
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split()) or type(exc).__name__


@click.group(cls=AppGroup)
@click.pass_context
def cli(ctx):
    """Yinghuo (萤火): volunteer service platform."""
    from .app import create_app
    if ctx.invoked_subcommand in (None, "doctor") or "--help" in sys.argv:
        return  # the doctor checks the settings and services one by one itself
    app = create_app()
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
    """Apply a tenant file or a folder of them: idempotent, prints what changed."""
    from .tenancy.files import apply_path
    for line in apply_path(path):
        click.echo(line)


@tenant_group.command("samples")
@click.option("--copy", "target", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="copy the sample tenant files into this folder, to edit and apply")
def tenant_samples(target):
    """List the sample tenant files that come with Yinghuo, or copy them to a folder."""
    import shutil
    from .demo import sample_tenants_dir
    files = sorted(sample_tenants_dir().glob("*.toml"))
    if target is None:
        for path in files:
            click.echo(str(path))
        return
    target.mkdir(parents=True, exist_ok=True)
    kept = []
    for path in files:
        if (target / path.name).exists():
            kept.append(path.name)  # never overwrite what an operator edited
            continue
        shutil.copyfile(path, target / path.name)
    click.echo(f"{len(files) - len(kept)} sample tenant file(s) copied to {target}"
               + (f"; kept the existing {', '.join(kept)}" if kept else ""))


@cli.group("operator")
def operator_group():
    """Platform operators (the console's accounts)."""


@operator_group.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="asked for when not given (keep it out of the shell's history)")
def operator_create(email, password):
    """Make EMAIL a platform operator (a new account, or an existing one promoted)."""
    from sqlalchemy import select
    from . import audit
    from .people.auth import hash_password
    from .people.models import Account
    email = email.strip().lower()
    if "@" not in email or len(email) > 200:
        raise click.BadParameter("an email address", param_hint="EMAIL")
    account = db.session.scalar(select(Account).where(Account.email == email))
    made = account is None
    if made:
        account = Account(email=email, password_hash=hash_password(password), is_operator=True)
        db.session.add(account)
    else:
        account.is_operator = True
    db.session.flush()
    audit.record("operator.create" if made else "operator.promote", "account", account.id, after={"email": email})
    db.session.commit()
    click.echo(f"{email} is a platform operator{' (new account)' if made else ''}: sign in at /login")


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
              help="folder of tenant files (default: the samples, 'yinghuo tenant samples')")
def demo(tenants_dir):
    """Migrate, apply the sample tenants and load believable demo data (idempotent)."""
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


@cli.command("backup")
@click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder for the backup file (yinghuo-<UTC time>.tar)")
@click.option("--keep", type=click.IntRange(1, 10_000), default=None, help="keep only the newest N backups there")
def backup_command(folder, keep):
    """Back up the database (pg_dump, or SQLite's copy) and the instance folder's files into one tar file."""
    from . import backup
    path = backup.backup(current_app, folder, keep=keep)
    click.echo(f"backup written: {path} ({path.stat().st_size / 1e6:.1f} MB)")


@cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive):
    """Restore a backup into the empty database of DATABASE_URL and the instance folder, then
    bring the schema up to this version."""
    from . import backup, migrate
    done = backup.restore(archive, current_app.extensions["yinghuo"].settings)
    migrate.upgrade()
    manifest = done["manifest"]
    click.echo(f"restored the backup of {manifest['created_at']} (version {manifest['version']}); schema up to date")
    if done["replaced"]:
        click.echo(f"instance files replaced by the backup's (old ones kept as *.before-restore): "
                   f"{', '.join(done['replaced'])}; restart the app and the worker")


@cli.group("totals")
def totals_group():
    """The kept totals of approved minutes (rankings, roll-ups, dashboards read them)."""


def _tenants(slug: str | None):
    from sqlalchemy import select
    from .tenancy.models import Tenant
    from .tenancy.services import get_tenant
    return [get_tenant(slug)] if slug else list(db.session.scalars(select(Tenant).order_by(Tenant.slug)))


@totals_group.command("check")
@click.option("--tenant", "slug", default=None, help="one tenant's slug (default: every tenant)")
def totals_check(slug):
    """Compare the kept totals with the hour records they sum; exit 2 when any disagree."""
    from .hours import totals
    wrong = 0
    for tenant in _tenants(slug):
        for row in totals.drift(tenant.id):
            wrong += 1
            if wrong <= 50:
                click.echo(f"{tenant.slug}: member {row['member_id']} {row['period']}: "
                           f"kept {row['kept']}, records {row['records']}")
    if wrong:
        raise click.ClickException(f"{wrong} kept total(s) disagree with the records: "
                                   f"'yinghuo totals rebuild' makes them again")
    click.echo("the kept totals agree with the records")


@totals_group.command("rebuild")
@click.option("--tenant", "slug", default=None, help="one tenant's slug (default: every tenant)")
def totals_rebuild(slug):
    """Make the kept totals again from the hour records (each tenant in one transaction)."""
    from .hours import totals
    for tenant in _tenants(slug):
        click.echo(f"{tenant.slug}: {totals.rebuild(tenant.id)} total(s) made again")


@cli.command("doctor")
def doctor():
    """Check the settings, PostgreSQL roles, Redis, the PDF font: what is wrong and how to fix it."""
    from . import doctor as checks
    findings = checks.run()
    for f in findings:
        click.echo(f"{f.status:<5} {f.check:<18} {f.detail}")
        if f.fix and f.status != "ok":
            click.echo(f"{'':<24} fix: {f.fix}")
    failed = [f.check for f in findings if f.status == "fail"]
    if failed:
        raise click.ClickException(f"{len(failed)} check(s) failed: {', '.join(failed)}")
    warnings = sum(f.status == "warn" for f in findings)
    click.echo(f"all checks passed ({warnings} warning(s))")


@cli.group("periodic")
def periodic_group():
    """Periodic jobs (reminders, retention, the outbox sweep)."""


@periodic_group.command("run")
def periodic_run():
    """Run every periodic job whose current slot has not run yet (once per slot, whoever asks)."""
    from . import periodic
    ran = periodic.run_due()
    click.echo(f"{len(ran)} periodic job(s) run" + (f": {', '.join(ran)}" if ran else ""))


@periodic_group.command("list")
def periodic_list():
    """Each periodic job with its interval and its last run."""
    from . import periodic
    for row in periodic.last_runs():
        last = row["last"]
        when = "never" if last is None else (
            f"{last['started_at']:%Y-%m-%d %H:%M:%S} UTC by {last['runner']}, {last['tenants']} tenant(s)"
            + (f", {last['failures']} failed: {last['error']}" if last["failures"] else ""))
        click.echo(f"{row['func']:<55} every {row['interval_seconds']:>6} s  last: {when}")


if __name__ == "__main__":
    main()
