"""Schemas of signing in, shared by the tenant API and the operator API."""
from __future__ import annotations

from marshmallow import Schema, fields


class LoginSchema(Schema):
    login = fields.String(required=True, metadata={"description": "email or phone"})
    password = fields.String(required=True)
    otp = fields.String(load_default=None)


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String()
