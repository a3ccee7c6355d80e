"""Every hook a Yinghuo plugin can implement: the contract between the kernel and plugins.

Rules: hooks are called with keyword arguments only; ``tenant`` comes first where there is
one; an implementation may accept any subset of the arguments (pluggy's opt-in arguments),
so new arguments can be added later without breaking plugins.

Three kinds, each section below:

- **Registration** hooks run once in ``create_app`` (and the CLI) on every installed
  plugin, whatever any tenant has enabled. They return records the host validates.
- **Tenant** hooks (lifecycle, contributions, events, decisions) are called through
  ``PluginHost.hooks_for(tenant)``: only the plugins enabled for that tenant answer, plus
  the kernel's own ``core_hooks``. A disabled plugin is never called for that tenant.
- **Events** run inside the kernel's transaction: a plugin's database writes commit or roll
  back with the kernel's; anything outside the database (messages, PDFs) is enqueued as a
  job, which runs after the commit.

``tests/contracts/test_hooks.py`` fails when a hook here has no test named for it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import pluggy

if TYPE_CHECKING:  # the records are plain; the models only for the signatures
    import click
    from flask import Flask

    from .activities.models import Activity
    from .hours.models import HourRecord
    from .people.models import Member
    from .records import NavItem, PeriodicJob, Permission, PluginBlueprint, PluginManifest, Stat, Verification, Widget
    from .tenancy.models import Tenant

hookspec = pluggy.HookspecMarker("yinghuo")


# --- registration: once per app, every installed plugin -----------------------------

@hookspec(firstresult=True)
def yinghuo_manifest() -> PluginManifest:
    """Describe the plugin: name (URL segment and table prefix), titles, settings schema,
    migrations and translations folders, and ``level`` ("tenant", "hub" or "both": where
    it may be enabled; the host refuses any other value and enabling it elsewhere).

    Fires when the plugin is loaded, before any other hook; exactly one per plugin.
    """


@hookspec
def yinghuo_models() -> Iterable[type]:
    """The model classes the plugin owns. Fires once at start; the host refuses a table not
    named ``<plugin>_*`` or whose primary key does not lead with ``tenant_id``.
    """


@hookspec
def yinghuo_blueprints(app: Flask) -> Iterable[PluginBlueprint]:
    """Blueprints to mount for the plugin: "api" under ``/t/<slug>/api/v1/<plugin>/``, "page"
    under ``/t/<slug>/<plugin>/``; they answer 404 where the tenant has not enabled it.

    Write them once at module level, as the kernel's rooms do: the kernel mounts the same
    objects on every app it creates and puts the enabled-plugin guard on that app, not on the
    blueprint. Every route declares its gate (``yinghuo.api.gate``).

    Fires once per app at start.

    :param app: the Flask app being created (ask for it only if the blueprints need it).
    """


@hookspec
def yinghuo_permissions() -> Iterable[Permission]:
    """The permissions the plugin's routes declare, each granted to kernel roles. Fires once
    per app at start; a name declared twice stops the start, naming both plugins.
    """


@hookspec
def yinghuo_periodic_jobs() -> Iterable[PeriodicJob]:
    """Jobs the worker's scheduler runs on an interval. Fires once at start, when the jobs
    are declared; each run then goes to every tenant with the plugin enabled, and to no other.
    """


@hookspec
def yinghuo_cli_commands(cli: click.Group) -> None:
    """Add click commands to ``yinghuo``. Fires when the command line starts (before it
    reads its arguments), not in the web app or the worker.

    :param cli: the root click group: ``@cli.command("stations-import")``.
    """


# --- tenant lifecycle ---------------------------------------------------------------

@hookspec
def yinghuo_tenant_enabled(tenant: Tenant, first_time: bool) -> None:
    """The plugin was just enabled for ``tenant``: seed its defaults. Must be idempotent.

    Fires inside the transaction that enables it, with the tenant in scope; not when it was
    already enabled, nor for other plugins.

    :param first_time: True the first time the plugin is ever enabled there.
    """


@hookspec
def yinghuo_tenant_disabled(tenant: Tenant) -> None:
    """The plugin was just disabled for ``tenant``; its data and settings are kept. Fires
    inside that transaction, with the tenant in scope; not when it was already disabled.
    """


# --- contributions: plugins enabled for the tenant ------------------------------------

@hookspec
def yinghuo_nav_items(tenant: Tenant, member: Member | None, area: str) -> Iterable[NavItem]:
    """Entries for the tenant's navigation. Fires on every page of the tenant.

    :param member: the signed-in member, or None for a visitor.
    :param area: "portal" (volunteer pages) or "admin".
    """


@hookspec
def yinghuo_dashboard_widgets(tenant: Tenant, member: Member) -> Iterable[Widget]:
    """Figures for the tenant's home page. Fires when a signed-in member opens it; not for
    visitors.
    """


@hookspec
def yinghuo_activity_categories(tenant: Tenant) -> Iterable[str]:
    """Activity categories the plugin adds to the tenant's own list (training, field trip …),
    so its sessions are kernel activities with kernel sign-up, attendance and hours. Fires
    whenever an activity is checked or the categories are listed.
    """


@hookspec
def yinghuo_notification_channels(tenant: Tenant) -> Iterable[object]:
    """Delivery channels besides the in-app inbox (an SMS gateway, a WeChat template sender)
    for this tenant's messages.

    Each channel has a unique ``name`` and ``send(member, account, notification, text)``
    returning True when it delivered. Fires when a message is sent, in the job that
    delivers it after the commit (inline without Redis); the text is in the reader's language.
    """


@hookspec
def yinghuo_demo_data(tenant: Tenant) -> str | None:
    """Seed the plugin's demonstration data for ``tenant``; idempotent. Fires in ``yinghuo
    demo`` with the tenant in scope, after the kernel's demo people and activities; never
    in the app.

    :return: a short line for the demo report, or None.
    """


@hookspec
def yinghuo_rollup_stats(tenant: Tenant) -> Iterable[Stat]:
    """Counts (never rows) a hub shows for this child tenant. Fires when the hub's roll-up
    is read, with the child tenant in scope, for each child with the plugin enabled.
    """


# --- events: plugins enabled for the tenant, inside the kernel's transaction ------------

@hookspec
def yinghuo_member_joined(tenant: Tenant, member: Member) -> None:
    """A membership was created in ``tenant``. Fires on self-registration, import, an admin's
    entry or a leader's for someone without a phone; not when roles or details change.
    """


@hookspec
def yinghuo_activity_published(tenant: Tenant, activity: Activity) -> None:
    """An activity went from draft to published (open for sign-up). Fires once per activity;
    not when a published one is edited."""


@hookspec
def yinghuo_activity_completed(tenant: Tenant, activity: Activity) -> None:
    """An activity was marked completed. Fires after its attendance became pending hour
    records; not when it is cancelled or closed for sign-up."""


@hookspec
def yinghuo_hours_recorded(tenant: Tenant, record: HourRecord) -> None:
    """A pending service-hours record was made: from attendance, entered by hand, or as a
    correction of another. Fires inside its transaction, after it is flushed (it has its id).
    The kernel uses it to flag hours above the time their person was checked in."""


@hookspec
def yinghuo_hours_approved(tenant: Tenant, record: HourRecord) -> None:
    """A service-hours record was approved. Fires once per record, however often approval is
    asked for or by how many at once; not when a record is entered, rejected or voided.
    A plugin crediting points keys its ledger row on the record, so it credits once.
    """


@hookspec
def yinghuo_hours_voided(tenant: Tenant, record: HourRecord) -> None:
    """A service-hours record that had been approved was voided (a correction voids it and
    enters a new pending record). Fires once per record, inside the void's transaction: a
    plugin that credited points for it writes the counter-entry, keyed on the record.
    """


# --- decisions: the first answer wins ----------------------------------------------------

@hookspec(firstresult=True)
def yinghuo_signup_refusal(tenant: Tenant, activity: Activity, member: Member) -> str | None:
    """Refuse a sign-up (a squad-only session, a judge's conflict of interest): return the
    reason, or None to let it through. Fires on every sign-up, the person's own or a
    leader's for them, after the kernel's own checks (open, window) and before a place is
    taken; the first refusal wins and the answer is 409 ``signup_refused`` with the reason.
    """


@hookspec(firstresult=True)
def yinghuo_verify_code(tenant: Tenant, code: str) -> Verification | None:
    """Recognise a public verification code (a certificate, a pickup code, an award) on
    ``/verify/<code>``: return a :class:`Verification`, or None when it is not yours.
    Fires for anyone who opens the page, signed in or not, for codes made with
    ``new_verification_code()``, with the tenant that made it in scope; not for unknown
    codes. The first answer wins.
    """
