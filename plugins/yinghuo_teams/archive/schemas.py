"""Schemas of the archive API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class VillageSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    township = fields.String(required=True, validate=validate.Length(1, 100))
    county = fields.String(required=True, validate=validate.Length(1, 100))
    squad = fields.String(dump_only=True, allow_none=True)


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
