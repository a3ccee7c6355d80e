"""Tenant rules: create, plugins on/off, settings, suspend/resume, hub roll-ups."""
from __future__ import annotations

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from .. import audit
from ..db.context import tenant_scope
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from .models import KINDS, Tenant, TenantHost, TenantPlugin
from .schemas import SLUG, BrandingSchema, KernelSettings


def host():
    return current_app.extensions["yinghuo"].host


def find_tenant(slug: str) -> Tenant | None:
    """The tenant with this slug, or None: the one lookup by slug."""
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def get_tenant(slug: str) -> Tenant:
    tenant = find_tenant(slug)
    if tenant is None:
        raise NotFound(f"no tenant {slug!r}")
    return tenant


def tenant_snapshot(tenant: Tenant) -> dict:
    return {"slug": tenant.slug, "name": tenant.name, "kind": tenant.kind, "status": tenant.status,
            "parent": tenant.parent.slug if tenant.parent else None, "plugins": tenant.enabled_plugins,
            "settings": tenant.settings, "branding": tenant.branding,
            "hosts": sorted(h.host for h in tenant.hosts)}


def validate_settings(settings: dict, plugins: list[str]) -> dict:
    """Kernel keys through KernelSettings; ``settings[plugin]`` through the plugin's schema.

    Every plugin in ``plugins`` gets its defaults; a plugin that is installed but not in
    ``plugins`` (disabled) keeps the settings it has, validated, so disabling loses nothing.
    """
    settings = dict(settings or {})
    manifests = host().manifests
    parts = {name: settings.pop(name) for name in list(settings) if name in manifests}
    errors, result = {}, {}
    try:
        result = KernelSettings().load(settings)
    except ValidationError as exc:
        errors.update(exc.messages)
    for name in sorted(set(plugins) | set(parts)):
        try:
            loaded = plugin_settings(name, parts.get(name))
        except Invalid as exc:
            errors[name] = exc.fields["settings"][name]
            continue
        if loaded is not None:
            result[name] = loaded
    if errors:
        raise Invalid("Tenant settings are invalid", fields={"settings": errors})
    return result


def plugin_settings(name: str, raw: dict | None) -> dict | None:
    """A plugin's settings loaded through its schema (defaults filled); None if it has none."""
    schema_cls = host().manifests[name].settings_schema
    if schema_cls is None:
        return None
    try:
        return schema_cls().load(raw or {})
    except ValidationError as exc:
        raise Invalid("Tenant settings are invalid", fields={"settings": {name: exc.messages}})


def check_plugins(names: list[str]) -> list[str]:
    unknown = [n for n in names if n not in host().manifests]
    if unknown:
        raise Invalid(f"unknown plugin(s): {', '.join(unknown)}",
                      fields={"plugins": [f"not installed: {n}" for n in unknown]})
    return sorted(set(names))


def create_tenant(*, slug: str, name: str, kind: str, parent: str | None = None,
                  plugins: list[str] | None = None, settings: dict | None = None,
                  branding: dict | None = None, hosts: list[str] | None = None) -> Tenant:
    """Create a tenant with its plugins enabled in one step."""
    _check_basic(slug, name, kind)
    if find_tenant(slug) is not None:
        raise Conflict(f"tenant {slug!r} already exists", fields={"slug": ["already taken"]})
    plugins = check_plugins(plugins or [])
    parent_row = parent_hub(parent, slug)
    tenant = Tenant(slug=slug, name=name, kind=kind, parent=parent_row, status="active",
                    settings=validate_settings(settings or {}, plugins),
                    branding=clean_branding(branding))
    db.session.add(tenant)
    set_hosts(tenant, hosts or [])
    db.session.flush()
    audit.record("tenant.create", "tenant", tenant.slug, after=tenant_snapshot(tenant), tenant_id=None)
    for plugin in plugins:
        enable_plugin(tenant, plugin)
    return tenant


def _check_basic(slug, name, kind):
    fields = {}
    try:
        SLUG(slug or "")
    except ValidationError as exc:
        fields["slug"] = exc.messages
    if not name:
        fields["name"] = ["required"]
    if kind not in KINDS:
        fields["kind"] = [f"one of {', '.join(KINDS)}"]
    if fields:
        raise Invalid("Tenant is invalid", fields=fields)


def parent_hub(parent_slug: str | None, own_slug: str) -> Tenant | None:
    if not parent_slug:
        return None
    if parent_slug == own_slug:
        raise Invalid("a tenant cannot be its own parent", fields={"parent": ["is the tenant itself"]})
    parent = find_tenant(parent_slug)
    if parent is None:
        raise Invalid(f"no parent tenant {parent_slug!r}", fields={"parent": ["unknown tenant"]})
    if parent.kind != "hub":
        raise Invalid("only a hub tenant can have children", fields={"parent": ["is not a hub"]})
    return parent


def clean_branding(branding: dict | None) -> dict:
    try:
        return BrandingSchema().load(branding or {})
    except ValidationError as exc:
        raise Invalid("Branding is invalid", fields={"branding": exc.messages})


