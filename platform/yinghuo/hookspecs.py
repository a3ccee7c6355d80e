"""Every hook a Yinghuo plugin can implement.

Rules: hooks are called with keyword arguments only; ``tenant`` comes first where
there is one; an implementation may accept any subset of the arguments (pluggy opt-in
arguments), so new arguments can be added later.

Registration hooks run once in ``create_app`` on every installed plugin. Tenant hooks
are called through ``PluginHost.hooks_for(tenant)``, which reaches only the plugins
enabled for that tenant (and the kernel's own ``core_hooks``). Event hooks run inside
the kernel's transaction: a plugin's database writes commit or roll back with it;
anything outside the database should be enqueued as a job.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("yinghuo")


# --- registration: once per app, all installed plugins -----------------------------

@hookspec(firstresult=True)
def yinghuo_manifest():
    """Describe the plugin: name, titles, settings schema, migrations folder.

    :return: one :class:`yinghuo.records.PluginManifest`.
    """


@hookspec
def yinghuo_models():
    """Model classes the plugin owns; tables must be named ``<plugin>_*`` and lead
    their primary key with ``tenant_id``. The host checks both at start.

    :return: an iterable of declarative model classes.
    """


@hookspec
def yinghuo_blueprints(app):
    """Blueprints to mount for the plugin, guarded so they 404 where it is disabled.

    Write them once at module level, as the kernel's rooms do: the kernel mounts the same
    objects on every app it creates and puts the enabled-plugin guard on that app, not on
    the blueprint. Every route declares its gate (``yinghuo.api.gate``).

    :param app: the Flask app being created (ask for it only if the blueprints need it).
    :return: an iterable of :class:`yinghuo.records.PluginBlueprint`.
    """


@hookspec
def yinghuo_permissions():
    """Permissions the plugin adds to the kernel's roles.

    :return: an iterable of :class:`yinghuo.records.Permission`.
    """


@hookspec
def yinghuo_periodic_jobs():
    """Jobs the worker's scheduler runs on an interval, per tenant with the plugin on.

    :return: an iterable of :class:`yinghuo.records.PeriodicJob`.
    """


@hookspec
def yinghuo_cli_commands(cli):
    """Add click commands to ``yinghuo``.

    :param cli: the root click group.
    """


@hookspec
def yinghuo_notification_channels():
    """Delivery channels besides the in-app inbox (an SMS gateway, a WeChat template sender).

    Each channel has a unique ``name`` and ``send(member, account, notification, text)``
    returning True when it delivered; it runs in a job after commit, in Chinese.

    :return: an iterable of channel objects.
    """


# --- tenant lifecycle -------------------------------------------------------------

@hookspec
def yinghuo_tenant_enabled(tenant, first_time):
    """The plugin was enabled for ``tenant``; seed defaults. Must be idempotent.

    Called inside the transaction that enables it, with the tenant in scope.

    :param tenant: the :class:`Tenant`.
    :param first_time: True the first time the plugin is ever enabled there.
    """


@hookspec
def yinghuo_tenant_disabled(tenant):
    """The plugin was disabled for ``tenant``; its data is kept.

    :param tenant: the :class:`Tenant`.
    """


# --- contributions: only enabled plugins ------------------------------------------

@hookspec
def yinghuo_nav_items(tenant, member, area):
    """Navigation entries for the tenant's pages.

    :param tenant: the :class:`Tenant`.
    :param member: the signed-in :class:`Member` or None.
    :param area: "portal" (volunteer pages) or "admin".
    :return: an iterable of :class:`yinghuo.records.NavItem`.
    """


@hookspec
def yinghuo_dashboard_widgets(tenant, member):
    """Figures for the tenant's dashboard.

    :return: an iterable of :class:`yinghuo.records.Widget`.
    """


@hookspec
def yinghuo_activity_categories(tenant):
    """Activity categories the plugin adds to the tenant's own list (training, field trip …),
    so its sessions are kernel activities with kernel sign-up, attendance and hours.

    :return: an iterable of category names.
    """


@hookspec
def yinghuo_demo_data(tenant):
    """Seed the plugin's demonstration data for ``tenant`` (``yinghuo demo``); idempotent.

    Called with the tenant in scope, after the kernel's demo people and activities.

    :return: a short line for the demo report, or None.
    """


@hookspec
def yinghuo_rollup_stats(tenant):
    """Counts (never rows) a hub shows for this child tenant.

    Called with the child tenant in scope.

    :return: an iterable of :class:`yinghuo.records.Stat`.
    """


# --- events: only enabled plugins, inside the kernel's transaction ----------------

@hookspec
def yinghuo_member_joined(tenant, member):
    """A person joined ``tenant`` (self-registration, import or admin).

    :param member: the new :class:`Member`.
    """


@hookspec
def yinghuo_activity_published(tenant, activity):
    """An activity was published."""


@hookspec
def yinghuo_activity_completed(tenant, activity):
    """An activity was completed."""


@hookspec
def yinghuo_hours_approved(tenant, record):
    """A service-hours record was approved (once per record)."""


# --- decisions ----------------------------------------------------------------------

@hookspec(firstresult=True)
def yinghuo_signup_refusal(tenant, activity, member):
    """Refuse a sign-up: return a reason (str) or None. The first refusal wins."""


@hookspec(firstresult=True)
def yinghuo_verify_code(tenant, code):
    """Recognise a public verification code; return a :class:`Verification` or None."""
