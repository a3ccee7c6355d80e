"""Tenants as code: declarative tenant files (TOML) applied idempotently.

``apply_path(path)`` validates every file first; a bad file changes nothing and the
error names the file, the key and the reason. Then all files are applied in one
transaction (parents before children) and each change is reported.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from ..db.context import tenant_scope
from ..errors import DomainError, Invalid
from ..extensions import db
from ..units.models import Unit
from ..units.services import create_unit
from . import services
from .models import KINDS, Tenant
from .schemas import SLUG, BrandingSchema


class UnitFileSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(1, 200))
    type = fields.String(required=True)
    parent = fields.String(load_default=None, metadata={"description": "name of the parent unit"})


class TenantFileSchema(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent = fields.String(load_default=None)
    plugins = fields.List(fields.String(), load_default=list)
    hosts = fields.List(fields.String(), load_default=list)
    branding = fields.Nested(BrandingSchema, load_default=dict)
    settings = fields.Dict(load_default=dict)
    units = fields.List(fields.Nested(UnitFileSchema), load_default=list)
    #: free text for people reading the file (where the model comes from)
    about = fields.String(load_default="")


class TenantFileError(DomainError):
    status, code = 422, "tenant_file"


def load_file(path: Path) -> dict:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TenantFileError(f"{path}: not valid TOML: {exc}")
    try:
        data = TenantFileSchema().load(raw)
    except ValidationError as exc:
        raise TenantFileError(f"{path}: {_first_error(exc.messages)}", fields={str(path): exc.messages})
    _check_units(path, data["units"])
    return data


def _first_error(messages, prefix="") -> str:
    for key, value in messages.items():
        if isinstance(value, dict):
            return _first_error(value, f"{prefix}{key}.")
        return f"key '{prefix}{key}': {'; '.join(map(str, value))}"
    return "invalid"


def _check_units(path: Path, units: list[dict]) -> None:
    names = set()
    for i, unit in enumerate(units):
        if unit["parent"] and unit["parent"] not in names:
            raise TenantFileError(f"{path}: key 'units.{i}.parent': unknown unit {unit['parent']!r} "
                                  "(list parents before their children)")
        if unit["name"] in names:
            raise TenantFileError(f"{path}: key 'units.{i}.name': duplicate unit {unit['name']!r}")
        names.add(unit["name"])


def apply_path(path: Path) -> list[str]:
    """Apply a tenant file or every ``*.toml`` in a folder. Returns the change report."""
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    loaded = [(f, load_file(f)) for f in files]
    slugs = {d["slug"] for _, d in loaded}
    # parents first: each file after the file of its parent (a province hub, its city hub, the city's counties)
    parents = {d["slug"]: d["parent"] for _, d in loaded}

    def depth(slug, seen=()):
        parent = parents.get(slug)
        return 0 if parent not in slugs or parent in seen else 1 + depth(parent, (*seen, slug))
    loaded.sort(key=lambda item: (depth(item[1]["slug"]), item[1]["slug"]))
    report = []
    try:
        for f, data in loaded:
            try:
                report += apply_tenant(data)
            except DomainError as exc:
                raise TenantFileError(f"{f}: {exc.message}", fields=exc.fields) from None
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def apply_tenant(data: dict) -> list[str]:
    slug = data["slug"]
    tenant = services.find_tenant(slug)
    if tenant is None:
        # the tree first, then the plugins, which may seed into it when enabled
        tenant = services.create_tenant(**{k: data[k] for k in (
            "slug", "name", "kind", "parent", "settings", "branding", "hosts")})
        units = _apply_units(tenant, data["units"])
        services.set_plugins(tenant, data["plugins"])
        return [f"{slug}: created"] + units
    changes = []
    if tenant.kind != data["kind"]:
        raise Invalid(f"kind cannot change ({tenant.kind} -> {data['kind']})", fields={"kind": ["immutable"]})
    wanted = {"name": data["name"], "branding": services.clean_branding(data["branding"]),
              "settings": services.validate_settings(data["settings"], sorted(data["plugins"]))}
    for key, value in wanted.items():
        if getattr(tenant, key) != value:
            changes.append(f"{slug}: {key} changed")
    parent = services.parent_hub(data["parent"], slug)
    if tenant.parent_id != (parent.id if parent else None):
        tenant.parent = parent
        changes.append(f"{slug}: parent -> {data['parent']}")
    update = {k: v for k, v in wanted.items() if getattr(tenant, k) != v}
    if update:
        services.update_tenant(tenant, update)
    changes += _apply_units(tenant, data["units"])
    changes += [f"{slug}: plugin {c}" for c in services.set_plugins(tenant, data["plugins"])]
    if sorted(h.host for h in tenant.hosts) != sorted(h.lower() for h in data["hosts"]):
        services.set_hosts(tenant, data["hosts"])
        changes.append(f"{slug}: hosts changed")
    return changes or [f"{slug}: unchanged"]


def _apply_units(tenant: Tenant, units: list[dict]) -> list[str]:
    changes = []
    with tenant_scope(tenant.id):
        by_name = {u.name: u for u in db.session.scalars(select(Unit))}
        for item in units:
            if item["name"] in by_name:
                continue
            parent = by_name.get(item["parent"]) if item["parent"] else None
            by_name[item["name"]] = create_unit(tenant, name=item["name"], type=item["type"],
                                                parent_id=parent.id if parent else None)
            changes.append(f"{tenant.slug}: unit {item['name']} added")
    return changes