def set_hosts(tenant: Tenant, hosts: list[str]) -> None:
    wanted = {h.strip().lower() for h in hosts if h.strip()}
    for row in list(tenant.hosts):
        if row.host not in wanted:
            tenant.hosts.remove(row)
    have = {h.host for h in tenant.hosts}
    for h in sorted(wanted - have):
        other = db.session.scalar(select(TenantHost).where(TenantHost.host == h))
        if other is not None and other.tenant_id != tenant.id:
            raise Conflict(f"host {h} already belongs to another tenant", fields={"hosts": [h]})
        tenant.hosts.append(TenantHost(host=h))


def enable_plugin(tenant: Tenant, name: str) -> bool:
    """Enable a plugin for a tenant; harmless when already enabled. Returns True if changed.
    The plugin's manifest ``level`` says where it belongs: "tenant" (not hubs), "hub" (hubs
    only) or "both"."""
    check_plugins([name])
    check_level(tenant, name)
    row = db.session.get(TenantPlugin, (tenant.id, name))
    if row is not None and row.enabled:
        return False
    first_time = row is None
    if row is None:
        row = TenantPlugin(tenant_id=tenant.id, plugin=name, enabled=True)
        tenant.plugin_rows.append(row)
    row.enabled = True
    if name not in (tenant.settings or {}):
        defaults = plugin_settings(name, None)
        if defaults is not None:
            tenant.settings = {**(tenant.settings or {}), name: defaults}
    db.session.flush()
    audit.record("tenant.plugin.enable", "tenant", tenant.slug, after={"plugin": name}, tenant_id=tenant.id)
    with tenant_scope(tenant.id):
        host().call_one(name, "yinghuo_tenant_enabled", tenant=tenant, first_time=first_time)
    return True


def check_level(tenant: Tenant, name: str) -> None:
    level = host().manifests[name].level
    if (level == "tenant" and tenant.kind == "hub") or (level == "hub" and tenant.kind != "hub"):
        where = "hubs only" if level == "hub" else "tenants that are not hubs"
        raise Invalid(f"plugin {name} is for {where}", fields={"plugins": [f"{name}: for {where}"]})


def disable_plugin(tenant: Tenant, name: str) -> bool:
    """Disable a plugin for a tenant; its data is kept. Returns True if changed."""
    check_plugins([name])
    row = db.session.get(TenantPlugin, (tenant.id, name))
    if row is None or not row.enabled:
        return False
    row.enabled = False
    db.session.flush()
    audit.record("tenant.plugin.disable", "tenant", tenant.slug, after={"plugin": name}, tenant_id=tenant.id)
    with tenant_scope(tenant.id):
        host().call_one(name, "yinghuo_tenant_disabled", tenant=tenant)
    return True


def set_plugins(tenant: Tenant, names: list[str]) -> list[str]:
    """Make the enabled set exactly ``names``; returns a list of changes."""
    names = check_plugins(names)
    changes = []
    for name in names:
        if enable_plugin(tenant, name):
            changes.append(f"+{name}")
    for name in tenant.enabled_plugins:
        if name not in names and disable_plugin(tenant, name):
            changes.append(f"-{name}")
    return changes


def set_status(tenant: Tenant, status: str, reason: str | None = None) -> bool:
    if status not in ("active", "suspended"):
        raise Invalid("status must be active or suspended", fields={"status": ["active or suspended"]})
    if tenant.status == status:
        return False
    before = tenant.status
    tenant.status = status
    tenant.suspended_reason = reason if status == "suspended" else None
    audit.record(f"tenant.{'suspend' if status == 'suspended' else 'resume'}", "tenant", tenant.slug,
                 before={"status": before}, after={"status": status}, reason=reason, tenant_id=tenant.id)
    return True


def update_tenant(tenant: Tenant, data: dict) -> Tenant:
    before = tenant_snapshot(tenant)
    if "name" in data:
        tenant.name = data["name"]
    if "branding" in data:
        tenant.branding = clean_branding(data["branding"])
    if "plugins" in data:
        set_plugins(tenant, data["plugins"])
    if "settings" in data:
        tenant.settings = validate_settings(data["settings"], tenant.enabled_plugins)
    if "status" in data:
        set_status(tenant, data["status"], data.get("reason"))
    db.session.flush()
    after = tenant_snapshot(tenant)
    if after != before:
        audit.record("tenant.update", "tenant", tenant.slug, before=before, after=after, tenant_id=tenant.id)
    return tenant


def children(tenant: Tenant) -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).where(Tenant.parent_id == tenant.id).order_by(Tenant.slug)))


def rollup(hub: Tenant) -> list[dict]:
    """Counts per child tenant, never their rows: each child's ``yinghuo_rollup_stats``,
    the kernel's own (members, units, activities, approved hours, in ``core_hooks``) and
    those of the plugins enabled there, read with the child's scope (from the read replica
    when one is set)."""
    from ..db.replica import reads
    result = []
    with reads():
        for kid in children(hub):
            stats = {}
            with tenant_scope(kid.id):
                for items in host().hooks_for(kid).yinghuo_rollup_stats(tenant=kid):
                    for stat in items or []:
                        stats[stat.name] = stats.get(stat.name, 0) + int(stat.value)
            result.append({"slug": kid.slug, "name": kid.name, "stats": stats})
    return result
