"""Schemas of the archive API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class NewVillageSchema(Schema):
    """A village to add, with the township and county it lies in."""
    name = fields.String(required=True, validate=validate.Length(1, 100))
    township = fields.String(required=True, validate=validate.Length(1, 100))
    county = fields.String(required=True, validate=validate.Length(1, 100))


class VillageSchema(Schema):
    """A village as shown: township and county are empty for a unit with none above it."""
    id = fields.Integer()
    name = fields.String()
    township = fields.String()
    county = fields.String()
    squad = fields.String(allow_none=True)


class ArchiveExportSchema(Schema):
    id = fields.Integer()
    village_id = fields.Integer()
    status = fields.String()
    progress = fields.Integer()
    reports = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    pdf_url = fields.Method("_pdf")
    zip_url = fields.Method("_zip")

    def _pdf(self, e):
        return f"exports/{e.id}/pdf" if e.status == "done" else None

    def _zip(self, e):
        return f"exports/{e.id}/zip" if e.status == "done" else None


class ServedSchema(Schema):
    squad = fields.String()
    secretary = fields.String()
    post = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)


class ArchiveReportSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_name = fields.String()
    period_start = fields.Date()
    title = fields.String()
    sections = fields.Dict(keys=fields.String(), values=fields.String())
    squad = fields.String()
    author = fields.String()
    accepted_at = fields.DateTime(allow_none=True)
    files = fields.List(fields.Dict())


class ArchiveSchema(Schema):
    village = fields.Nested(VillageSchema)
    served = fields.List(fields.Nested(ServedSchema))
    reports = fields.List(fields.Nested(ArchiveReportSchema))
