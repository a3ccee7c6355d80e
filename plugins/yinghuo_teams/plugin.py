"""The teams plugin's hook implementations: its front door."""
from __future__ import annotations

from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from yinghuo.api import PluginBlueprint, PluginManifest, hookimpl

HERE = Path(__file__).parent


class TeamsSettings(Schema):
    """Tenant settings under settings.teams."""

    squad_min = fields.Integer(load_default=3, validate=validate.Range(1, 20))
    squad_max = fields.Integer(load_default=4, validate=validate.Range(1, 20))
    working_groups = fields.List(fields.String(validate=validate.Length(1, 40)),
                                 load_default=lambda: ["联络组", "创意组", "档案组", "实践组"])

    @validates_schema
    def _limits(self, data, **kwargs):
        if data["squad_min"] > data["squad_max"]:
            raise ValidationError("squad_min is above squad_max", field_name="squad_min")


@hookimpl
def yinghuo_manifest():
    return PluginManifest(name="teams", title_zh="高校团队", title_en="University teams",
                          settings_schema=TeamsSettings, migrations=str(HERE / "migrations" / "versions"),
                          description="Squads of students paired with village first secretaries.")


@hookimpl
def yinghuo_models():
    from . import models
    return [models.Squad, models.SquadMember, models.Secretary, models.Pairing]


@hookimpl
def yinghuo_blueprints(app):
    from .api import make_blueprint
    return [PluginBlueprint("api", make_blueprint())]
