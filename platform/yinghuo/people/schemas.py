"""Schemas of signing in, shared by the tenant API and the operator API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class LoginSchema(Schema):
    login = fields.String(required=True, validate=validate.Length(max=200), metadata={"description": "email or phone"})
    password = fields.String(required=True, validate=validate.Length(max=256))
    otp = fields.String(load_default=None, validate=validate.Length(max=10))


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String()
